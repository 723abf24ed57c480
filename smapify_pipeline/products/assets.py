"""Product assets: ``product_plan`` (creates, three-way merged updates, deletions both ways) and
``push_products`` (creates link their new products and bring their stock)."""

import dagster as dg

from smapify_pipeline.products.apply import ProductPush
from smapify_pipeline.products.plan import PLAN_TABLE, plan_products
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.sync.assets import push_asset
from smapify_pipeline.sync.push import PlanSpec
from smapify_pipeline.sync.report import plan_metadata

POOL = "duckdb"
PLAN = PlanSpec(
    PLAN_TABLE, "kind, target, smaregi_product_ids[1] AS product, shopify_variant_ids[1] AS variant, reason"
)


@dg.asset(
    group_name="plan",
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
    with warehouse_db.connect() as conn:
        report = plan_products(
            conn,
            primary=sync_rules.primary,
            match_key=sync_rules.match_key,
            delete_policy=sync_rules.delete_policy,
            run_id=context.run.run_id,
        )
        metadata = plan_metadata(conn, PLAN.table, PLAN.preview_columns)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "pairs_merged": report.merged,
            "conflicts": report.conflicts,
            "unmappable": report.unmappable,
            "dry_run": sync_rules.dry_run,
        }
    )


push_products = push_asset(
    "push_products",
    PLAN,
    ProductPush,
    deps=["product_plan"],
    kinds={"shopify", "smaregi", "duckdb"},
    description="Product writes through the ledger; with ``dry_run`` nothing is written and the plan is shown.",
)


PRODUCT_ASSETS = [product_plan, push_products]
