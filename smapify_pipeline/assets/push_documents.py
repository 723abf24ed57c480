"""Push group, documents: ``push_orders`` and ``push_refunds`` apply ``plan.order_plan`` / ``plan.refund_plan``
through the ledger (:mod:`smapify_pipeline.push`), documents before their stock effects, and record what each
mirrored document became in ``core.document_links``. With ``dry_run`` they show what they would do and write
nothing. A failing change never stops the others; failures and unknown outcomes show in the metadata and in
the ``document_pushes_settled`` asset check.
"""

from collections import Counter
from datetime import UTC, datetime

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline.documents import planner
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.push import (
    ChangeOutcome,
    PlannedChange,
    Writer,
    apply_all,
    changes_from_plan,
    outcome_counts,
    outcome_table,
)
from smapify_pipeline.push.shopify_writers import InventoryAdjustWriter, OrderCreateWriter, RefundCreateWriter
from smapify_pipeline.push.smaregi_writers import StockAddWriter, TransactionPostWriter
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings

GROUP = "push"
POOL = "duckdb"
DOCUMENT_KINDS = (planner.SHOPIFY_ORDER, planner.SMAREGI_TRANSACTION, planner.SHOPIFY_REFUND)
ALL_KINDS = (*DOCUMENT_KINDS, planner.SHOPIFY_STOCK_ADJUST, planner.SMAREGI_STOCK_ADD)
ALL_PLANS = ["order_plan", "refund_plan", "product_plan", "inventory_plan"]
"""Every plan is computed from the same extracted state before any push writes (the inventory plan must see
which products the document plans touch before the documents are applied)."""


class DocumentWriters:
    """One writer per plan kind, built on the step's clients."""

    def __init__(self, shopify: ShopifyClient, smaregi: SmaregiClient) -> None:
        self._by_kind: dict[str, Writer] = {
            planner.SHOPIFY_ORDER: OrderCreateWriter(shopify),
            planner.SHOPIFY_STOCK_ADJUST: InventoryAdjustWriter(shopify),
            planner.SHOPIFY_REFUND: RefundCreateWriter(shopify),
            planner.SMAREGI_TRANSACTION: TransactionPostWriter(smaregi),
            planner.SMAREGI_STOCK_ADD: StockAddWriter(smaregi),
        }

    def __call__(self, change: PlannedChange) -> Writer:
        return self._by_kind[change.kind]


def _planned(conn: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Plan rows, documents first and then the writes that depend on them."""
    return conn.execute(
        f"SELECT key, kind, target, source, depends_on, payload, reason FROM {table} "
        "ORDER BY depends_on IS NOT NULL, source, key"
    ).fetchdf()


def record_document_links(
    conn: duckdb.DuckDBPyConnection, changes: list[PlannedChange], outcomes: list[ChangeOutcome]
) -> int:
    """``core.document_links`` rows for mirrored documents (sales, orders, refunds, returns) now applied."""
    by_key = {change.key: change for change in changes}
    rows = []
    for outcome in outcomes:
        change = by_key.get(outcome.key)
        if change is None or change.kind not in DOCUMENT_KINDS or not outcome.done or not outcome.remote_id:
            continue
        source_platform, source_kind, source_id = _source_parts(change)
        target_kind = {"shopify_order": "order", "shopify_refund": "refund"}.get(change.kind, "transaction")
        store = change.payload.get("store_id") or change.payload.get("body", {}).get("storeId")
        rows.append(
            (
                change.key,
                source_platform,
                source_kind,
                source_id,
                change.target,
                target_kind,
                outcome.remote_id,
                store,
                datetime.now(UTC),
            )  # fmt: skip
        )
    if rows:
        conn.executemany(
            "INSERT INTO core.document_links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ledger_key) DO NOTHING",
            rows,
        )
    return len(rows)


def _source_parts(change: PlannedChange) -> tuple[str, str, str]:
    """``smaregi:txn:12`` → (smaregi, txn, 12); ``shopify:order:gid…`` → (shopify, order, gid…)."""
    platform, kind, identifier = change.source.split(":", 2)
    return platform, kind, identifier


def _push(
    context: dg.AssetExecutionContext,
    table: str,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    with warehouse_db.connect() as conn:
        planned = changes_from_plan(_planned(conn, table))
        if sync_rules.dry_run:
            kinds = Counter(change.kind for change, _ in planned)
            preview = pd.DataFrame(
                [
                    {"key": c.key, "kind": c.kind, "target": c.target, "after": d or ""}
                    for c, d in planned[:20]
                ]
            )
            return dg.MaterializeResult(
                metadata={
                    "dry_run": True,
                    "would_apply": len(planned),
                    "would_apply_by_kind": dg.MetadataValue.json(dict(sorted(kinds.items()))),
                    "preview": dg.MetadataValue.md(
                        preview.to_markdown(index=False) if len(preview) else "_(nothing planned)_"
                    ),
                }
            )
        writers = DocumentWriters(shopify.get_client(), smaregi.get_client())
        outcomes = apply_all(conn, planned, writers)
        linked = record_document_links(conn, [change for change, _ in planned], outcomes)
    counts = outcome_counts(outcomes)
    for outcome in outcomes:
        if not outcome.done:
            context.log.warning("%s: %s (%s)", outcome.key, outcome.status.value, outcome.error)
    return dg.MaterializeResult(
        metadata={
            "dry_run": False,
            **{f"changes_{status}": n for status, n in counts.items()},
            "found_by_marker": sum(o.found_by_marker for o in outcomes),
            "document_links_recorded": linked,
            "outcomes": dg.MetadataValue.md(outcome_table(outcomes)),
        }
    )


@dg.asset(group_name=GROUP, kinds={"shopify", "smaregi"}, pool=POOL, deps=ALL_PLANS)
def push_orders(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Shopify orderCreate + the idempotent −quantity adjustment for POS sales; Smaregi POST /transactions for
    online orders (+ stock adds where Shopify took the units elsewhere)."""
    return _push(context, "plan.order_plan", shopify, smaregi, sync_rules, warehouse_db)


@dg.asset(group_name=GROUP, kinds={"shopify", "smaregi"}, pool=POOL, deps=["refund_plan", push_orders])
def push_refunds(
    context: dg.AssetExecutionContext,
    shopify: ShopifyResource,
    smaregi: SmaregiResource,
    sync_rules: SyncSettings,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Shopify refundCreate @idempotent for Smaregi returns, voids and reversals; Smaregi return transactions
    (+ compensating stock adds) for Shopify refunds."""
    return _push(context, "plan.refund_plan", shopify, smaregi, sync_rules, warehouse_db)


@dg.asset_check(
    asset=push_refunds, description="No document write failed or is left with an unknown outcome."
)
def document_pushes_settled(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        rows = conn.execute(
            "SELECT status, kind, key, error FROM sync.ledger WHERE status <> 'applied' AND kind IN "
            f"({', '.join('?' for _ in ALL_KINDS)}) ORDER BY updated_at DESC",
            list(ALL_KINDS),
        ).fetchdf()
    counts = Counter(rows["status"]) if len(rows) else Counter()
    return dg.AssetCheckResult(
        passed=len(rows) == 0,
        metadata={
            "failed": int(counts.get("failed", 0)),
            "pending": int(counts.get("pending", 0)),
            "rows": dg.MetadataValue.md(rows.head(20).to_markdown(index=False) if len(rows) else "_(none)_"),
        },
    )


DOCUMENT_PUSH_ASSETS = [push_orders, push_refunds, document_pushes_settled]
