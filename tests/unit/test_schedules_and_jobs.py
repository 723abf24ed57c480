"""Schedule evaluation, and what each sync job selects once the whole sync engine is defined."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from smapify_pipeline.definitions import defs
from smapify_pipeline.extract.assets import EXTRACT_ASSETS
from smapify_pipeline.jobs import SYNC_TAG, build_jobs
from smapify_pipeline.snapshot.assets import SNAPSHOT_ASSETS

TOKYO = ZoneInfo("Asia/Tokyo")
ENGINE = {
    "link": ["product_links", "location_links"],
    "plan": ["product_plan", "order_plan", "refund_plan", "inventory_plan"],
    "push": ["push_products", "push_orders", "push_refunds", "push_inventory"],
}


def _stub(name: str, group: str) -> dg.AssetsDefinition:
    @dg.asset(name=name, group_name=group)
    def _asset() -> None:
        return None

    return _asset


def _engine_defs() -> dg.Definitions:
    stubs = [_stub(name, group) for group, names in ENGINE.items() for name in names]
    assets = [*EXTRACT_ASSETS, *SNAPSHOT_ASSETS, *stubs]
    return dg.Definitions(assets=assets, jobs=build_jobs(assets), resources=defs.resources)


def _keys(definitions: dg.Definitions, job: str) -> set[str]:
    return {k.to_user_string() for k in definitions.resolve_job_def(job).asset_layer.executable_asset_keys}


@pytest.mark.parametrize(
    ("name", "job", "at"),
    [
        ("full_sync_every_15_minutes", "full_sync", datetime(2026, 11, 27, 10, 45, tzinfo=TOKYO)),
        ("nightly_reconciliation", "reconciliation", datetime(2026, 11, 28, 3, 0, tzinfo=TOKYO)),
    ],
)
def test_schedules_request_their_job(name: str, job: str, at: datetime) -> None:
    schedule = defs.resolve_schedule_def(name)
    with dg.build_schedule_context(scheduled_execution_time=at) as context:
        data = schedule.evaluate_tick(context)

    assert schedule.job_name == job
    assert [r.job_name or schedule.job_name for r in data.run_requests or []] == [job]
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_schedule_cadence() -> None:
    full = defs.resolve_schedule_def("full_sync_every_15_minutes")
    nightly = defs.resolve_schedule_def("nightly_reconciliation")

    assert full.cron_schedule == "*/15 * * * *"
    assert nightly.cron_schedule == "0 3 * * *" and nightly.execution_timezone == "Asia/Tokyo"


@pytest.mark.parametrize("job", ["full_sync", "orders_sync", "inventory_sync", "reconciliation"])
def test_every_sync_job_carries_the_run_tag_the_instance_limits(job: str) -> None:
    assert defs.resolve_job_def(job).tags[SYNC_TAG] == "true"
    assert _engine_defs().resolve_job_def(job).tags[SYNC_TAG] == "true"


def test_job_selections_with_the_whole_engine() -> None:
    definitions = _engine_defs()
    engine = {name for names in ENGINE.values() for name in names}
    extracts = {k.to_user_string() for a in EXTRACT_ASSETS for k in a.keys}

    assert _keys(definitions, "full_sync") == extracts | engine | {
        "analytics_snapshot",
        "reconciliation_report",
    }
    assert _keys(definitions, "orders_sync") == {
        "shopify_orders",
        "shopify_refunds",
        "shopify_fulfillment_orders",
        "shopify_inventory",
        "smaregi_transactions",
        "smaregi_stock",
        "product_links",
        "location_links",
        "order_plan",
        "refund_plan",
        "inventory_plan",
        "push_orders",
        "push_refunds",
        "push_inventory",
        "analytics_snapshot",
    }
    assert _keys(definitions, "inventory_sync") == {
        "shopify_inventory",
        "smaregi_stock",
        "product_links",
        "location_links",
        "inventory_plan",
        "push_inventory",
        "analytics_snapshot",
    }
    reconciliation = _keys(definitions, "reconciliation")
    assert {"reconciliation_report", "analytics_snapshot", "product_links", "smaregi_stock"} <= reconciliation
    assert not reconciliation & {"smaregi_transactions", *ENGINE["plan"], *ENGINE["push"]}


def test_snapshot_runs_after_every_push_in_full_sync() -> None:
    graph = _engine_defs().resolve_asset_graph()
    parents = {k.to_user_string() for k in graph.get(dg.AssetKey("analytics_snapshot")).parent_keys}

    assert set(ENGINE["push"]) <= parents
