"""What derives from the one declaration of the synced product fields."""

from __future__ import annotations

from dataclasses import fields

from smapify_pipeline.products.fields import (
    MERGED_FIELDS,
    SHOPIFY_COLUMNS,
    SMAREGI_COLUMNS,
    ProductFields,
    ShopifyVariantSnapshot,
    SmaregiProductSnapshot,
)

KNOWN = {
    "title", "shopify_price", "product_type", "description_html", "unit_cost", "status", "selected_options",
    "shopify_size", "shopify_color", "sku", "barcode", "product_name", "smaregi_price", "category_id",
    "category_name", "description", "cost", "display_flag", "smaregi_size", "smaregi_color", "tax_division",
    "product_code",
}  # fmt: skip


def _in_order(aliases: list[str]) -> list[str]:
    """The hashed columns known today, in hash order (columns of fields added later left out)."""
    return [alias for alias in aliases if alias in KNOWN]


def test_change_hashes_keep_their_column_order() -> None:
    """A new order would move every pair's hash and re-merge the whole catalogue once (a new field adds its
    columns; the ones before keep their order)."""
    assert _in_order([c.alias for c in SHOPIFY_COLUMNS if c.hashed]) == [
        "title",
        "shopify_price",
        "product_type",
        "description_html",
        "unit_cost",
        "status",
        "selected_options",
        "shopify_size",
        "shopify_color",
        "sku",
        "barcode",
    ]
    assert _in_order([c.alias for c in SMAREGI_COLUMNS if c.hashed]) == [
        "product_name",
        "smaregi_price",
        "category_id",
        "category_name",
        "description",
        "cost",
        "display_flag",
        "smaregi_size",
        "smaregi_color",
        "tax_division",
        "product_code",
    ]


def test_canonical_fields_and_snapshots_come_from_the_table() -> None:
    assert [f.name for f in fields(ProductFields)] == ["code", *MERGED_FIELDS]
    assert MERGED_FIELDS[:8] == (
        "title",
        "price",
        "category",
        "description",
        "cost",
        "visible",
        "size",
        "color",
    )
    assert {f.name for f in fields(ShopifyVariantSnapshot)} >= {
        "product_id",
        "variant_id",
        "inventory_item_id",
        "title",
        "product_type",
        "description_html",
        "status",
        "price",
        "sku",
        "barcode",
        "cost",
        "options",
        "tags",
    }
    assert {f.name for f in fields(SmaregiProductSnapshot)} >= {
        "product_id",
        "product_code",
        "product_name",
        "price",
        "category_id",
        "category_name",
        "description",
        "cost",
        "display_flag",
        "size",
        "color",
        "group_code",
        "tag",
        "tax_division",
    }
