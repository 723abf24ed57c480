"""``product_plan``: product creates, updates (three-way merge, primary wins) and deletions both ways."""

import dagster as dg

from smapify_pipeline.assets.plan_preview import plan_metadata
from smapify_pipeline.planning.products import PLAN_TABLE, plan_products
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "plan"
POOL = "duckdb"


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    pool=POOL,
    deps=["product_links", "location_links", "smaregi_categories", "shopify_inventory", "smaregi_stock"],
)
def product_plan(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, sync_rules: SyncSettings
) -> dg.MaterializeResult:
    """One row per product write: mapped fields copied to the side that did not change them (the primary wins a
    two-sided conflict, recorded), products created on the other side with their stock, deletions handled by
    ``delete_policy``."""
    settings = sync_rules
    with warehouse_db.connect() as conn:
        report = plan_products(
            conn,
            primary=settings.primary,
            match_key=settings.match_key,
            delete_policy=settings.delete_policy,
            run_id=context.run.run_id,
        )
        metadata = plan_metadata(
            conn,
            PLAN_TABLE,
            "kind, target, smaregi_product_id AS product, shopify_variant_id AS variant, reason",
        )
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "pairs_merged": report.merged,
            "conflicts": report.conflicts,
            "unmappable": report.unmappable,
            "dry_run": settings.dry_run,
        }
    )


PRODUCT_PLAN_ASSETS = [product_plan]
