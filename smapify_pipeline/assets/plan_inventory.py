"""``inventory_plan``: stock from primary to secondary for every linked pair (DESIGN §4 stock principle).

Depends on the document plans so that products their documents touch this run are left alone: those
documents reproduce the stock effect themselves (:mod:`smapify_pipeline.planning.touched`).
"""

import dagster as dg

from smapify_pipeline.assets.plan_preview import plan_metadata
from smapify_pipeline.planning.inventory import PLAN_TABLE, plan_inventory
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "plan"
POOL = "duckdb"


@dg.asset(
    group_name=GROUP,
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
    settings = sync_rules
    with warehouse_db.connect() as conn:
        report = plan_inventory(conn, settings.primary)
        metadata = plan_metadata(
            conn,
            PLAN_TABLE,
            "kind, target, smaregi_product_id AS product, smaregi_store_id AS store, "
            "primary_count, secondary_count, audit IS NOT NULL AS audited, reason",
        )
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "differences_observed": report.observed_differences,
            "skipped_for_documents": report.skipped_for_documents,
            "dry_run": settings.dry_run,
        }
    )


INVENTORY_PLAN_ASSETS = [inventory_plan]
