"""The raw columns the product sync reads, declared once per side; the change hashes, the SQL select lists and
the snapshots the merge reads all derive from these two tuples.

A column with ``hashed`` is part of its side's change hash: a pair is merged again only when one side's hash
moved since the last sync, so every column a merged field reads must be hashed. Hashed columns keep their
order (the hash is of the values joined in order, and a new order would re-merge every pair once).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smapify_pipeline.products.merge import ShopifyVariantSnapshot, SmaregiProductSnapshot
from smapify_pipeline.sync import choices


def _same(value: Any) -> Any:
    return value


def _text(default: str) -> Callable[[Any], Any]:
    return lambda value: value or default


def _integer(value: Any) -> int:
    return int(value or 0)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _strings(value: Any) -> tuple[str, ...]:
    return () if value is None else tuple(value)


@dataclass(frozen=True)
class RawColumn:
    sql: str
    """The column in the plan queries (``p``/``v``: Shopify product/variant, ``s``/``c``: Smaregi product/category)."""
    alias: str
    """Its name in a query row (unique over both sides)."""
    attribute: str | None
    """The snapshot attribute it fills (``None``: read by a derived attribute)."""
    hashed: bool = True
    read: Callable[[Any], Any] = _same


SHOPIFY_COLUMNS = (
    RawColumn("p.title", "title", "title", read=_text("")),
    RawColumn("v.price", "shopify_price", "price", read=_integer),
    RawColumn("p.product_type", "product_type", "product_type"),
    RawColumn("p.description_html", "description_html", "description_html"),
    RawColumn("v.unit_cost", "unit_cost", "cost", read=_decimal),
    RawColumn("p.status", "status", "status", read=_text("ACTIVE")),
    RawColumn("v.selected_options", "selected_options", None),
    RawColumn("v.size", "shopify_size", None),
    RawColumn("v.color", "shopify_color", None),
    RawColumn("v.sku", "sku", "sku"),
    RawColumn("v.barcode", "barcode", "barcode"),
    RawColumn("v.variant_id", "variant_id", "variant_id", hashed=False),
    RawColumn("p.product_id", "shopify_product_id", "product_id", hashed=False),
    RawColumn("v.inventory_item_id", "inventory_item_id", "inventory_item_id", hashed=False, read=_text("")),
    RawColumn("p.tags", "tags", "tags", hashed=False, read=_strings),
)
SMAREGI_COLUMNS = (
    RawColumn("s.product_name", "product_name", "product_name", read=_text("")),
    RawColumn("s.price", "smaregi_price", "price", read=_integer),
    RawColumn("s.category_id", "category_id", "category_id", read=_text("")),
    RawColumn("c.category_name", "category_name", "category_name"),
    RawColumn("s.description", "description", "description"),
    RawColumn("s.cost", "cost", "cost", read=_decimal),
    RawColumn("s.display_flag", "display_flag", "display_flag", read=_text(choices.SMAREGI_VISIBLE)),
    RawColumn("s.size", "smaregi_size", "size"),
    RawColumn("s.color", "smaregi_color", "color"),
    RawColumn(
        "s.tax_division", "tax_division", "tax_division", read=_text(choices.SMAREGI_TAX_DIVISION_INCLUDED)
    ),
    RawColumn("s.product_code", "product_code", "product_code", read=_text("")),
    RawColumn("s.product_id", "smaregi_product_id", "product_id", hashed=False),
    RawColumn("s.group_code", "group_code", "group_code", hashed=False),
    RawColumn("s.tag", "tag", "tag", hashed=False),
)


def change_hash(columns: tuple[RawColumn, ...]) -> str:
    """SQL of a side's change hash: its hashed columns' values joined in order."""
    terms = ", ".join(f"coalesce({c.sql}::VARCHAR, '∅')" for c in columns if c.hashed)
    return f"md5(concat_ws('|', {terms}))"


def select_list(columns: tuple[RawColumn, ...]) -> str:
    return ", ".join(f"{c.sql} AS {c.alias}" for c in columns)


SHOPIFY_HASH = change_hash(SHOPIFY_COLUMNS)
SMAREGI_HASH = change_hash(SMAREGI_COLUMNS)
SHOPIFY_SELECT = select_list(SHOPIFY_COLUMNS)
SMAREGI_SELECT = select_list(SMAREGI_COLUMNS)


def _snapshot_values(columns: tuple[RawColumn, ...], row: Mapping[str, Any]) -> dict[str, Any]:
    return {c.attribute: c.read(row.get(c.alias)) for c in columns if c.attribute}


def shopify_snapshot(row: Mapping[str, Any]) -> ShopifyVariantSnapshot:
    options = _options(row.get("selected_options"), row.get("shopify_size"), row.get("shopify_color"))
    return ShopifyVariantSnapshot(**_snapshot_values(SHOPIFY_COLUMNS, row), options=options)


def smaregi_snapshot(row: Mapping[str, Any]) -> SmaregiProductSnapshot:
    return SmaregiProductSnapshot(**_snapshot_values(SMAREGI_COLUMNS, row))


def _options(raw: Any, size: str | None, color: str | None) -> tuple[tuple[str, str], ...]:
    if raw:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
        options = tuple(
            (str(o.get("name")), str(o.get("value")))
            for o in parsed
            if isinstance(o, dict) and o.get("name") and o.get("value") is not None
        )
        if options:
            return options
    return tuple((name, value) for name, value in (("size", size), ("color", color)) if value)
