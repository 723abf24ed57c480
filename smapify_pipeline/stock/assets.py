"""Stock assets: ``stock_after_documents`` (the stock of the products this run's documents touched, read again
once those documents are pushed), ``inventory_plan`` (after it, so the stock push of the same run sees both
sides after the mirrors and leaves alone only products whose documents are not applied or that moved by
something not mirrored yet) and ``push_inventory`` (after every document push: documents before stock)."""

import dagster as dg
import duckdb

from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.stock import after_documents
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


STOCK_AFTER_DOCUMENTS = "stock_after_documents"


@dg.asset(
    name=STOCK_AFTER_DOCUMENTS,
    group_name="extract",
    kinds={"shopify", "smaregi", "duckdb"},
    pool="duckdb",
    deps=["push_orders", "push_refunds", "product_links", "location_links"],
    description="The stock of the products this run's documents touched, read again on both platforms after the "
    "document pushes; a product that moved by anything but those documents is left out of this run's stock push.",
)
def stock_after_documents(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
    sync_rules: SyncSettings,
) -> dg.MaterializeResult:
    with warehouse_db.connect() as conn:
        if sync_rules.dry_run:
            after_documents.clear(conn)
            return dg.MaterializeResult(metadata={"dry_run": True})
        report = after_documents.read_after_documents(
            conn, shopify.get_client(), smaregi.get_client(), context.run.run_id
        )
    return dg.MaterializeResult(
        metadata={
            "products_read": report.products,
            "settled": report.settled,
            "unsettled": report.unsettled,
            "dry_run": False,
        }
    )


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
        STOCK_AFTER_DOCUMENTS,
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


STOCK_ASSETS = [stock_after_documents, inventory_plan, push_inventory]
