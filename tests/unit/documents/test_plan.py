"""Document plans over small fixed tables: what is planned, what is an echo, what is quarantined, what was
already applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from smapify_pipeline import warehouse
from smapify_pipeline.documents.plan import (
    SHOPIFY_ORDER,
    SHOPIFY_STOCK_ADJUST,
    SMAREGI_TRANSACTION,
    DocumentState,
    plan_orders,
    plan_refunds,
)
from smapify_pipeline.sync import keys, markers
from smapify_pipeline.sync.records import SyncContext
from smapify_pipeline.warehouse import ledger

CONTRACT = "c1"
LOCATION = "gid://shopify/Location/1"
VARIANT = "gid://shopify/ProductVariant/11"
ITEM = "gid://shopify/InventoryItem/21"
AT = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
CTX = SyncContext(CONTRACT, (("1", LOCATION),), "1")


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = warehouse.connect(str(tmp_path / "w.duckdb"))
    connection.execute(
        "INSERT INTO core.product_links VALUES ('101', '4901234567894', ?, 'gid://shopify/Product/1', ?, true, ?)",
        [VARIANT, ITEM, AT],
    )
    yield connection
    connection.close()


def add_sale(
    conn: duckdb.DuckDBPyConnection, head_id: str, memo: str | None = None, tax_division: str = "0"
) -> None:
    conn.execute(
        "INSERT INTO raw.smaregi_transactions (transaction_head_id, transaction_head_division, cancel_division, "
        "dispose_division, return_sales, store_id, terminal_tran_date_time, subtotal, total, tax_include, memo, "
        "extracted_at) VALUES (?, '1', '0', '0', '0', '1', ?, 2200, 2200, 200, ?, ?)",
        [head_id, AT, memo, AT],
    )
    conn.execute(
        "INSERT INTO raw.smaregi_transaction_details (transaction_head_id, transaction_detail_id, "
        "transaction_detail_division, product_id, product_code, product_name, tax_division, sales_price, "
        "unit_discount_price, quantity, tax_rate, extracted_at) "
        "VALUES (?, '1', '1', '101', '4901234567894', 'X', ?, 1100, 0, 2, 10, ?)",
        [head_id, tax_division, AT],
    )


def add_order(conn: duckdb.DuckDBPyConnection, number: int, source_name: str) -> str:
    order_id = f"gid://shopify/Order/{number}"
    conn.execute(
        "INSERT INTO raw.shopify_orders (order_id, processed_at, created_at, source_name, tags, taxes_included, "
        "total_price, total_shipping_price, extracted_at) VALUES (?, ?, ?, ?, [], true, 1100, 0, ?)",
        [order_id, AT, AT, source_name, AT],
    )
    conn.execute(
        "INSERT INTO raw.shopify_order_lines (line_item_id, order_id, variant_id, sku, title, quantity, "
        "current_quantity, unit_price, total_discount, tax_lines, extracted_at) "
        "VALUES (?, ?, ?, '4901234567894', 'X', 1, 1, 1100, 0, ?::JSON, ?)",
        [f"gid://shopify/LineItem/{number}", order_id, VARIANT, '[{"rate_percent": 10, "amount": 100}]', AT],
    )
    return order_id


def test_a_sale_and_an_online_order_are_planned_with_their_dependencies(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    add_sale(conn, "1")
    order_id = add_order(conn, 500, "web")
    rows = {row.key: row for row in plan_orders(DocumentState.read(conn, CTX)).rows}
    order_key, stock_key = keys.sale_order_key(CONTRACT, "1"), keys.sale_stock_key(CONTRACT, "1")
    assert rows[order_key].kind == SHOPIFY_ORDER
    assert rows[stock_key].kind == SHOPIFY_STOCK_ADJUST and rows[stock_key].depends_on == order_key
    assert rows[stock_key].payload["changes"] == [
        {"inventoryItemId": ITEM, "locationId": LOCATION, "delta": -2}
    ]
    transaction = rows[keys.order_transaction_key(order_id)]
    assert transaction.kind == SMAREGI_TRANSACTION
    assert transaction.payload["body"]["memo"] == markers.transaction_memo("order", order_id)


def test_document_rows_name_the_products_they_touch(conn: duckdb.DuckDBPyConnection) -> None:
    add_sale(conn, "1")
    order_id = add_order(conn, 500, "web")
    rows = {row.key: row for row in plan_orders(DocumentState.read(conn, CTX)).rows}
    order_key, stock_key = keys.sale_order_key(CONTRACT, "1"), keys.sale_stock_key(CONTRACT, "1")
    assert (rows[order_key].smaregi_product_ids, rows[order_key].smaregi_store_id) == (("101",), "1")
    assert rows[stock_key].smaregi_product_ids == ("101",)
    transaction = rows[keys.order_transaction_key(order_id)]
    assert transaction.shopify_variant_ids == (VARIANT,) and transaction.smaregi_store_id == "1"


def test_our_own_documents_are_never_planned(conn: duckdb.DuckDBPyConnection) -> None:
    add_sale(conn, "2", memo=markers.transaction_memo("order", "gid://shopify/Order/9"))
    add_order(conn, 600, "smapify")
    plan = plan_orders(DocumentState.read(conn, CTX))
    assert plan.rows == [] and plan.ignored == 2


def test_applied_keys_are_never_planned_again(conn: duckdb.DuckDBPyConnection) -> None:
    add_sale(conn, "1")
    order_key = keys.sale_order_key(CONTRACT, "1")
    ledger.begin(conn, order_key, SHOPIFY_ORDER, "shopify")
    ledger.mark_applied(conn, order_key, "gid://shopify/Order/77")
    rows = plan_orders(DocumentState.read(conn, CTX)).rows
    assert [row.key for row in rows] == [keys.sale_stock_key(CONTRACT, "1")], "only the stock effect is left"


def test_an_unmappable_sale_is_quarantined_with_the_reason(conn: duckdb.DuckDBPyConnection) -> None:
    add_sale(conn, "3", tax_division="1")
    plan = plan_orders(DocumentState.read(conn, CTX))
    assert plan.rows == []
    [(record_key, reason, _)] = plan.quarantined["raw.smaregi_transactions"]
    assert record_key == "3" and "tax-excluded" in reason


def test_a_void_of_a_mirrored_sale_refunds_its_order(conn: duckdb.DuckDBPyConnection) -> None:
    add_sale(conn, "1")
    conn.execute("UPDATE raw.smaregi_transactions SET cancel_division = '1' WHERE transaction_head_id = '1'")
    conn.execute("UPDATE raw.smaregi_transaction_details SET quantity = 1")  # the one unit its order holds
    order_id = add_order(conn, 700, "smapify")
    order_key = keys.sale_order_key(CONTRACT, "1")
    ledger.begin(conn, order_key, SHOPIFY_ORDER, "shopify")
    ledger.mark_applied(conn, order_key, order_id)
    [row] = plan_refunds(DocumentState.read(conn, CTX)).rows
    assert row.key == keys.smaregi_refund_key(CONTRACT, "1", "void")
    assert row.smaregi_product_ids == ("101",)
    refund_input = row.payload["variables"]["input"]
    assert refund_input["orderId"] == order_id
    assert refund_input["refundLineItems"] == [
        {
            "lineItemId": "gid://shopify/LineItem/700",
            "quantity": 1,
            "restockType": "RETURN",
            "locationId": LOCATION,
        }
    ]
