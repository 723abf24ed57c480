"""Plan group, documents: ``order_plan`` and ``refund_plan`` (DESIGN §4 rows 1–4), rebuilt every run.

The decisions are :mod:`smapify_pipeline.documents.planner`'s; these assets read the warehouse, write
``plan.order_plan`` / ``plan.refund_plan`` (the changes planned by this run only), quarantine unmappable
documents with their reason and show counts per kind and the first changes.
"""

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline import warehouse
from smapify_pipeline.documents.planner import (
    PLAN_COLUMNS,
    DocumentPlan,
    DocumentState,
    plan_orders,
    plan_refunds,
    record_history,
)
from smapify_pipeline.resources import SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.sync.records import SyncContext

GROUP = "plan"
POOL = "duckdb"
PREVIEW_ROWS = 10
DOCUMENT_INPUTS = [
    "smaregi_transactions",
    "shopify_orders",
    "shopify_refunds",
    "product_links",
    "location_links",
]


def document_context(settings_resource: SyncSettings, smaregi: SmaregiResource) -> SyncContext:
    return SyncContext.from_settings(settings_resource, smaregi.contract_id)


def write_plan(conn: duckdb.DuckDBPyConnection, table: str, plan: DocumentPlan) -> None:
    """Replace ``table`` with this run's rows."""
    frame = pd.DataFrame(
        [
            (
                r.key,
                r.kind,
                r.target,
                r.source,
                r.depends_on,
                json.dumps(r.payload, ensure_ascii=False),
                r.reason,
            )
            for r in plan.rows
        ],
        columns=list(PLAN_COLUMNS),
    )
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {table}")
        if len(frame):
            conn.register("planned_rows", frame)
            conn.execute(f"INSERT INTO {table} ({', '.join(PLAN_COLUMNS)}) SELECT * FROM planned_rows")
            conn.unregister("planned_rows")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def _quarantine(conn: duckdb.DuckDBPyConnection, plan: DocumentPlan, run_id: str) -> int:
    return sum(
        warehouse.quarantine_rows(conn, table, rows, run_id=run_id)
        for table, rows in plan.quarantined.items()
    )


def plan_metadata(plan: DocumentPlan, table: str) -> dict[str, Any]:
    kinds = Counter(row.kind for row in plan.rows)
    preview = pd.DataFrame(
        [
            {"key": r.key, "kind": r.kind, "target": r.target, "source": r.source, "reason": r.reason}
            for r in plan.rows[:PREVIEW_ROWS]
        ]
    )
    waiting = pd.DataFrame(plan.waiting, columns=["document", "waits for"])
    return {
        "dagster/row_count": len(plan.rows),
        "dagster/table_name": table,
        "changes_by_kind": dg.MetadataValue.json(dict(sorted(kinds.items()))),
        "quarantined": sum(len(rows) for rows in plan.quarantined.values()),
        "ignored_documents": plan.ignored,
        "waiting": dg.MetadataValue.md(waiting.to_markdown(index=False) if len(waiting) else "_(none)_"),
        "preview": dg.MetadataValue.md(
            preview.to_markdown(index=False) if len(preview) else "_(nothing planned)_"
        ),
    }


@dg.asset(group_name=GROUP, kinds={"duckdb"}, pool=POOL, deps=DOCUMENT_INPUTS)
def order_plan(
    context: dg.AssetExecutionContext,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """POS sales → Shopify orders (+ the −quantity stock adjustment at the paired location); online orders →
    Smaregi sales at the online store. Echoes of our own writes and documents already applied are not planned."""
    ctx = document_context(sync_rules, smaregi)
    with warehouse_db.connect() as conn:
        history = record_history(conn, datetime.now(UTC))
        if history:
            context.log.info("first sync: %d existing documents recorded as history, never mirrored", history)
        plan = plan_orders(DocumentState.read(conn, ctx))
        write_plan(conn, "plan.order_plan", plan)
        _quarantine(conn, plan, context.run.run_id)
    return dg.MaterializeResult(metadata=plan_metadata(plan, "plan.order_plan"))


@dg.asset(group_name=GROUP, kinds={"duckdb"}, pool=POOL, deps=[*DOCUMENT_INPUTS, order_plan])
def refund_plan(
    context: dg.AssetExecutionContext,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Shopify refunds → Smaregi returns (+ compensating stock adds); Smaregi line returns, voids and reversals
    of mirrored sales → Shopify refunds restocking where Smaregi restocked."""
    ctx = document_context(sync_rules, smaregi)
    with warehouse_db.connect() as conn:
        plan = plan_refunds(DocumentState.read(conn, ctx))
        write_plan(conn, "plan.refund_plan", plan)
        _quarantine(conn, plan, context.run.run_id)
    return dg.MaterializeResult(metadata=plan_metadata(plan, "plan.refund_plan"))


DOCUMENT_PLAN_ASSETS = [order_plan, refund_plan]
