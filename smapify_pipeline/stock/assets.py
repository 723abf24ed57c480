"""Stock assets: ``inventory_plan`` (after the document plans, so products their documents touch this run are
left alone) and ``push_inventory`` (after every document push: documents before stock)."""

import duckdb

from smapify_pipeline.stock.apply import StockPush
from smapify_pipeline.stock.plan import PLAN_TABLE, plan_inventory
from smapify_pipeline.sync.assets import PlanRun, plan_asset, push_asset
from smapify_pipeline.sync.push import PlanSpec

PLAN = PlanSpec(
    PLAN_TABLE,
    "kind, target, smaregi_product_ids[1] AS product, smaregi_store_id AS store, "
    "primary_count, secondary_count, audit IS NOT NULL AS audited, reason",
)


def _plan(conn: duckdb.DuckDBPyConnection, run: PlanRun) -> dict[str, int]:
    report = plan_inventory(conn, run.settings.primary, run_id=run.run_id)
    return {
        "differences_observed": report.observed_differences,
        "skipped_for_documents": report.skipped_for_documents,
        "withheld_impossible_counts": report.withheld,
    }


inventory_plan = plan_asset(
    "inventory_plan",
    PLAN,
    _plan,
    deps=[
        "product_links",
        "location_links",
        "shopify_inventory",
        "smaregi_stock",
        "order_plan",
        "refund_plan",
    ],
    description="One row per stock write: the secondary brought to the primary (compare-and-set on Shopify, a "
    "relative add on Smaregi), or the primary seeded once from the secondary on first link; overwrites carry "
    "their audit.",
)
push_inventory = push_asset(
    "push_inventory",
    PLAN,
    StockPush,
    deps=["inventory_plan", "push_products", "push_orders", "push_refunds"],
    kinds={"shopify", "smaregi", "duckdb"},
    description="Stock writes through the ledger: Shopify ``inventorySetQuantities`` compare-and-set, Smaregi "
    "relative adds; overwritten manual edits and first-link seeds recorded in ``sync.audit``. With ``dry_run`` "
    "nothing is written and the plan is shown.",
)


STOCK_ASSETS = [inventory_plan, push_inventory]
