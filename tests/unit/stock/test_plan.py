"""``plan.inventory_plan`` on small fixed tables: S1–S3, the first-link seed and document-touched products."""

from __future__ import annotations

import json

import duckdb
import pytest

from smapify_pipeline.link.location_links import build_location_links
from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.stock.plan import plan_inventory
from smapify_pipeline.sync.plan import PlanRow, replace_plan
from tests.unit.tables import (
    LOCATION,
    memory_warehouse,
    shopify_product,
    shopify_stock,
    smaregi_product,
    smaregi_stock,
    stores_and_locations,
)


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = memory_warehouse()
    stores_and_locations(conn)
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X")
    build_product_links(conn, match_key="sku", exclude_tag="")
    build_location_links(conn, [("1", LOCATION)])
    return conn


def _counts(conn: duckdb.DuckDBPyConnection, smaregi: int | None, shopify: int | None) -> None:
    conn.execute("DELETE FROM raw.smaregi_stock")
    conn.execute("DELETE FROM raw.shopify_inventory")
    if smaregi is not None:
        smaregi_stock(conn, "10", "1", smaregi)
    if shopify is not None:
        shopify_stock(conn, 1, LOCATION, shopify)


def _synced(conn: duckdb.DuckDBPyConnection, secondary: int) -> None:
    conn.execute("INSERT INTO core.stock_sync_base VALUES ('10', '1', ?, ?, now())", [LOCATION, secondary])


def _plan(conn: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    return conn.execute("SELECT * FROM plan.inventory_plan").fetchdf().to_dict("records")


def test_agreeing_counts_plan_nothing(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, 10, 10)
    report = plan_inventory(conn, "smaregi")
    assert report.planned == 0 and _plan(conn) == []


def test_s1_manual_edit_on_shopify_is_a_compare_and_set_with_its_audit(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    _counts(conn, 10, 15)
    _synced(conn, 10)
    plan_inventory(conn, "smaregi")
    [row] = _plan(conn)
    assert (row["kind"], row["target"], row["primary_count"], row["secondary_count"]) == (
        "stock_set",
        "shopify",
        10,
        15,
    )
    quantity = json.loads(str(row["payload"]))["input"]["quantities"][0]
    assert (quantity["quantity"], quantity["changeFromQuantity"]) == (10, 15)
    audit = json.loads(str(row["audit"]))
    assert (audit["kind"], audit["old_value"], audit["new_value"]) == ("stock_overwrite", 15, 10)


def test_s2_manual_edit_on_smaregi_is_a_relative_add(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, 15, 10)
    _synced(conn, 10)
    plan_inventory(conn, "shopify")
    [row] = _plan(conn)
    payload = json.loads(str(row["payload"]))
    assert payload["path"] == "/stock/10/add" and payload["body"]["stockAmount"] == "-5"
    assert row["audit"] is not None


def test_s3_primary_change_is_pushed_without_audit(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, 12, 10)
    _synced(conn, 10)
    plan_inventory(conn, "smaregi")
    [row] = _plan(conn)
    assert row["audit"] is None


def test_first_link_without_a_primary_row_seeds_the_primary(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, None, 5)
    plan_inventory(conn, "smaregi")
    [row] = _plan(conn)
    assert (row["kind"], row["target"], row["source"]) == ("stock_add", "smaregi", "stock_seed")
    assert json.loads(str(row["audit"]))["kind"] == "stock_seed"


def test_a_missing_primary_row_after_a_sync_counts_as_zero(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, None, 5)
    _synced(conn, 0)
    plan_inventory(conn, "smaregi")
    [row] = _plan(conn)
    assert (row["target"], row["primary_count"]) == ("shopify", 0)


def test_products_touched_by_planned_documents_are_left_alone(conn: duckdb.DuckDBPyConnection) -> None:
    replace_plan(
        conn,
        "plan.order_plan",
        [
            PlanRow(
                "smaregi:c:txn:1:stock",
                "inventory_adjust",
                "shopify",
                "smaregi",
                {"input": {"changes": [{"inventoryItemId": "gid://shopify/InventoryItem/1", "delta": -2}]}},
                "sale",
                smaregi_product_ids=("10",),
            )
        ],
    )
    _counts(conn, 8, 10)
    _synced(conn, 10)
    report = plan_inventory(conn, "smaregi")
    assert report.skipped_for_documents == 1 and _plan(conn) == []
    conn.execute(
        "INSERT INTO sync.ledger VALUES ('smaregi:c:txn:1:stock', 'inventory_adjust', 'shopify', 'applied', 1, 1, "
        "NULL, 'x', NULL, now(), now(), now())"
    )
    assert plan_inventory(conn, "smaregi").planned == 1


def _withheld(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT record_key, reason FROM quarantine.records WHERE source_table = 'plan.inventory_plan' ORDER BY 1"
    ).fetchall()


@pytest.mark.parametrize(("primary", "counts"), [("smaregi", (-5, 10)), ("shopify", (10, -5))])
def test_a_negative_primary_is_reported_and_the_secondary_left_as_is(
    conn: duckdb.DuckDBPyConnection, primary: str, counts: tuple[int, int]
) -> None:
    _counts(conn, *counts)
    _synced(conn, 10)
    report = plan_inventory(conn, primary)
    assert _plan(conn) == [] and report.withheld == 1
    assert _withheld(conn) == [("10@1", "negative stock on the primary")]
    plan_inventory(conn, primary)
    assert len(_withheld(conn)) == 1, "reported once, not once per run"


def test_a_negative_secondary_does_not_seed_the_primary(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, None, -3)
    plan_inventory(conn, "smaregi")
    assert _plan(conn) == []
    assert _withheld(conn) == [("10@1", "negative stock on the secondary cannot seed the primary")]


def test_when_the_primary_is_valid_again_the_secondary_is_corrected(conn: duckdb.DuckDBPyConnection) -> None:
    _counts(conn, -5, 10)
    _synced(conn, 10)
    plan_inventory(conn, "smaregi")
    conn.execute("UPDATE raw.smaregi_stock SET stock_amount = 3")
    plan_inventory(conn, "smaregi")
    [row] = _plan(conn)
    assert (row["target"], row["primary_count"], row["secondary_count"], row["audit"]) == (
        "shopify",
        3,
        10,
        None,
    )
