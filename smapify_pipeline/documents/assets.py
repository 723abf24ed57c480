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
from smapify_pipeline.sync.assets import PlanRun, PlanStep, plan_asset, push_asset
from smapify_pipeline.sync.push import PlanSpec
from smapify_pipeline.sync.records import SyncContext

PREVIEW = "key, kind, target, source, reason"
ORDER_PLAN = PlanSpec("plan.order_plan", PREVIEW, PLAN_ORDER)
REFUND_PLAN = PlanSpec("plan.refund_plan", PREVIEW, PLAN_ORDER)
DOCUMENT_INPUTS = [
    "smaregi_transactions",
    "shopify_orders",
    "shopify_refunds",
    "shopify_fulfillment_orders",
    "product_links",
    "location_links",
]
DOCUMENT_PUSH_DEPS = ["order_plan", "refund_plan", "product_plan"]
"""The document and product plans are computed from the same extracted state before any push writes; the
inventory plan comes after the document pushes (``stock_after_documents``)."""


def _document_step(spec: PlanSpec, plan_for: Callable[[DocumentState], DocumentPlan]) -> PlanStep:
    def step(conn: duckdb.DuckDBPyConnection, run: PlanRun) -> dict[str, Any]:
        ctx = SyncContext.from_settings(
            run.settings,
            run.contract_id,
            unlinked_category_id=run.settings.unlinked_category_id,
            unlinked_product_id=run.settings.unlinked_product_id,
        )
        plan = plan_for(DocumentState.read(conn, ctx))
        quarantined = save_plan(conn, spec.table, plan, run.run_id)
        waiting = pd.DataFrame(plan.waiting, columns=["document", "waits for"])
        return {
            "quarantined": quarantined,
            "ignored_documents": plan.ignored,
            "waiting": dg.MetadataValue.md(waiting.to_markdown(index=False) if len(waiting) else "_(none)_"),
        }

    return step


def _plan_orders(conn: duckdb.DuckDBPyConnection, run: PlanRun) -> dict[str, Any]:
    history = record_history(conn, datetime.now(UTC))
    if history:
        run.log.info("first sync: %d existing documents recorded as history, never mirrored", history)
    return _document_step(ORDER_PLAN, plan_orders)(conn, run)


order_plan = plan_asset(
    "order_plan",
    ORDER_PLAN,
    _plan_orders,
    deps=DOCUMENT_INPUTS,
    description="POS sales → Shopify orders (+ the −quantity stock adjustment at the paired location); online "
    "orders → Smaregi sales at the online store. Echoes of our own writes and documents already applied are "
    "not planned.",
)
refund_plan = plan_asset(
    "refund_plan",
    REFUND_PLAN,
    _document_step(REFUND_PLAN, plan_refunds),
    deps=[*DOCUMENT_INPUTS, order_plan],
    description="Shopify refunds → Smaregi returns (+ compensating stock adds); Smaregi line returns, voids and "
    "reversals of mirrored sales → Shopify refunds restocking where Smaregi restocked.",
)


push_orders = push_asset(
    "push_orders",
    ORDER_PLAN,
    DocumentPush,
    deps=DOCUMENT_PUSH_DEPS,
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
