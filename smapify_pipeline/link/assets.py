"""Link group: ``product_links`` and ``location_links``, rebuilt from ``raw.*`` every run (docs/architecture.md,
"Linking"); the check ``unlinked_products`` counts live products left without a partner.

The rules live in :mod:`smapify_pipeline.link`; these assets only open the warehouse and report.
"""

import dagster as dg

from smapify_pipeline.link.location_links import build_location_links
from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "link"
POOL = "duckdb"


@dg.asset(
    group_name=GROUP,
    kinds={"duckdb"},
    pool=POOL,
    deps=["shopify_products", "smaregi_products"],
)
def product_links(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, sync_rules: SyncSettings
) -> dg.MaterializeResult:
    """Smaregi product ↔ Shopify variant by the match key; duplicates, blanks and excluded products quarantined
    with a reason; links stable across runs."""
    with warehouse_db.connect() as conn:
        report = build_product_links(
            conn,
            match_key=sync_rules.match_key,
            exclude_tag=sync_rules.exclude_tag,
            run_id=context.run.run_id,
        )
        unlinked = conn.execute(
            "SELECT platform, status, reason, count(*) AS products FROM core.unlinked_products "
            "GROUP BY ALL ORDER BY ALL"
        ).fetchdf()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": report.links,
            "dagster/table_name": "core.product_links",
            **report.as_metadata(),
            "unlinked": dg.MetadataValue.md(
                unlinked.to_markdown(index=False) if len(unlinked) else "_(none)_"
            ),
        }
    )


@dg.asset(group_name=GROUP, kinds={"duckdb"}, pool=POOL, deps=["smaregi_stores", "shopify_locations"])
def location_links(
    context: dg.AssetExecutionContext, warehouse_db: WarehouseResource, sync_rules: SyncSettings
) -> dg.MaterializeResult:
    """The configured location pairs whose store and location both exist; others quarantined."""
    pairs = [(p.smaregi_store_id, p.shopify_location_id) for p in sync_rules.location_pairs]
    with warehouse_db.connect() as conn:
        report = build_location_links(conn, pairs, run_id=context.run.run_id)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": report.links,
            "dagster/table_name": "core.location_links",
            "quarantined_pairs": report.quarantined,
        }
    )


@dg.asset_check(asset="product_links", description="Live products left without a partner, by status.")
def unlinked_products(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        counts = {
            f"{platform}:{status}": int(n)
            for platform, status, n in conn.execute(
                "SELECT platform, status, count(*) FROM core.unlinked_products GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        }
    quarantined = sum(n for key, n in counts.items() if key.endswith(":quarantined"))
    return dg.AssetCheckResult(
        passed=quarantined == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"quarantined": quarantined, "by_status": dg.MetadataValue.json(counts)},
    )


LINK_ASSETS = [product_links, location_links, unlinked_products]
