"""Products touched by this run's document plans (left alone by the stock push until the next run)."""

from __future__ import annotations

import json

import duckdb
import pytest

from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.planning.touched import touched_products
from tests.unit.sync_assets.tables import insert, memory_warehouse, shopify_product, smaregi_product


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = memory_warehouse()
    for number, (variant_code, product_id) in enumerate((("X", "10"), ("Y", "11"), ("Z", "12")), start=1):
        shopify_product(conn, number, variant_code)
        smaregi_product(conn, product_id, variant_code)
    build_product_links(conn, match_key="sku", exclude_tag="")
    return conn


def _plan(conn: duckdb.DuckDBPyConnection, table: str, key: str, payload: object) -> None:
    conn.execute(
        f"INSERT INTO {table} (key, kind, target, source, payload, reason) VALUES (?, 'k', 't', 's', ?::JSON, 'r')",
        [key, json.dumps(payload)],
    )


def test_no_document_plans_touch_nothing(conn: duckdb.DuckDBPyConnection) -> None:
    assert touched_products(conn) == set()


def test_references_by_every_api_field_name(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn, "plan.order_plan", "a", {"body": {"details": [{"productId": "10", "quantity": "1"}]}})
    _plan(
        conn,
        "plan.order_plan",
        "b",
        {"variables": {"order": {"lineItems": [{"variantId": "gid://shopify/ProductVariant/2"}]}}},
    )
    insert(
        conn,
        "raw.shopify_order_lines",
        line_item_id="gid://shopify/LineItem/7",
        order_id="o",
        variant_id="gid://shopify/ProductVariant/3",
    )
    _plan(
        conn,
        "plan.refund_plan",
        "c",
        {"variables": {"input": {"refundLineItems": [{"lineItemId": "gid://shopify/LineItem/7"}]}}},
    )
    assert touched_products(conn) == {"10", "11", "12"}


def test_inventory_items_and_stock_paths(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(
        conn,
        "plan.order_plan",
        "a",
        {"changes": [{"inventoryItemId": "gid://shopify/InventoryItem/1", "delta": -1}]},
    )
    _plan(
        conn, "plan.refund_plan", "b", {"path": "/stock/12/add", "body": {"storeId": "1", "stockAmount": "1"}}
    )
    assert touched_products(conn) == {"10", "12"}


def test_applied_document_rows_no_longer_touch(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn, "plan.order_plan", "a", {"body": {"details": [{"productId": "10"}]}})
    conn.execute(
        "INSERT INTO sync.ledger VALUES ('a', 'k', 't', 'applied', 1, 1, NULL, 'x', NULL, now(), now(), now())"
    )
    assert touched_products(conn) == set()
