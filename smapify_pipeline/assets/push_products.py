"""``push_products``: apply ``product_plan`` (creates link their new products and bring their stock)."""

import dagster as dg

from smapify_pipeline.assets.plan_preview import plan_metadata
from smapify_pipeline.planning.products import PLAN_TABLE
from smapify_pipeline.push.product_push import push_products as apply_product_plan
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "push"
POOL = "duckdb"


@dg.asset(group_name=GROUP, kinds={"shopify", "smaregi", "duckdb"}, pool=POOL, deps=["product_plan"])
def push_products(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
    sync_rules: SyncSettings,
) -> dg.MaterializeResult:
    """Product writes through the ledger; with ``dry_run`` nothing is written and the plan is shown."""
    settings = sync_rules
    with warehouse_db.connect() as conn:
        preview = plan_metadata(conn, PLAN_TABLE, "kind, target, smaregi_product_id AS product, reason")
        if settings.dry_run:
            return dg.MaterializeResult(metadata={**preview, "dry_run": True, "written": 0})
        report = apply_product_plan(
            conn, shopify.get_client(), smaregi.get_client(), settings.primary, run_id=context.run.run_id
        )
    for error in report.errors:
        context.log.warning("product push: %s", error)
    return dg.MaterializeResult(
        metadata={
            **preview,
            "dry_run": False,
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "linked": report.linked,
            "retired": report.retired,
            "conflicts_audited": report.audited,
        }
    )


PRODUCT_PUSH_ASSETS = [push_products]
