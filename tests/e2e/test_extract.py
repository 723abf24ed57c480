"""The extract group against both sandboxes over real HTTP: counts, incremental reads, deletions, quarantine,
faults and a killed run."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections import Counter
from typing import Any

import dagster as dg

from smapify_pipeline import warehouse
from smapify_pipeline.extract.assets import EXTRACT_ASSETS
from smapify_pipeline.extract.checks import EXTRACT_CHECKS
from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox
from smapify_pipeline.settings import PROJECT_ROOT
from tests.e2e.conftest import Harness


def extract(harness: Harness) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [*EXTRACT_ASSETS, *EXTRACT_CHECKS], resources=harness.resources, instance=harness.instance
    )


def metadata(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    return {
        event.asset_key.to_user_string(): {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }


def api_calls(result: dg.ExecuteInProcessResult) -> Counter[str]:
    calls: Counter[str] = Counter()
    for name, values in metadata(result).items():
        calls[name.split("_")[0]] += values.get("api_calls", 0)
    return calls


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def shopify_truth(sandbox: ShopifySandbox) -> dict[str, set[tuple[Any, ...]]]:
    state = sandbox.state
    return {
        "raw.shopify_products": {(gid("Product", p.id), p.title, p.status) for p in state.products.values()},
        "raw.shopify_variants": {
            (gid("ProductVariant", v.id), state.items[v.inventory_item_id].sku, int(v.price))
            for v in state.variants.values()
        },
        "raw.shopify_inventory": {
            (gid("InventoryItem", item), gid("Location", location), level.quantity("available"))
            for item, levels in state.levels.items()
            for location, level in levels.items()
        },
        "raw.shopify_orders": {(gid("Order", o.id),) for o in state.orders.values()},
        "raw.shopify_refunds": {(gid("Refund", r.id),) for r in state.refunds.values()},
    }


def smaregi_truth(sandbox: SmaregiSandbox) -> dict[str, set[tuple[Any, ...]]]:
    state = sandbox.state
    return {
        "raw.smaregi_products": {
            (p["productId"], p["productCode"], int(p["price"])) for p in state.products.values()
        },
        "raw.smaregi_stock": {
            (product, store, int(row["stockAmount"])) for (product, store), row in state.stock.items()
        },
        "raw.smaregi_transactions": {(t["transactionHeadId"],) for t in state.transactions.values()},
        "raw.smaregi_stores": {(s["storeId"],) for s in state.stores.values()},
    }


WAREHOUSE_QUERIES = {
    "raw.shopify_products": "SELECT product_id, title, status FROM raw.shopify_products WHERE deleted_at IS NULL",
    "raw.shopify_variants": "SELECT variant_id, sku, price FROM raw.shopify_variants WHERE deleted_at IS NULL",
    "raw.shopify_inventory": "SELECT inventory_item_id, location_id, available FROM raw.shopify_inventory",
    "raw.shopify_orders": "SELECT order_id FROM raw.shopify_orders",
    "raw.shopify_refunds": "SELECT refund_id FROM raw.shopify_refunds",
    "raw.smaregi_products": "SELECT product_id, product_code, price FROM raw.smaregi_products WHERE deleted_at IS NULL",
    "raw.smaregi_stock": "SELECT product_id, store_id, stock_amount FROM raw.smaregi_stock",
    "raw.smaregi_transactions": "SELECT transaction_head_id FROM raw.smaregi_transactions",
    "raw.smaregi_stores": "SELECT store_id FROM raw.smaregi_stores",
}


def warehouse_tables(harness: Harness) -> dict[str, set[tuple[Any, ...]]]:
    with warehouse.connect(harness.warehouse_path) as conn:
        return {table: set(conn.execute(sql).fetchall()) for table, sql in WAREHOUSE_QUERIES.items()}


def assert_tables_match_sandboxes(harness: Harness) -> None:
    truth = shopify_truth(harness.pair.shopify) | smaregi_truth(harness.pair.smaregi)
    loaded = warehouse_tables(harness)
    for table, expected in truth.items():
        assert loaded[table] == expected, table


def some_activity(harness: Harness) -> None:
    """Sales on both sides and one Shopify refund, so every table has rows."""
    shopify, smaregi = harness.pair.shopify, harness.pair.smaregi
    codes = [p["productCode"] for p in list(smaregi.state.products.values())[:3]]
    store = next(iter(smaregi.state.stores))
    smaregi.ring_up_sale(store, [(codes[0], 1), (codes[1], 2)])
    smaregi.ring_up_sale(store, [(codes[2], 1)])
    order = shopify.storefront_sale([(codes[0], 2)], location=0, fulfilled=True)
    answer = shopify.graphql(
        """
        query($id: ID!) { order(id: $id) { lineItems(first: 5) { nodes { id } } } }
        """,
        {"id": order},
    )
    line = answer.body["data"]["order"]["lineItems"]["nodes"][0]["id"]
    refund = shopify.graphql(
        """
        mutation($input: RefundInput!) {
          refundCreate(input: $input) @idempotent(key: "e2e-extract-refund") { refund { id } userErrors { field message } }
        }
        """,
        {
            "input": {
                "orderId": order,
                "refundLineItems": [
                    {
                        "lineItemId": line,
                        "quantity": 1,
                        "restockType": "RETURN",
                        "locationId": gid("Location", shopify.location(0).id),
                    }
                ],
            }
        },
    )
    assert refund.body["data"]["refundCreate"]["userErrors"] == [], refund.body


def test_first_run_loads_every_table_as_the_sandboxes_hold_it(harness: Harness) -> None:
    some_activity(harness)
    result = extract(harness)
    assert result.success
    assert_tables_match_sandboxes(harness)
    found = metadata(result)
    assert found["shopify_products"]["dagster/row_count"] == len(harness.pair.shopify.state.variants)
    assert found["smaregi_products"]["dagster/row_count"] == len(harness.pair.smaregi.state.products)
    assert found["smaregi_transactions"]["dagster/row_count"] == 2
    assert found["shopify_refunds"]["dagster/row_count"] == 1
    assert all(
        values["raw.smaregi_products"]["quarantined"] == 0
        for name, values in found.items()
        if name == "smaregi_products"
    )
    with warehouse.connect(harness.warehouse_path) as conn:
        lines = conn.execute("SELECT count(*) FROM raw.smaregi_transaction_details").fetchall()[0][0]
        refund_lines = conn.execute("SELECT restock_type, quantity FROM raw.shopify_refund_lines").fetchall()
    assert lines == 3
    assert refund_lines == [("RETURN", 1)]


def ten_changes_each(harness: Harness) -> None:
    shopify, smaregi = harness.pair.shopify, harness.pair.smaregi
    variants = list(shopify.state.variants.values())
    skus = [shopify.state.items[v.inventory_item_id].sku for v in variants]
    for sku in skus[:4]:
        shopify.admin_product_edit(sku, price=2_000)
    for sku in skus[4:7]:
        shopify.manual_stock_edit(sku, 0, 33)
    shopify.storefront_sale([(skus[7], 1)], location=1)
    shopify.storefront_sale([(skus[8], 1)], location=1)
    shopify.admin_product_delete(skus[-1])

    products = list(smaregi.state.products.values())
    for product in products[:4]:
        smaregi.product_edit(product["productId"], {"price": "2200"})
    store = next(iter(smaregi.state.stores))
    for product in products[4:7]:
        smaregi.stock_count(product["productId"], store, 21)
    smaregi.ring_up_sale(store, [(products[7]["productCode"], 1)])
    smaregi.ring_up_sale(store, [(products[8]["productCode"], 1)])
    smaregi.product_delete(products[-1]["productId"])


def test_incremental_run_reads_only_the_changes_and_matches_the_sandboxes(harness: Harness) -> None:
    assert extract(harness).success
    for sandbox in (harness.pair.shopify, harness.pair.smaregi):
        sandbox.clock.advance(3600)
    ten_changes_each(harness)

    result = extract(harness)

    assert result.success
    assert_tables_match_sandboxes(harness)
    calls = api_calls(result)
    assert calls["shopify"] + calls["smaregi"] < 20 * 2, calls
    found = metadata(result)
    assert found["shopify_products"]["raw.shopify_products"]["marked_deleted"] == 1
    assert found["smaregi_products"]["raw.smaregi_products"]["marked_deleted"] == 1
    assert found["smaregi_products"]["raw.smaregi_products"]["updated"] == 4
    with warehouse.connect(harness.warehouse_path) as conn:
        deleted = conn.execute(
            "SELECT count(*) FROM raw.shopify_variants WHERE deleted_at IS NOT NULL"
        ).fetchall()[0][0]
    assert deleted >= 1


def test_changes_stamped_hours_ahead_of_our_clock_are_read_incrementally(harness: Harness) -> None:
    """A platform clock well ahead of ours (a sandbox at time scale 20 gains 19 s every second) stamps its
    changes past our clock plus the skew allowance; the incremental read still reaches them."""
    assert extract(harness).success
    for sandbox in (harness.pair.shopify, harness.pair.smaregi):
        sandbox.clock.advance(6 * 3600)
    ten_changes_each(harness)

    assert extract(harness).success

    assert_tables_match_sandboxes(harness)


def test_bad_records_are_quarantined_with_reasons_while_the_rest_load(harness: Harness) -> None:
    smaregi = harness.pair.smaregi
    products = list(smaregi.state.products.values())
    with smaregi.state.lock:
        products[0]["price"] = "-100"
        products[1]["updDateTime"] = "2026-13-45T99:00:00+09:00"
        products[2]["productCode"] = products[3]["productCode"]
    shopify = harness.pair.shopify
    first_variant = next(iter(shopify.state.variants.values()))
    shopify.state.items[first_variant.inventory_item_id].sku = None

    result = extract(harness)

    assert result.success
    with warehouse.connect(harness.warehouse_path) as conn:
        reasons = dict(
            conn.execute(
                "SELECT record_key, reason FROM quarantine.records WHERE source_table = 'raw.smaregi_products'"
            ).fetchall()
        )
        shopify_reasons = [
            row[0]
            for row in conn.execute(
                "SELECT reason FROM quarantine.records WHERE source_table = 'raw.shopify_variants'"
            ).fetchall()
        ]
        loaded = conn.execute("SELECT count(*) FROM raw.smaregi_products").fetchall()[0][0]
    assert any("price" in reason for reason in reasons.values())
    assert any("upd_date_time" in reason for reason in reasons.values())
    assert sum("product_code" in reason and "duplicate" in reason for reason in reasons.values()) == 2
    assert any("sku" in reason for reason in shopify_reasons)
    assert loaded == len(products) - 4
    checks = {(c.asset_key.to_user_string(), c.check_name): c for c in result.get_asset_check_evaluations()}
    assert not checks[("smaregi_products", "no_quarantined_records")].passed
    assert checks[("smaregi_products", "no_quarantined_records")].metadata["quarantined"].value == 4
    assert checks[("smaregi_stores", "no_quarantined_records")].passed
    assert all(c.passed for (asset, name), c in checks.items() if name == "fresh")


def test_extraction_under_throttling_and_server_errors_ends_with_the_same_tables(harness: Harness) -> None:
    some_activity(harness)
    plan = FaultPlan(seed=11, throttle=0.1, server_error=0.1)
    harness.pair.shopify.faults.set_plan(plan)
    harness.pair.smaregi.faults.set_plan(plan)

    result = extract(harness)

    assert result.success
    assert harness.pair.shopify.faults.log or harness.pair.smaregi.faults.log
    harness.pair.shopify.faults.set_plan(FaultPlan())
    harness.pair.smaregi.faults.set_plan(FaultPlan())
    assert_tables_match_sandboxes(harness)


KILLABLE_RUN = """
import sys
import dagster as dg
from smapify_pipeline.extract.assets import EXTRACT_ASSETS
from smapify_pipeline.extract.checks import EXTRACT_CHECKS
from tests.e2e.conftest import make_resources
from pathlib import Path

shopify_url, smaregi_url, data_dir = sys.argv[1:4]
servers = type("Servers", (), {"shopify_url": shopify_url, "smaregi_url": smaregi_url})()
with dg.instance_for_test() as instance:
    dg.materialize(EXTRACT_ASSETS, resources=make_resources(servers, Path(data_dir)), instance=instance)
"""


def test_a_run_killed_mid_extraction_and_rerun_ends_with_the_same_tables(harness: Harness) -> None:
    """The run process is SIGKILLed while Smaregi answers its stock read (after earlier steps committed)."""
    some_activity(harness)
    reached, release = threading.Event(), threading.Event()

    def hold() -> None:
        reached.set()
        release.wait(60)

    harness.pair.smaregi.before_next("GET /stock", hold)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLABLE_RUN,
            harness.servers.shopify_url,
            harness.servers.smaregi_url,
            str(harness.warehouse_path.parent),
        ],
        cwd=PROJECT_ROOT,
    )
    try:
        assert reached.wait(120), "the run never reached the Smaregi stock read"
        process.send_signal(signal.SIGKILL)
        process.wait(30)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    assert extract(harness).success
    assert_tables_match_sandboxes(harness)
    with warehouse.connect(harness.warehouse_path) as conn:
        for table, key in (
            ("raw.smaregi_transactions", "transaction_head_id"),
            ("raw.shopify_orders", "order_id"),
        ):
            total, distinct = conn.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {table}").fetchall()[
                0
            ]
            assert total == distinct
