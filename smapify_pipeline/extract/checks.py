"""Asset checks of the extract group: row counts, quarantined records and staleness per raw table."""

from datetime import UTC, datetime, timedelta

import dagster as dg

from smapify_pipeline.extract.streams import STREAMS
from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.warehouse.queries import first_row

STALE_AFTER = timedelta(hours=24)
"""A raw table not refreshed for this long fails its freshness check (a warning: the pipeline still runs)."""

EXTRACT_TABLES: dict[str, tuple[str, ...]] = {
    output.asset: output.table_names for stream in STREAMS for output in stream.outputs
}
"""Extract asset -> the raw tables it stands for."""


def _table_counts(warehouse_db: WarehouseResource, tables: tuple[str, ...]) -> tuple[dict[str, object], int]:
    """(metadata with rows and quarantined records per table, quarantined records in all)."""
    metadata: dict[str, object] = {}
    quarantined_total = 0
    with warehouse_db.connect() as conn:
        for table in tables:
            rows = first_row(conn, f"SELECT count(*) FROM {table}") or (0,)
            quarantined = first_row(
                conn, "SELECT count(*) FROM quarantine.records WHERE source_table = ?", [table]
            ) or (0,)
            quarantined_total += int(quarantined[0])
            metadata[table] = dg.MetadataValue.json(
                {"rows": int(rows[0]), "quarantined": int(quarantined[0])}
            )
    return metadata, quarantined_total


def _checks_for(asset: str, tables: tuple[str, ...]) -> list[dg.AssetChecksDefinition]:
    @dg.asset_check(
        asset=asset,
        name="no_quarantined_records",
        pool="duckdb",
        description=f"Records of {', '.join(tables)} that failed validation and wait in quarantine.records.",
    )
    def no_quarantined_records(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
        metadata, quarantined = _table_counts(warehouse_db, tables)
        return dg.AssetCheckResult(
            passed=quarantined == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"quarantined": quarantined, **metadata},
            description=f"{quarantined} record(s) quarantined" if quarantined else "nothing quarantined",
        )

    @dg.asset_check(
        asset=asset,
        name="fresh",
        description=f"{asset} materialized within the last {STALE_AFTER}.",
    )
    def fresh(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        event = context.instance.get_latest_materialization_event(dg.AssetKey(asset))
        if event is None:
            return dg.AssetCheckResult(
                passed=False, severity=dg.AssetCheckSeverity.WARN, description="never extracted"
            )
        age = datetime.now(UTC) - datetime.fromtimestamp(event.timestamp, UTC)
        return dg.AssetCheckResult(
            passed=age <= STALE_AFTER,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"hours_since_extract": round(age.total_seconds() / 3600, 2)},
        )

    return [no_quarantined_records, fresh]


EXTRACT_CHECKS = [check for asset, tables in EXTRACT_TABLES.items() for check in _checks_for(asset, tables)]
