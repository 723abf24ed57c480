"""``push_inventory``: apply ``inventory_plan`` after every document push (documents before stock)."""

import dagster as dg

from smapify_pipeline.assets.plan_preview import plan_metadata
from smapify_pipeline.planning.inventory import PLAN_TABLE
from smapify_pipeline.push.stock_push import push_stock
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "push"
POOL = "duckdb"


@dg.asset(
    group_name=GROUP,
    kinds={"shopify", "smaregi", "duckdb"},
    pool=POOL,
    deps=["inventory_plan", "push_products", "push_orders", "push_refunds"],
)
def push_inventory(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
    sync_rules: SyncSettings,
) -> dg.MaterializeResult:
    """Stock writes through the ledger: Shopify ``inventorySetQuantities`` compare-and-set, Smaregi relative
    adds; overwritten manual edits and first-link seeds recorded in ``sync.audit``. With ``dry_run`` nothing
    is written and the plan is shown."""
    settings = sync_rules
    with warehouse_db.connect() as conn:
        preview = plan_metadata(
            conn,
            PLAN_TABLE,
            "kind, target, smaregi_product_id AS product, primary_count, secondary_count, reason",
        )
        if settings.dry_run:
            return dg.MaterializeResult(metadata={**preview, "dry_run": True, "written": 0})
        report = push_stock(
            conn, shopify.get_client(), smaregi.get_client(), settings.primary, run_id=context.run.run_id
        )
    for error in report.errors:
        context.log.warning("stock push: %s", error)
    return dg.MaterializeResult(
        metadata={
            **preview,
            "dry_run": False,
            "outcomes": dg.MetadataValue.json(dict(report.outcomes)),
            "audited": report.audited,
            "earlier_pending_resolved": report.leftovers_resolved,
        }
    )


INVENTORY_PUSH_ASSETS = [push_inventory]
