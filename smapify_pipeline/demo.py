"""The demo: a linked pair of sandbox shops, a full sync through Dagster, then new sales carried by the sensors.

Everything runs on loopback: both sandboxes in this process, the pipeline through the same jobs and sensors the
code location defines, runs recorded in the Dagster instance (``DAGSTER_HOME`` when set, so they show in the UI).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg

from smapify_pipeline import warehouse
from smapify_pipeline.sandbox.pair import SandboxPair, ServingPair
from smapify_pipeline.settings import LocationPair, PlatformSettings, Settings, SyncSettings

Step = Callable[[str], None]


@dataclass
class DemoReport:
    runs: list[tuple[str, str, bool]] = field(default_factory=list)
    """(job, how it was started, succeeded)."""
    pos_sales: list[str] = field(default_factory=list)
    online_orders: list[str] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    snapshot: Path | None = None

    @property
    def succeeded(self) -> bool:
        return all(ok for _, _, ok in self.runs)


def location_pairs(pair: SandboxPair) -> list[LocationPair]:
    return [
        LocationPair(smaregi_store_id=store, shopify_location_id=location)
        for store, location in pair.paired_locations()
    ]


def demo_settings(servers: ServingPair, pair: SandboxPair, primary: str, data_dir: Path) -> Settings:
    return Settings(
        sync=SyncSettings(primary=primary, location_pairs=location_pairs(pair)),  # type: ignore[arg-type]
        platforms=PlatformSettings(
            shopify_base_url=servers.shopify_url,
            smaregi_api_base_url=servers.smaregi_url,
            smaregi_id_base_url=servers.smaregi_url,
        ),
        data_dir=data_dir,
    )


@contextmanager
def dagster_instance() -> Iterator[dg.DagsterInstance]:
    """The instance of ``DAGSTER_HOME`` when set (runs show in the UI), else a throw-away one."""
    if not os.environ.get("DAGSTER_HOME"):
        with tempfile.TemporaryDirectory() as home:
            instance = dg.DagsterInstance.local_temp(home)
            try:
                yield instance
            finally:
                instance.dispose()
        return
    instance = dg.DagsterInstance.get()
    try:
        yield instance
    finally:
        instance.dispose()


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
"""Run config that keeps Dagster's step-by-step debug log off the terminal (the UI still has every event)."""


def run_job(defs: dg.Definitions, instance: dg.DagsterInstance, job: str, tags: dict[str, str]) -> bool:
    result = defs.resolve_job_def(job).execute_in_process(
        instance=instance, tags=tags, raise_on_error=False, run_config=QUIET
    )
    return result.success


def new_activity(pair: SandboxPair, sales: int) -> tuple[list[str], list[str]]:
    """A few register sales at the first store and one online order with a refund of one unit."""
    smaregi, shopify = pair.smaregi, pair.shopify
    store = min(smaregi.state.stores)
    codes = [product["productCode"] for product in smaregi.state.products.values()]
    pos = [smaregi.ring_up_sale(store, [(codes[i % len(codes)], 1 + i % 2)]) for i in range(sales)]
    order = shopify.storefront_sale([(codes[-1], 2)], location=0, fulfilled=True)
    line = shopify.state.orders[int(order.rsplit("/", 1)[1])].line_items[0]
    shopify.graphql(
        """
        mutation Refund($input: RefundInput!) {
          refundCreate(input: $input) @idempotent(key: "smapify-demo-refund") { refund { id } userErrors { message } }
        }
        """,
        {
            "input": {
                "orderId": order,
                "refundLineItems": [
                    {
                        "lineItemId": f"gid://shopify/LineItem/{line.id}",
                        "quantity": 1,
                        "restockType": "RETURN",
                        "locationId": f"gid://shopify/Location/{shopify.location(0).id}",
                    }
                ],
            }
        },
    )
    return pos, [order]


def sensor_runs(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[dg.RunRequest]:
    """One tick of each sync sensor, as the daemon would evaluate them."""
    requests: list[dg.RunRequest] = []
    for name in ("smaregi_sales_sensor", "shopify_orders_sensor"):
        sensor = defs.resolve_sensor_def(name)
        with dg.build_sensor_context(
            instance=instance, sensor_name=name, resources=dict(defs.resources or {})
        ) as context:
            requests += sensor.evaluate_tick(context).run_requests or []
    return requests


def live_drift(pair: SandboxPair, pairs: list[LocationPair]) -> int:
    """Product × paired location where the two sandboxes' counts differ right now (read from their state)."""
    shopify = pair.shopify.state
    differing = 0
    for code in pair.smaregi.state.product_ids_by_code:
        variant = shopify.variant_by_sku(code)
        if variant is None:
            continue
        for location in pairs:
            level = shopify.level(
                variant.inventory_item_id, int(location.shopify_location_id.rsplit("/", 1)[1])
            )
            shopify_count = level.quantity("available") if level else 0
            smaregi_count = pair.smaregi.stock_of(code, location.smaregi_store_id) or 0
            differing += shopify_count != smaregi_count
    return differing


def summarise(settings: Settings, pair: SandboxPair) -> dict[str, Any]:
    with warehouse.connect(settings.warehouse_path) as conn:
        ledger = dict(
            conn.execute("SELECT kind || ' ' || status, count(*) FROM sync.ledger GROUP BY ALL").fetchall()
        )
        audits = conn.execute("SELECT count(*) FROM sync.audit").fetchall()[0][0]
        quarantined = conn.execute("SELECT count(*) FROM quarantine.records").fetchall()[0][0]
    ours = [o for o in pair.shopify.state.orders.values() if o.source_name == "smapify"]
    return {
        "stock_pairs_out_of_step_now": live_drift(pair, settings.sync.location_pairs),
        "shopify_orders_from_pos_sales": len(ours),
        "smaregi_transactions": len(pair.smaregi.state.transactions),
        "ledger": ledger,
        "audited_changes": audits,
        "quarantined_records": quarantined,
    }


def run_demo(
    *,
    size: str | int = "small",
    primary: str = "smaregi",
    data_dir: Path,
    sales: int = 3,
    shopify_port: int = 0,
    smaregi_port: int = 0,
    step: Step = lambda _: None,
) -> DemoReport:
    report = DemoReport()
    step("seeding a linked pair of shops")
    pair = SandboxPair.create(seed_size=size, seed=7, locations=2)
    with (
        pair.serve(shopify_port=shopify_port, smaregi_port=smaregi_port) as servers,
        dagster_instance() as instance,
    ):
        settings = demo_settings(servers, pair, primary, data_dir)
        from smapify_pipeline.definitions import build_definitions

        defs = build_definitions(settings)
        step("full_sync: extract, link, plan, push, snapshot")
        report.runs.append(
            ("full_sync", "demo", run_job(defs, instance, "full_sync", {"smapify/demo": "true"}))
        )
        step("new activity: POS sales on Smaregi, an online order and a refund on Shopify")
        report.pos_sales, report.online_orders = new_activity(pair, sales)
        step("sensor ticks")
        for request in sensor_runs(defs, instance):
            step(f"orders_sync requested by {request.tags.get('dagster/sensor_name', 'a sensor')}")
            ok = run_job(
                defs, instance, request.job_name or "orders_sync", {**request.tags, "smapify/demo": "true"}
            )
            report.runs.append(
                (request.job_name or "orders_sync", request.tags.get("dagster/sensor_name", ""), ok)
            )
        step("summary")
        report.summary = summarise(settings, pair)
        report.snapshot = settings.snapshot_path
    return report
