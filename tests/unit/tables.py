"""Small fixed rows for the raw tables, so link and plan code can be tested without the platforms."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline import warehouse

EXTRACTED = datetime(2026, 1, 1, tzinfo=UTC)
LOCATION = "gid://shopify/Location/1"
LOCATION_2 = "gid://shopify/Location/2"


def memory_warehouse() -> duckdb.DuckDBPyConnection:
    return warehouse.connect(":memory:")


def insert(conn: duckdb.DuckDBPyConnection, table: str, **values: Any) -> None:
    values.setdefault("extracted_at", EXTRACTED)
    names = ", ".join(f'"{name}"' for name in values)
    marks = ", ".join("?" for _ in values)
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(values.values()))


def shopify_product(
    conn: duckdb.DuckDBPyConnection,
    number: int,
    sku: str | None,
    *,
    title: str = "京都定番Tシャツ",
    price: int = 1100,
    tags: list[str] | None = None,
    barcode: str | None = None,
    deleted: bool = False,
    status: str = "ACTIVE",
) -> str:
    """One product with one variant (number n: Product/n, ProductVariant/n, InventoryItem/n)."""
    product_id = f"gid://shopify/Product/{number}"
    deleted_at = EXTRACTED if deleted else None
    insert(
        conn,
        "raw.shopify_products",
        product_id=product_id,
        title=title,
        product_type="トップス",
        description_html="説明",
        status=status,
        tags=tags or [],
        deleted_at=deleted_at,
    )
    insert(
        conn,
        "raw.shopify_variants",
        variant_id=f"gid://shopify/ProductVariant/{number}",
        product_id=product_id,
        sku=sku,
        barcode=barcode if barcode is not None else sku,
        price=price,
        inventory_item_id=f"gid://shopify/InventoryItem/{number}",
        tracked=True,
        unit_cost=500,
        deleted_at=deleted_at,
    )
    return f"gid://shopify/ProductVariant/{number}"


def smaregi_product(
    conn: duckdb.DuckDBPyConnection,
    product_id: str,
    code: str | None,
    *,
    name: str = "京都定番Tシャツ",
    price: int = 1100,
    tag: str | None = None,
    deleted: bool = False,
    category_id: str = "1",
) -> str:
    insert(
        conn,
        "raw.smaregi_products",
        product_id=product_id,
        category_id=category_id,
        product_code=code,
        product_name=name,
        tax_division="0",
        price=price,
        cost=500,
        description="説明",
        tag=tag,
        group_code=f"G{product_id}",
        display_flag="1",
        stock_control_division="0",
        deleted_at=EXTRACTED if deleted else None,
    )
    return product_id


def smaregi_category(conn: duckdb.DuckDBPyConnection, category_id: str = "1", name: str = "トップス") -> None:
    insert(conn, "raw.smaregi_categories", category_id=category_id, category_name=name, tax_division="0")


def stores_and_locations(conn: duckdb.DuckDBPyConnection) -> None:
    for store in ("1", "2"):
        insert(conn, "raw.smaregi_stores", store_id=store, store_name=f"店{store}")
    for location in (LOCATION, LOCATION_2):
        insert(conn, "raw.shopify_locations", location_id=location, name=location, is_active=True)


def shopify_stock(conn: duckdb.DuckDBPyConnection, number: int, location: str, available: int) -> None:
    insert(
        conn,
        "raw.shopify_inventory",
        inventory_item_id=f"gid://shopify/InventoryItem/{number}",
        location_id=location,
        available=available,
        on_hand=available,
    )


def smaregi_stock(conn: duckdb.DuckDBPyConnection, product_id: str, store_id: str, amount: int) -> None:
    insert(conn, "raw.smaregi_stock", product_id=product_id, store_id=store_id, stock_amount=amount)
