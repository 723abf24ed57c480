"""Asset checks of the stock push: stock drift left after it, ledger rows stuck ``pending`` or ``failed``
(documents and stock alike).

A stock push refused as stale (``CHANGE_FROM_QUANTITY_STALE``) or resolved as superseded is a ``failed`` row by
design — the next observation plans a new key — so it is counted apart and does not fail the check.
"""

import dagster as dg

from smapify_pipeline.resources import WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.stock.after_documents import unsettled_products
from smapify_pipeline.stock.apply import STOCK_KINDS, SUPERSEDED
from smapify_pipeline.stock.plan import differing_sql
from smapify_pipeline.stock.rules import withheld_reason
from smapify_pipeline.stock.touched import touched_products
from smapify_pipeline.stock.writers import STALE

_SUPERSEDED_STOCK = (
    f"kind IN ({', '.join(repr(k) for k in STOCK_KINDS)}) "
    f"AND (error LIKE '%{STALE}%' OR error LIKE '{SUPERSEDED}:%')"
)


@dg.asset_check(
    asset="push_inventory",
    description="Linked pairs whose counts differed at extract time and got no applied stock write this run "
    "(products whose documents of this run are not applied, or that moved by something not mirrored yet, are left "
    "to the next run by design).",
)
def stock_drift(warehouse_db: WarehouseResource, sync_rules: SyncSettings) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        touched = touched_products(conn) | unsettled_products(conn)
        rows = conn.execute(
            f"""
            SELECT d.smaregi_product_id, d.smaregi_store_id, d.primary_count, d.secondary_count
            FROM ({differing_sql(sync_rules.primary)}) AS d
            WHERE NOT EXISTS (
                SELECT 1 FROM plan.inventory_plan AS p JOIN sync.ledger AS g ON g.key = p.key
                WHERE p.smaregi_product_ids[1] = d.smaregi_product_id AND p.smaregi_store_id = d.smaregi_store_id
                  AND g.status = 'applied')
            ORDER BY 1, 2
            """
        ).fetchall()
    drift = [row for row in rows if row[0] not in touched and withheld_reason(row[2], row[3]) is None]
    if sync_rules.dry_run:
        return dg.AssetCheckResult(passed=True, metadata={"dry_run": True, "differing_pairs": len(drift)})
    sample = [f"{p}@{s}: primary {a}, secondary {b}" for p, s, a, b in drift[:20]]
    return dg.AssetCheckResult(
        passed=not drift,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"drifting_pairs": len(drift), "sample": dg.MetadataValue.json(sample)},
    )


@dg.asset_check(
    asset="push_inventory",
    description="Ledger rows still pending (unknown outcome) or failed after the push.",
)
def ledger_stuck_or_failed(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        counts = dict(
            conn.execute(
                f"SELECT CASE WHEN status = 'failed' AND {_SUPERSEDED_STOCK} THEN 'superseded' ELSE status END, "
                "count(*) FROM sync.ledger WHERE status <> 'applied' GROUP BY 1"
            ).fetchall()
        )
        failed = conn.execute(
            f"SELECT key, kind, error FROM sync.ledger WHERE status = 'failed' AND NOT ({_SUPERSEDED_STOCK}) "
            "ORDER BY updated_at DESC LIMIT 20"
        ).fetchall()
    pending, failed_count = int(counts.get("pending", 0)), int(counts.get("failed", 0))
    return dg.AssetCheckResult(
        passed=pending == 0 and failed_count == 0,
        metadata={
            "pending": pending,
            "failed": failed_count,
            "superseded_stock_pushes": int(counts.get("superseded", 0)),
            "latest_failures": dg.MetadataValue.json([f"{k} ({kind}): {e}" for k, kind, e in failed]),
        },
    )


@dg.asset_check(
    asset="push_inventory",
    description="Linked pairs whose primary count is impossible (negative, or above what both platforms hold): "
    "nothing is copied to the secondary until the primary is corrected.",
)
def impossible_primary_counts(
    warehouse_db: WarehouseResource, sync_rules: SyncSettings
) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        rows = conn.execute(
            f"SELECT smaregi_product_id, smaregi_store_id, primary_count, secondary_count "
            f"FROM ({differing_sql(sync_rules.primary)}) ORDER BY 1, 2"
        ).fetchall()
    withheld = [
        f"{product}@{store}: {reason} (primary {primary}, secondary {secondary})"
        for product, store, primary, secondary in rows
        if (reason := withheld_reason(primary, secondary)) is not None
    ]
    return dg.AssetCheckResult(
        passed=not withheld,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"withheld_pairs": len(withheld), "pairs": dg.MetadataValue.json(withheld[:50])},
    )


STOCK_CHECKS = [stock_drift, ledger_stuck_or_failed, impossible_primary_counts]
