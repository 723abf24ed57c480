"""Match-key normalisation (docs/architecture.md, "Linking"): the table of spellings that read as one key, the
spelling written to Smaregi, and the links and quarantine reasons that follow on small fixed raw tables."""

from __future__ import annotations

import duckdb
import pytest

from smapify_pipeline.link.match_keys import (
    normalise_match_key,
    productcode_problem,
    smaregi_code_spelling,
)
from smapify_pipeline.link.product_links import AFTER_NORMALISATION, build_product_links
from tests.unit.tables import memory_warehouse, shopify_product, smaregi_product

KEYS = [
    (" abc-777 ", "ABC-777", "abc-777"),
    ("ABC-777", "ABC-777", "ABC-777"),
    ("ＡＢＣ－７７８", "ABC-778", "ABC-778"),
    ("\u3000ABC\u2212778\u3000", "ABC-778", "ABC-778"),
    ("abcー779", "ABC-779", "abc-779"),
    ("ABC\u2010779", "ABC-779", "ABC-779"),
    ("ABC\u2013779", "ABC-779", "ABC-779"),
    ("ABC\uff70779", "ABC-779", "ABC-779"),
    ("4 901234 567894", "4901234567894", "4901234567894"),
    ("49012345\t67894\n", "4901234567894", "4901234567894"),
    ("\ufeffSKU\u200b1", "SKU1", "SKU1"),
    ("４９０１２３４５６７８９４", "4901234567894", "4901234567894"),
    ("   ", None, None),
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("raw", "key", "spelling"), KEYS)
def test_normalisation_table(raw: str | None, key: str | None, spelling: str | None) -> None:
    assert normalise_match_key(raw) == key
    assert smaregi_code_spelling(raw) == spelling


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("ABC-777", None),
        ("ＡＢＣ－７７８", None),
        ("A" * 20, None),
        ("A" * 21, "longer than 20 characters (21)"),
        (" " + "A" * 20 + " ", None),
        ("商品-001", "characters other than printable ASCII"),
        ("ｱｲｳ-1", "characters other than printable ASCII"),
    ],
)
def test_what_cannot_be_a_smaregi_product_code(raw: str, problem: str | None) -> None:
    assert productcode_problem(raw) == problem


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    return memory_warehouse()


def _links(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str]]:
    rows = conn.execute(
        "SELECT smaregi_product_id, shopify_variant_id, product_code FROM core.product_links"
    ).fetchall()
    return {p: (v, code) for p, v, code in rows}


def _reasons(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT record_key, reason FROM quarantine.records WHERE source_table = 'core.product_links'"
        ).fetchall()
    )


def test_spellings_of_one_code_link_on_the_normalised_key(conn: duckdb.DuckDBPyConnection) -> None:
    first = shopify_product(conn, 1, " abc-777 ")
    second = shopify_product(conn, 2, "ＡＢＣ－７７８")
    smaregi_product(conn, "10", "ABC-777")
    smaregi_product(conn, "11", "abc-778")
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {"10": (first, "ABC-777"), "11": (second, "abc-778")}
    assert _reasons(conn) == {}


def test_keys_colliding_after_normalisation_are_quarantined_naming_both(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    shopify_product(conn, 1, "abc-779")
    shopify_product(conn, 2, "ABC-779 ")
    build_product_links(conn, match_key="sku", exclude_tag="")
    reasons = _reasons(conn)
    expected = (
        f'{AFTER_NORMALISATION}: ABC-779 held by shopify:gid://shopify/ProductVariant/1 "abc-779", '
        'shopify:gid://shopify/ProductVariant/2 "ABC-779"'
    )
    assert reasons == {
        "shopify:gid://shopify/ProductVariant/1": expected,
        "shopify:gid://shopify/ProductVariant/2": expected,
    }
    statuses = conn.execute("SELECT DISTINCT status FROM core.unlinked_products").fetchall()
    assert statuses == [("quarantined",)], "nothing is left to create"


def test_smaregi_codes_colliding_after_normalisation_are_quarantined(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "ABC-780")
    smaregi_product(conn, "10", "abc-780")
    smaregi_product(conn, "11", "ABC-780")
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {}
    reasons = _reasons(conn)
    assert reasons["smaregi:10"].startswith(f"{AFTER_NORMALISATION}: ABC-780 held by smaregi:10 ")
    assert reasons["smaregi:10"] == reasons["smaregi:11"]
    assert reasons["shopify:gid://shopify/ProductVariant/1"] == "duplicate match key"


def test_a_key_that_cannot_be_a_product_code_is_quarantined_not_created(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    shopify_product(conn, 1, "商品-001")
    shopify_product(conn, 2, "SKU-" + "9" * 20)
    build_product_links(conn, match_key="sku", exclude_tag="")
    reasons = _reasons(conn)
    assert reasons["shopify:gid://shopify/ProductVariant/1"] == (
        'match key cannot be a Smaregi productCode: "商品-001": characters other than printable ASCII'
    )
    assert reasons["shopify:gid://shopify/ProductVariant/2"].endswith("longer than 20 characters (24)")
