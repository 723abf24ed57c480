"""Snapshot group: the analysts' DuckDB file, and the stock reconciliation report.

``analytics_snapshot`` runs last in every sync job (it depends on every push) and publishes the ``core`` and
``analytics`` schemas (tables copied, views materialised; see ``warehouse/snapshot.py``) to
``data/snapshot/smapify.duckdb`` through a temporary file and an atomic rename, so a reader never blocks a
run and never sees half of one. The analytics views are defined in ``warehouse/sql/0030_analytics_views.sql``.

``reconciliation_report`` reads ``analytics.stock_drift`` — both platforms' stock as last extracted, per
linked product and paired location — and reports every difference. It changes nothing. In ``full_sync`` it
runs after the stock extracts, so it shows the drift that run's stock push then corrects; the nightly
``reconciliation`` job runs it after fresh stock extracts alone, so it shows what is out of step right now.
Its check ``stock_in_step`` warns (does not fail) when any pair differs.
"""

from __future__ import annotations

import dagster as dg

from smapify_pipeline import warehouse
from smapify_pipeline.resources import WarehouseResource

GROUP = "snapshot"
POOL = "duckdb"
ANALYTICS_VIEWS = (
    "analytics.sales_daily",
    "analytics.sales_documents",
    "analytics.stock_drift",
    "analytics.sync_activity",
    "analytics.quarantine",
)
PUSH_ASSETS = ("push_products", "push_orders", "push_refunds", "push_inventory")
"""The sync engine's push assets; the snapshot follows whichever of them a run includes."""
REPORT_ROWS = 50
"""Drifting pairs shown in the report's markdown preview (all of them are counted)."""


@dg.asset(
    group_name=GROUP,
    pool=POOL,
    kinds={"duckdb"},
    deps=[*PUSH_ASSETS, "reconciliation_report"],
    description="Publishes data/snapshot/smapify.duckdb (core + analytics) atomically for analysts.",
)
def analytics_snapshot(warehouse_db: WarehouseResource) -> dg.MaterializeResult:
    with warehouse_db.connect() as conn:
        target = warehouse.publish_snapshot(conn, warehouse_db.snapshot_path)
    reader = warehouse.open_snapshot(target)
    try:
        info = reader.execute(
            "SELECT relation, source_kind, row_count, published_at FROM main.snapshot_info ORDER BY relation"
        ).fetchall()
    finally:
        reader.close()
    counts = {relation: int(rows) for relation, _, rows, _ in info}
    table = dg.MetadataValue.table(
        records=[dg.TableRecord({"relation": r, "source": k, "rows": int(n)}) for r, k, n, _ in info],
        schema=dg.TableSchema(
            columns=[
                dg.TableColumn("relation", "string"),
                dg.TableColumn("source", "string", description="table or view in the working file"),
                dg.TableColumn("rows", "int"),
            ]
        ),
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(target)),
            "relations": table,
            "dagster/row_count": sum(counts.get(v, 0) for v in ANALYTICS_VIEWS),
            **{f"rows/{name}": counts.get(name, 0) for name in ANALYTICS_VIEWS},
        }
    )


@dg.asset(
    group_name=GROUP,
    pool=POOL,
    kinds={"duckdb"},
    deps=["shopify_inventory", "smaregi_stock", "product_links", "location_links"],
    check_specs=[dg.AssetCheckSpec("stock_in_step", asset="reconciliation_report")],
    description="Stock drift per linked product and paired location (read-only report).",
)
def reconciliation_report(warehouse_db: WarehouseResource) -> dg.MaterializeResult:
    with warehouse_db.connect() as conn:
        totals = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE NOT in_sync), coalesce(sum(abs(drift)), 0), "
            "count(*) FILTER (WHERE smaregi_row_missing OR shopify_row_missing) FROM analytics.stock_drift"
        ).fetchone()
        pairs, drifting, units, missing = (int(v) for v in totals) if totals else (0, 0, 0, 0)
        frame = conn.execute(
            "SELECT product_code, product_name, smaregi_store_id, store_name, shopify_location_id, "
            "smaregi_stock, shopify_available, drift FROM analytics.stock_drift WHERE NOT in_sync "
            f"ORDER BY abs(drift) DESC, product_code, smaregi_store_id LIMIT {REPORT_ROWS}"
        ).fetchdf()
        per_location = conn.execute(
            "SELECT smaregi_store_id, any_value(store_name) AS store_name, shopify_location_id, "
            "count(*) FILTER (WHERE NOT in_sync) AS drifting_products, sum(abs(drift)) AS drifting_units "
            "FROM analytics.stock_drift GROUP BY smaregi_store_id, shopify_location_id ORDER BY 1"
        ).fetchdf()
    preview = frame.to_markdown(index=False) if len(frame) else "_every linked product is in step_"
    return dg.MaterializeResult(
        metadata={
            "pairs_checked": pairs,
            "drifting_pairs": drifting,
            "drifting_units": units,
            "pairs_missing_a_stock_row": missing,
            "drift": dg.MetadataValue.md(preview),
            "by_location": dg.MetadataValue.md(
                per_location.to_markdown(index=False) if len(per_location) else "_none_"
            ),
        },
        check_results=[
            dg.AssetCheckResult(
                check_name="stock_in_step",
                passed=drifting == 0,
                severity=dg.AssetCheckSeverity.WARN,
                metadata={"drifting_pairs": drifting, "drifting_units": units},
                description=f"{drifting} of {pairs} product/location pairs differ",
            )
        ],
    )


SNAPSHOT_ASSETS = [reconciliation_report, analytics_snapshot]
