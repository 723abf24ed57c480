"""Document assets: ``order_plan`` and ``refund_plan`` (rebuilt every run; unmappable documents quarantined
with their reason), ``push_orders`` and ``push_refunds`` (through the ledger, documents before their stock
effects; with ``dry_run`` they show what they would do and write nothing)."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline.documents.apply import DocumentPush
from smapify_pipeline.documents.plan import (
    PLAN_ORDER,
    DocumentPlan,
    DocumentState,
    plan_orders,
    plan_refunds,
    record_history,
    save_plan,
)
from smapify_pipeline.resources import SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.sync.assets import push_asset
from smapify_pipeline.sync.push import PlanSpec
from smapify_pipeline.sync.records import SyncContext
from smapify_pipeline.sync.report import plan_metadata

POOL = "duckdb"
PREVIEW = "key, kind, target, source, reason"
ORDER_PLAN = PlanSpec("plan.order_plan", PREVIEW, PLAN_ORDER)
REFUND_PLAN = PlanSpec("plan.refund_plan", PREVIEW, PLAN_ORDER)
DOCUMENT_INPUTS = [
    "smaregi_transactions",
    "shopify_orders",
    "shopify_refunds",
    "product_links",
    "location_links",
]
ALL_PLANS = ["order_plan", "refund_plan", "product_plan", "inventory_plan"]
"""Every plan is computed from the same extracted state before any push writes (the inventory plan must see
which products the document plans touch before the documents are applied)."""


def _plan(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    spec: PlanSpec,
    plan_for: Callable[[DocumentState], DocumentPlan],
    ctx: SyncContext,
) -> dg.MaterializeResult:
    plan = plan_for(DocumentState.read(conn, ctx))
    quarantined = save_plan(conn, spec.table, plan, run_id)
    metadata: dict[str, Any] = plan_metadata(conn, spec.table, spec.preview_columns)
    waiting = pd.DataFrame(plan.waiting, columns=["document", "waits for"])
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "quarantined": quarantined,
            "ignored_documents": plan.ignored,
            "waiting": dg.MetadataValue.md(waiting.to_markdown(index=False) if len(waiting) else "_(none)_"),
        }
    )


@dg.asset(group_name="plan", kinds={"duckdb"}, pool=POOL, deps=DOCUMENT_INPUTS)
def order_plan(
    context: dg.AssetExecutionContext,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """POS sales → Shopify orders (+ the −quantity stock adjustment at the paired location); online orders →
    Smaregi sales at the online store. Echoes of our own writes and documents already applied are not planned."""
    ctx = SyncContext.from_settings(sync_rules, smaregi.contract_id)
    with warehouse_db.connect() as conn:
        history = record_history(conn, datetime.now(UTC))
        if history:
            context.log.info("first sync: %d existing documents recorded as history, never mirrored", history)
        return _plan(conn, context.run.run_id, ORDER_PLAN, plan_orders, ctx)


@dg.asset(group_name="plan", kinds={"duckdb"}, pool=POOL, deps=[*DOCUMENT_INPUTS, order_plan])
def refund_plan(
    context: dg.AssetExecutionContext,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Shopify refunds → Smaregi returns (+ compensating stock adds); Smaregi line returns, voids and reversals
    of mirrored sales → Shopify refunds restocking where Smaregi restocked."""
    ctx = SyncContext.from_settings(sync_rules, smaregi.contract_id)
    with warehouse_db.connect() as conn:
        return _plan(conn, context.run.run_id, REFUND_PLAN, plan_refunds, ctx)


push_orders = push_asset(
    "push_orders",
    ORDER_PLAN,
    DocumentPush,
    deps=ALL_PLANS,
    kinds={"shopify", "smaregi"},
    description="Shopify orderCreate + the idempotent −quantity adjustment for POS sales; Smaregi POST "
    "/transactions for online orders (+ stock adds where Shopify took the units elsewhere).",
)
push_refunds = push_asset(
    "push_refunds",
    REFUND_PLAN,
    DocumentPush,
    deps=["refund_plan", push_orders],
    kinds={"shopify", "smaregi"},
    description="Shopify refundCreate @idempotent for Smaregi returns, voids and reversals; Smaregi return "
    "transactions (+ compensating stock adds) for Shopify refunds.",
)


DOCUMENT_ASSETS = [order_plan, refund_plan, push_orders, push_refunds]
