"""The analytics views on a small fixed working file, the published snapshot, and the reconciliation report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from smapify_pipeline import warehouse
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.snapshot.assets import analytics_snapshot, reconciliation_report

NOW = "2026-11-27 01:00:00+00"
SEED_SQL = f"""
INSERT INTO raw.smaregi_stores (store_id, store_name, extracted_at) VALUES ('1', '渋谷店', '{NOW}'), ('2', '新宿店', '{NOW}');
INSERT INTO raw.shopify_locations (location_id, name, extracted_at) VALUES
    ('gid://shopify/Location/1', 'Shibuya', '{NOW}'), ('gid://shopify/Location/2', 'Shinjuku', '{NOW}');
INSERT INTO core.location_links VALUES ('1', 'gid://shopify/Location/1'), ('2', 'gid://shopify/Location/2');
INSERT INTO raw.smaregi_products (product_id, product_code, product_name, extracted_at) VALUES
    ('101', '4900000000017', 'Tシャツ M 白', '{NOW}');
INSERT INTO core.product_links VALUES
    ('101', '4900000000017', 'gid://shopify/ProductVariant/11', 'gid://shopify/Product/1',
     'gid://shopify/InventoryItem/21', TRUE, '{NOW}');
INSERT INTO raw.smaregi_stock (product_id, store_id, stock_amount, extracted_at) VALUES
    ('101', '1', 5, '{NOW}'), ('101', '2', 3, '{NOW}');
INSERT INTO raw.shopify_inventory (inventory_item_id, location_id, available, extracted_at) VALUES
    ('gid://shopify/InventoryItem/21', 'gid://shopify/Location/1', 5, '{NOW}'),
    ('gid://shopify/InventoryItem/21', 'gid://shopify/Location/2', 7, '{NOW}');

-- Smaregi, 2026-11-27 JST at store 1: a sale (1100 at 10% + 540 at 8%), a return of the 1100 line,
-- a cancelled sale and a transaction we wrote ourselves (both left out).
INSERT INTO raw.smaregi_transactions
    (transaction_head_id, transaction_head_division, cancel_division, store_id, terminal_tran_date_time, total, memo, extracted_at)
VALUES
    ('1', '1', '0', '1', '2026-11-27 10:00:00+09', 1640, NULL, '{NOW}'),
    ('2', '1', '0', '1', '2026-11-27 15:00:00+09', -1100, NULL, '{NOW}'),
    ('3', '1', '1', '1', '2026-11-27 16:00:00+09', 9999, NULL, '{NOW}'),
    ('4', '1', '0', '1', '2026-11-27 17:00:00+09', 5000, 'smapify:shopify:order:555', '{NOW}');
INSERT INTO raw.smaregi_transaction_details
    (transaction_head_id, transaction_detail_id, tax_division, quantity, unit_discounted_sum, tax_rate, extracted_at)
VALUES
    ('1', '1', '0', 1, 1100, 10, '{NOW}'), ('1', '2', '0', 2, 540, 8, '{NOW}'),
    ('2', '1', '0', -1, -1100, 10, '{NOW}'),
    ('3', '1', '0', 9, 9999, 10, '{NOW}'),
    ('4', '1', '0', 5, 5000, 10, '{NOW}');

-- Shopify: an online order (2 x 1100 at 10%, tax 200) on 2026-11-27 JST, refunded 1 unit the next day, and
-- an order we wrote ourselves (left out).
INSERT INTO raw.shopify_orders (order_id, processed_at, source_name, extracted_at) VALUES
    ('gid://shopify/Order/1', '2026-11-27 03:00:00+00', 'web', '{NOW}'),
    ('gid://shopify/Order/2', '2026-11-27 03:00:00+00', 'smapify', '{NOW}');
INSERT INTO raw.shopify_order_lines (line_item_id, order_id, quantity, unit_price, total_discount, tax_lines, extracted_at) VALUES
    ('gid://shopify/LineItem/1', 'gid://shopify/Order/1', 2, 1100, 0, '[{{"title": "消費税", "rate_percent": 10, "amount": 200}}]', '{NOW}'),
    ('gid://shopify/LineItem/2', 'gid://shopify/Order/2', 3, 1100, 0, '[{{"title": "消費税", "rate_percent": 10, "amount": 300}}]', '{NOW}');
INSERT INTO raw.shopify_refunds (refund_id, order_id, note, created_at, extracted_at) VALUES
    ('gid://shopify/Refund/1', 'gid://shopify/Order/1', NULL, '2026-11-28 01:00:00+00', '{NOW}');
INSERT INTO raw.shopify_refund_lines (refund_id, line_item_id, quantity, subtotal, total_tax, extracted_at) VALUES
    ('gid://shopify/Refund/1', 'gid://shopify/LineItem/1', 1, 1100, 100, '{NOW}');

INSERT INTO sync.ledger (key, kind, target, status, attempts, generation, remote_id, created_at, updated_at)
VALUES ('smaregi:c:txn:1:order', 'order', 'shopify', 'applied', 2, 1, 'gid://shopify/Order/9', '{NOW}', '{NOW}');
INSERT INTO sync.audit (audited_at, kind, entity, entity_key, location, old_value, new_value, why)
VALUES ('{NOW}', 'stock_overwrite', 'variant', '4900000000017', 'gid://shopify/Location/2', '9', '7', 'manual edit');
INSERT INTO quarantine.records VALUES
    ('raw.smaregi_products', '102', 'blank productCode', '{{}}', '{NOW}', '{NOW}', 'r1');
"""


@pytest.fixture
def working(tmp_path: Path) -> WarehouseResource:
    resource = WarehouseResource(
        path=str(tmp_path / "smapify.duckdb"), snapshot_path=str(tmp_path / "snapshot" / "smapify.duckdb")
    )
    with warehouse.connect(resource.path) as conn:
        conn.execute(SEED_SQL)
    return resource


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_sales_daily_counts_each_sale_once_per_channel_with_the_tax_split(working: WarehouseResource) -> None:
    with warehouse.connect(working.path) as conn:
        rows = _rows(conn, "SELECT * FROM analytics.sales_daily ORDER BY sales_date, channel")

    online, pos, online_refund = rows
    assert pos["sales_date"] == date(2026, 11, 27) and pos["channel"] == "pos"
    assert pos["location_name"] == "渋谷店" and pos["shopify_location_id"] == "gid://shopify/Location/1"
    assert (pos["sales_documents"], pos["return_documents"], pos["units"]) == (1, 1, 2)
    assert (pos["net_sales"], pos["sales_10"], pos["tax_10"], pos["sales_8"], pos["tax_8"]) == (
        540,
        0,
        0,
        540,
        40,
    )
    assert (online["channel"], online["net_sales"], online["tax_10"], online["units"]) == (
        "online",
        2200,
        200,
        2,
    )
    assert online_refund["sales_date"] == date(2026, 11, 28)
    assert (online_refund["net_sales"], online_refund["tax"], online_refund["return_documents"]) == (
        -1100,
        -100,
        1,
    )


def test_stock_drift_sync_activity_and_quarantine_views(working: WarehouseResource) -> None:
    with warehouse.connect(working.path) as conn:
        drift = _rows(conn, "SELECT * FROM analytics.stock_drift ORDER BY smaregi_store_id")
        activity = _rows(conn, "SELECT * FROM analytics.sync_activity ORDER BY source")
        held = _rows(conn, "SELECT * FROM analytics.quarantine")

    assert [
        (d["smaregi_store_id"], d["smaregi_stock"], d["shopify_available"], d["drift"]) for d in drift
    ] == [
        ("1", 5, 5, 0),
        ("2", 3, 7, 4),
    ]
    assert drift[1]["location_name"] == "Shinjuku" and drift[1]["product_name"] == "Tシャツ M 白"
    audit, ledger = activity
    assert audit["summary"] == (
        "stock_overwrite: variant 4900000000017 at gid://shopify/Location/2 changed from 9 to 7"
    )
    assert ledger["summary"] == "order on shopify: applied as gid://shopify/Order/9 after 2 attempts"
    assert held[0]["reason"] == "blank productCode"


def test_snapshot_and_report_materialize_with_metadata(working: WarehouseResource) -> None:
    result = dg.materialize(
        [reconciliation_report, analytics_snapshot], resources={"warehouse_db": working}, raise_on_error=True
    )

    report = result.asset_materializations_for_node("reconciliation_report")[0].metadata
    snapshot = result.asset_materializations_for_node("analytics_snapshot")[0].metadata
    [check] = result.get_asset_check_evaluations()
    assert (
        report["pairs_checked"].value,
        report["drifting_pairs"].value,
        report["drifting_units"].value,
    ) == (2, 1, 4)
    assert check.check_name == "stock_in_step" and not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert snapshot["rows/analytics.sales_daily"].value == 3
    assert snapshot["rows/analytics.stock_drift"].value == 2
    with warehouse.open_snapshot(working.snapshot_path) as reader:
        kinds = dict(
            reader.execute(
                "SELECT table_schema || '.' || table_name, table_type FROM information_schema.tables"
            ).fetchall()
        )
        info = dict(reader.execute("SELECT relation, row_count FROM main.snapshot_info").fetchall())
    assert kinds["analytics.sales_daily"] == "BASE TABLE"
    assert {"core.product_links", "core.location_links", "analytics.sync_activity"} <= info.keys()
    assert info["analytics.quarantine"] == 1
