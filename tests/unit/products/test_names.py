"""Variant names and limits (docs/architecture.md, "Products"): the Smaregi name of a variant, how a renamed
name is read back, and how a value too long for Smaregi is cut."""

from __future__ import annotations

import pytest

from smapify_pipeline.products.limits import SMAREGI_NAME_LIMIT, fit_text
from smapify_pipeline.products.names import (
    NameReading,
    compose_name,
    name_to_write,
    read_smaregi_name,
    shopify_title,
)


def test_a_variant_name_is_the_title_and_its_option_values() -> None:
    assert compose_name("Tシャツ", "M", "白") == "Tシャツ M 白"
    assert compose_name("Tシャツ", None, "白") == "Tシャツ 白"
    assert compose_name("トートバッグ", None, None) == "トートバッグ", "single-variant: title ↔ productName"


def test_the_name_keeps_its_variant_part_whole_when_the_title_is_cut() -> None:
    title = "Organic cotton crew neck tee " * 10
    name = compose_name(title, "XL", "ネイビー")
    assert len(name) <= SMAREGI_NAME_LIMIT and name.endswith(" XL ネイビー")
    assert name == f"{shopify_title(title, 'XL', 'ネイビー')} XL ネイビー"


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("Tシャツ M 白", NameReading("Tシャツ", "M", "白")),
        ("Tシャツ", NameReading("Tシャツ", "M", "白", bare=True)),
        ("Tシャツ M 生成り", NameReading("Tシャツ", "M", "生成り")),
        ("Tシャツ Medium 白", NameReading("Tシャツ", "Medium", "白")),
        ("Tシャツ L 黒", NameReading("Tシャツ", "L", "黒")),
        ("限定Tシャツ M 白", NameReading("Tシャツ", "M", "白", renamed_common="限定Tシャツ")),
        ("別の名前", NameReading("Tシャツ", "M", "白", renamed_common="別の名前")),
        ("Tシャツ M 白 限定 品", NameReading("Tシャツ", "M", "白 限定 品")),
        (
            "Tシャツ ワンサイズ ホワイト 限定",
            NameReading("Tシャツ", "M", "白", unreadable="ワンサイズ ホワイト 限定"),
        ),
    ],
)
def test_reading_a_member_name_against_the_common_title(name: str, reading: NameReading) -> None:
    assert read_smaregi_name(name, "M", "白", "Tシャツ", "M", "白") == reading


def test_an_option_field_edited_on_smaregi_is_read_from_the_field_not_the_stale_name() -> None:
    reading = read_smaregi_name("Tシャツ M 白", "L", "白", "Tシャツ", "M", "白")
    assert reading == NameReading("Tシャツ", "L", "白")
    assert name_to_write("Tシャツ M 白", reading, "Tシャツ", "L", "白", parts_changed=False) == "Tシャツ L 白"


def test_a_product_without_options_reads_its_name_as_the_title() -> None:
    assert read_smaregi_name("新しい名前", None, None, "トートバッグ") == NameReading(
        "トートバッグ", None, None, renamed_common="新しい名前"
    )
    assert read_smaregi_name("トートバッグ", None, None, "トートバッグ") == NameReading(
        "トートバッグ", None, None
    )


def test_names_are_written_only_when_what_they_are_made_of_changes() -> None:
    bare = NameReading("Tシャツ", "M", "白", bare=True)
    assert name_to_write("Tシャツ", bare, "Tシャツ", "M", "白", parts_changed=False) is None
    assert name_to_write("Tシャツ", bare, "新Tシャツ", "M", "白", parts_changed=True) == "新Tシャツ M 白"
    kept = NameReading("Tシャツ", "M", "白", renamed_common="限定Tシャツ")
    assert name_to_write("限定Tシャツ M 白", kept, "Tシャツ", "M", "白", parts_changed=False) is None
    assert name_to_write("限定Tシャツ M 白", kept, "Tシャツ", "L", "白", parts_changed=True) == "Tシャツ L 白"
    same = NameReading("Tシャツ", "M", "白")
    assert name_to_write("Tシャツ M 白", same, "Tシャツ", "M", "白", parts_changed=True) is None


def test_a_cut_falls_on_a_word_boundary_near_the_limit() -> None:
    text = "Handmade Kyoto indigo dyed cotton furoshiki wrapping cloth for gifts and everyday carry bags"
    cut = fit_text(text, 85)
    assert cut == "Handmade Kyoto indigo dyed cotton furoshiki wrapping cloth for gifts and everyday"
    assert text.startswith(cut) and len(cut) <= 85
    assert fit_text(cut, 85) == cut, "a cut value is its own canonical form"


def test_text_without_boundaries_is_cut_at_the_limit() -> None:
    text = "京都" * 100
    assert fit_text(text, 85) == text[:85]


def test_japanese_separators_are_boundaries() -> None:
    near = "あ" * 70 + "・" + "い" * 20
    assert fit_text(near, 85) == "あ" * 70
    far = "国産ひのき・手彫りの箸置き、" + "あ" * 80
    assert fit_text(far, 85) == far[:85], "no boundary within reach of the limit: cut at the limit"
    short = "国産ひのき　手彫りの箸置き" + "い" * 15 + "　" + "う" * 80
    assert fit_text(short, 40) == "国産ひのき　手彫りの箸置き" + "い" * 15


def test_a_cut_never_separates_a_character_from_its_combining_mark() -> None:
    text = "か" * 84 + "\u304b\u3099" + "き" * 10
    cut = fit_text(text, 85)
    assert cut == "か" * 84
    emoji = "x" * 84 + "\U0001f469\u200d\U0001f4bb"
    assert fit_text(emoji, 85) == "x" * 84


def test_short_text_is_untouched() -> None:
    assert fit_text("短い名前", 85) == "短い名前"
