"""Product assets: ``product_plan`` (creates, three-way merged updates, deletions both ways) and
``push_products`` (creates link their new products and bring their stock)."""

import duckdb

from smapify_pipeline.products.apply import ProductPush
from smapify_pipeline.products.plan import PLAN_TABLE, plan_products
from smapify_pipeline.sync.assets import PlanRun, plan_asset, push_asset
from smapify_pipeline.sync.push import PlanSpec

PLAN = PlanSpec(
    PLAN_TABLE, "kind, target, smaregi_product_ids[1] AS product, shopify_variant_ids[1] AS variant, reason"
)


def _plan(conn: duckdb.DuckDBPyConnection, run: PlanRun) -> dict[str, int]:
    rules = run.settings
    report = plan_products(
        conn,
        primary=rules.primary,
        match_key=rules.match_key,
        delete_policy=rules.delete_policy,
        run_id=run.run_id,
    )
    return {"pairs_merged": report.merged, "conflicts": report.conflicts, "unmappable": report.unmappable}


product_plan = plan_asset(
    "product_plan",
    PLAN,
    _plan,
    deps=["product_links", "location_links", "smaregi_categories", "shopify_inventory", "smaregi_stock"],
    description="One row per product write: mapped fields copied to the side that did not change them (the "
    "primary wins a two-sided conflict, recorded), products created on the other side with their stock, "
    "deletions handled by ``delete_policy``.",
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
