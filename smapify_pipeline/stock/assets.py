"""Stock assets: ``inventory_plan`` (after the document plans, so products their documents touch this run are
left alone) and ``push_inventory`` (after every document push: documents before stock)."""

import dagster as dg

from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.stock.apply import StockPush
from smapify_pipeline.stock.plan import PLAN_TABLE, plan_inventory
from smapify_pipeline.sync.assets import push_asset
from smapify_pipeline.sync.push import PlanSpec
from smapify_pipeline.sync.report import plan_metadata

POOL = "duckdb"
PLAN = PlanSpec(
    PLAN_TABLE,
    "kind, target, smaregi_product_ids[1] AS product, smaregi_store_id AS store, "
    "primary_count, secondary_count, audit IS NOT NULL AS audited, reason",
)


@dg.asset(
    group_name="plan",
    kinds={"duckdb"},
    pool=POOL,
    deps=[
        "product_links",
        "location_links",
        "shopify_inventory",
        "smaregi_stock",
        "order_plan",
        "refund_plan",
    ],
)
def inventory_plan(warehouse_db: WarehouseResource, sync_rules: SyncSettings) -> dg.MaterializeResult:
    """One row per stock write: the secondary brought to the primary (compare-and-set on Shopify, a relative
    add on Smaregi), or the primary seeded once from the secondary on first link; overwrites carry their audit."""
    with warehouse_db.connect() as conn:
        report = plan_inventory(conn, sync_rules.primary)
        metadata = plan_metadata(conn, PLAN.table, PLAN.preview_columns)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "differences_observed": report.observed_differences,
            "skipped_for_documents": report.skipped_for_documents,
            "dry_run": sync_rules.dry_run,
        }
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
