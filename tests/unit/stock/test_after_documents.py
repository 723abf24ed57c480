"""The stock read again after the document pushes: which products are read, what the applied documents moved,
and which re-read counts the stock plan may trust (settled) in the same run."""

from __future__ import annotations

from typing import Any

import duckdb
import pytest

from smapify_pipeline.documents.plan import SHOPIFY_ORDER, SHOPIFY_STOCK_ADJUST, SMAREGI_TRANSACTION
from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.stock import after_documents
from smapify_pipeline.stock.plan import plan_inventory
from smapify_pipeline.sync.plan import PlanRow, replace_plan
from smapify_pipeline.warehouse import ledger
from tests.unit.tables import LOCATION, memory_warehouse, shopify_product, shopify_stock, smaregi_product
from tests.unit.tables import smaregi_stock as smaregi_count

ITEM = "gid://shopify/InventoryItem/1"


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = memory_warehouse()
    for number, (code, product_id) in enumerate((("X", "10"), ("Y", "11")), start=1):
        shopify_product(conn, number, code)
        smaregi_product(conn, product_id, code)
        shopify_stock(conn, number, LOCATION, 10)
        smaregi_count(conn, product_id, "1", 10)
    build_product_links(conn, match_key="sku", exclude_tag="")
    conn.execute("INSERT INTO core.location_links VALUES ('1', ?)", [LOCATION])
    return conn


class Platforms:
    """Both platforms' counts of X now, answered like the clients' reads."""

    def __init__(self, shopify: int, smaregi: int) -> None:
        self.shopify, self.smaregi = shopify, smaregi

    def execute(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        level = {
            "id": "gid://shopify/InventoryLevel/1?inventory_item_id=1",
            "item": {"id": ITEM},
            "location": {"id": LOCATION},
            "quantities": [
                {"name": "available", "quantity": self.shopify},
                {"name": "on_hand", "quantity": 0},
            ],
        }
        return {"p0": {"inventoryLevel": level}}

    def get_list(self, path: str, params: dict[str, Any], typed: bool = False) -> list[dict[str, Any]]:
        assert (path, params) == ("/stock", {"product_id": "10"})
        return [{"productId": "10", "storeId": "1", "stockAmount": str(self.smaregi)}]


def _sale_of_x_mirrored(conn: duckdb.DuckDBPyConnection, *, applied: bool = True) -> None:
    """A POS sale of 2 X (Smaregi 10 → 8 before the extract) mirrored in this run: order + −2 adjustment."""
    order = PlanRow(
        "sale:order", SHOPIFY_ORDER, "shopify", "smaregi:txn:1", {}, "r", smaregi_product_ids=("10",)
    )
    adjust = PlanRow(
        "sale:stock",
        SHOPIFY_STOCK_ADJUST,
        "shopify",
        "smaregi:txn:1",
        {"changes": [{"inventoryItemId": ITEM, "locationId": LOCATION, "delta": -2}]},
        "r",
        depends_on="sale:order",
        smaregi_product_ids=("10",),
    )
    replace_plan(conn, "plan.order_plan", [order, adjust])
    for key in ("sale:order", "sale:stock") if applied else ("sale:order",):
        ledger.begin(conn, key, "k", "shopify")
        ledger.mark_applied(conn, key, "remote")
    conn.execute("UPDATE raw.smaregi_stock SET stock_amount = 8 WHERE product_id = '10'")


def test_a_product_moved_exactly_by_its_documents_is_settled_and_corrected_in_the_same_run(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    _sale_of_x_mirrored(conn)
    conn.execute("UPDATE raw.shopify_inventory SET available = 15 WHERE inventory_item_id = ?", [ITEM])
    platforms = Platforms(shopify=13, smaregi=8)
    report = after_documents.read_after_documents(conn, platforms, platforms, None)  # type: ignore[arg-type]
    assert (report.products, report.settled, report.unsettled) == (1, 1, 0)
    assert conn.execute(
        "SELECT available FROM raw.shopify_inventory WHERE inventory_item_id = ?", [ITEM]
    ).fetchall() == [(13,)]
    plan_inventory(conn, "smaregi")
    [(kind, primary, secondary)] = conn.execute(
        "SELECT kind, primary_count, secondary_count FROM plan.inventory_plan"
    ).fetchall()
    assert (kind, primary, secondary) == ("stock_set", 8, 13), "the manual edit is overwritten after the sale"


def test_a_product_moved_by_a_document_not_extracted_yet_waits_for_the_next_run(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    _sale_of_x_mirrored(conn)
    platforms = Platforms(shopify=8, smaregi=7)  # another POS sale of X landed after the extract
    report = after_documents.read_after_documents(conn, platforms, platforms, None)  # type: ignore[arg-type]
    assert (report.settled, report.unsettled) == (0, 1)
    [(reason,)] = conn.execute("SELECT reason FROM core.stock_after_documents").fetchall()
    assert "not mirrored yet" in reason
    assert after_documents.unsettled_products(conn) == {"10"}
    report_plan = plan_inventory(conn, "smaregi")
    assert report_plan.planned == 0 and report_plan.skipped_for_documents == 1


def test_products_of_documents_not_applied_are_not_read(conn: duckdb.DuckDBPyConnection) -> None:
    _sale_of_x_mirrored(conn, applied=False)
    assert after_documents.products_to_read(conn) == set()
    report = after_documents.read_after_documents(conn, None, None, None)  # type: ignore[arg-type]
    assert report.products == 0
    assert plan_inventory(conn, "smaregi").skipped_for_documents == 1


def test_stock_effects_of_applied_rows_by_kind(conn: duckdb.DuckDBPyConnection) -> None:
    body = {
        "storeId": "1",
        "details": [
            {"productId": "10", "quantity": "3", "transactionDetailDivision": "1"},
            {"productId": "11", "quantity": "-1", "transactionDetailDivision": "2"},
        ],
    }
    rows = [
        PlanRow(
            "t",
            SMAREGI_TRANSACTION,
            "smaregi",
            "shopify:order:1",
            {"body": body},
            "r",
            smaregi_product_ids=("10",),
        ),
        PlanRow("u", "smaregi_dispose", "smaregi", "shopify:order:2", {}, "r", smaregi_product_ids=("11",)),
    ]
    replace_plan(conn, "plan.refund_plan", rows)
    for key in ("t", "u"):
        ledger.begin(conn, key, "k", "smaregi")
        ledger.mark_applied(conn, key, "remote")
    effects, unknown = after_documents.applied_effects(conn)
    assert dict(effects) == {("smaregi", "10", "1"): -3, ("smaregi", "11", "1"): 1}
    assert unknown == {"11"}, "a kind whose stock effect is not known here is never settled"
