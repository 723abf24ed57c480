"""Document plans (docs/architecture.md, "Documents"): which sales, orders, refunds, returns, voids and
reversals to mirror, as plan rows the push applies through the ledger.

The rules live in :mod:`.classify`, :mod:`.orders` and :mod:`.refunds`; this module adapts them to plan rows
and decides only what the tables decide:

* a key already ``applied`` in ``sync.ledger`` is never planned again (a pending or failed one is: the push
  resolves it);
* which Smaregi sales were mirrored, and as which Shopify order, comes from the ledger's applied
  ``shopify_order`` rows (so a crash between the write and any other bookkeeping cannot lose it);
* a document the rules cannot map is quarantined with the reason (``UnmappableDocument``), never dropped;
* a refund or return whose mirrored order is not extracted yet waits (listed with its reason in ``waiting``);
* documents that already existed when the sync first ran are history (``core.history_documents``, recorded
  once by :func:`record_history`) and are never mirrored, nor are their refunds, returns or restocks.

Plan rows follow :class:`smapify_pipeline.sync.plan.PlanRow`; ``depends_on`` is the ledger key that must be
applied first (the stock adjustment after its order, stock adds after their transaction), and the subject
columns name the products each row touches (:class:`Subjects`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import duckdb

from smapify_pipeline import warehouse
from smapify_pipeline.documents import cancellations, classify, orders, refunds, same_run, tables
from smapify_pipeline.documents.classify import Mirror
from smapify_pipeline.stock.writers import stock_add_payload
from smapify_pipeline.sync import choices, keys, markers
from smapify_pipeline.sync.plan import PlanRow, replace_plan
from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    ShopifyRefund,
    SmaregiTransaction,
    SyncContext,
    UnmappableDocument,
)
from smapify_pipeline.sync.writes import InventoryAdjustment, SmaregiStockAdd, inventory_changes
from smapify_pipeline.warehouse.quarantine import QuarantineRow

SHOPIFY_ORDER = "shopify_order"
SHOPIFY_STOCK_ADJUST = "shopify_stock_adjust"
SHOPIFY_REFUND = "shopify_refund"
SMAREGI_TRANSACTION = "smaregi_transaction"
SMAREGI_STOCK_ADD = "smaregi_stock_add"
SMAREGI_DISPOSE = "smaregi_dispose"

PLAN_ORDER = "depends_on IS NOT NULL, source, key"
"""Documents first, then the writes that depend on them."""


@dataclass(frozen=True)
class Subjects:
    """The products a document touches: the stock plan leaves them alone until the document is applied."""

    smaregi_product_ids: tuple[str, ...] = ()
    shopify_variant_ids: tuple[str, ...] = ()

    @classmethod
    def of_sale(cls, txn: SmaregiTransaction) -> Subjects:
        return cls(smaregi_product_ids=_unique(line.product_id for line in txn.lines))

    @classmethod
    def of_order(cls, order: ShopifyOrder) -> Subjects:
        return cls(shopify_variant_ids=_unique(line.variant_id for line in order.lines))

    @classmethod
    def of_refund(cls, refund: ShopifyRefund, order: ShopifyOrder) -> Subjects:
        variants = {line.line_item_id: line.variant_id for line in order.lines}
        return cls(shopify_variant_ids=_unique(variants.get(line.line_item_id) for line in refund.lines))

    def row(self, **fields: Any) -> PlanRow:
        return PlanRow(
            smaregi_product_ids=self.smaregi_product_ids,
            shopify_variant_ids=self.shopify_variant_ids,
            **fields,
        )


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({value for value in values if value}))


@dataclass
class DocumentPlan:
    rows: list[PlanRow] = field(default_factory=list)
    quarantined: dict[str, list[QuarantineRow]] = field(default_factory=dict)
    """Source table → (record key, reason, record) rows."""
    waiting: list[tuple[str, str]] = field(default_factory=list)
    """(source document, why it waits) — planned by a later run."""
    ignored: int = 0
    created_orders: dict[str, tuple[str, ShopifyOrder]] = field(default_factory=dict)
    """Smaregi sale id → (order row key, the order it creates) for every sale whose order this plan creates."""
    created_transactions: dict[str, str] = field(default_factory=dict)
    """Shopify order id → the key of the row that mirrors it to Smaregi in this plan."""

    def quarantine(self, table: str, record_key: str, reason: str, record: Mapping[str, Any]) -> None:
        self.quarantined.setdefault(table, []).append((record_key, reason, record))

    def quarantine_transaction(self, txn: SmaregiTransaction, error: Exception) -> None:
        record = {
            "transaction_head_id": txn.transaction_head_id,
            "store_id": txn.store_id,
            "total": txn.total,
            "lines": [(line.product_code, line.quantity) for line in txn.lines],
        }
        self.quarantine("raw.smaregi_transactions", txn.transaction_head_id, str(error), record)


@dataclass(frozen=True)
class DocumentState:
    """What the plans read: the records, the links and the ledger's applied keys."""

    ctx: SyncContext
    links: Links
    smaregi: list[SmaregiTransaction]
    shopify_orders: dict[str, Any]
    shopify_refunds: list[Any]
    applied: frozenset[str]
    mirrored_sales: Mapping[str, str]
    """Smaregi sale id → the Shopify order GID that mirrors it."""
    history: frozenset[str] = frozenset()
    """Sources (``smaregi:txn:…``, ``shopify:order:…``, ``shopify:refund:…``) that predate the first sync."""
    applied_order_stock_adds: Mapping[str, tuple[str, str, int]] = field(default_factory=dict)
    """Ledger key → (product, store, delta) of the online orders' applied stock adds."""
    ledger_keys: frozenset[str] = frozenset()
    """Every key in the ledger, whatever its status (a write begun may have landed)."""
    remote_ids: Mapping[str, str] = field(default_factory=dict)
    """Applied key → the remote id it wrote."""

    @classmethod
    def read(cls, conn: duckdb.DuckDBPyConnection, ctx: SyncContext) -> DocumentState:
        applied = dict(
            conn.execute("SELECT key, remote_id FROM sync.ledger WHERE status = 'applied'").fetchall()
        )
        prefix = f"smaregi:{ctx.contract_id}:txn:"
        mirrored = {
            key[len(prefix) : -len(":order")]: str(remote)
            for key, remote in applied.items()
            if key.startswith(prefix) and key.endswith(":order") and remote
        }
        every_key = frozenset(row[0] for row in conn.execute("SELECT key FROM sync.ledger").fetchall())
        return cls(
            ctx=ctx,
            ledger_keys=every_key,
            remote_ids={key: str(remote) for key, remote in applied.items() if remote},
            links=tables.load_links(conn),
            smaregi=tables.smaregi_transactions(conn),
            shopify_orders=tables.shopify_orders(conn),
            shopify_refunds=tables.shopify_refunds(conn),
            applied=frozenset(applied),
            mirrored_sales=mirrored,
            history=frozenset(
                row[0] for row in conn.execute("SELECT source FROM core.history_documents").fetchall()
            ),
            applied_order_stock_adds=tables.applied_order_stock_adds(conn),
        )


HISTORY_CURSOR = "documents_history_recorded"


def record_history(conn: duckdb.DuckDBPyConnection, now: datetime) -> int:
    """On the sync's very first run, mark every document extracted so far as history; later runs do nothing.

    A deployment that already mirrors documents (its ledger has rows) records no history when it first runs
    this code: its extracted but unmirrored documents are pending work, not history.
    """
    if warehouse.get_cursor(conn, HISTORY_CURSOR) is not None:
        return 0
    already_syncing = conn.execute("SELECT count(*) FROM sync.ledger").fetchall()[0][0] > 0
    if not already_syncing:
        conn.execute(
            "INSERT INTO core.history_documents "
            "SELECT 'smaregi:txn:' || transaction_head_id, ? FROM raw.smaregi_transactions "
            "UNION ALL SELECT 'shopify:order:' || order_id, ? FROM raw.shopify_orders "
            "UNION ALL SELECT 'shopify:refund:' || refund_id, ? FROM raw.shopify_refunds "
            "ON CONFLICT DO NOTHING",
            [now, now, now],
        )
    warehouse.set_cursor(conn, HISTORY_CURSOR, now.isoformat(), now=now)
    row = conn.execute("SELECT count(*) FROM core.history_documents").fetchall()
    return int(row[0][0])


def _adjust_row(
    adjustment: InventoryAdjustment, subjects: Subjects, source: str, reason: str, depends_on: str | None
) -> PlanRow:
    return subjects.row(
        key=adjustment.key,
        kind=SHOPIFY_STOCK_ADJUST,
        target="shopify",
        source=source,
        payload={
            "changes": [
                {"inventoryItemId": c.inventory_item_id, "locationId": c.location_id, "delta": c.delta}
                for c in adjustment.changes
            ],
            "reason": adjustment.reason,
            "referenceDocumentUri": adjustment.reference_document_uri,
        },
        reason=reason,
        depends_on=depends_on,
    )


def _stock_add_rows(
    adds: tuple[SmaregiStockAdd, ...], source: str, reason: str, depends_on: str
) -> list[PlanRow]:
    """One row per add; the memo names the add's own key, so a lost answer is found in the stock history."""
    return [
        PlanRow(
            key=add.key,
            kind=SMAREGI_STOCK_ADD,
            target="smaregi",
            source=source,
            smaregi_product_ids=(add.product_id,),
            smaregi_store_id=add.store_id,
            payload=stock_add_payload(replace(add, memo=f"{choices.MARKER_PREFIX}:add:{add.key}"[:100])),
            reason=reason,
            depends_on=depends_on,
        )
        for add in adds
    ]


def _transaction_row(
    key: str,
    body: dict[str, Any],
    lookup: dict[str, str],
    kind: str,
    shopify_id: str,
    reason: str,
    subjects: Subjects,
    depends_on: str | None = None,
) -> PlanRow:
    return subjects.row(
        depends_on=depends_on,
        key=key,
        kind=SMAREGI_TRANSACTION,
        target="smaregi",
        source=f"shopify:{kind}:{shopify_id}",
        smaregi_store_id=body.get("storeId"),
        payload={"body": body, "lookup_params": lookup, "marker_kind": kind, "shopify_id": shopify_id},
        reason=reason,
    )


def plan_orders(state: DocumentState) -> DocumentPlan:
    """POS sales → Shopify orders (+ their stock adjustment); online orders → Smaregi sales (+ stock adds)."""
    plan = DocumentPlan()
    ctx, links = state.ctx, state.links
    for txn in state.smaregi:
        if f"smaregi:txn:{txn.transaction_head_id}" in state.history:
            plan.ignored += 1
            continue
        for decision in classify.classify_smaregi_transaction(txn, state.mirrored_sales):
            if decision.mirror is not Mirror.SALE:
                plan.ignored += decision.mirror is Mirror.IGNORE
                continue
            order_key = keys.sale_order_key(ctx.contract_id, txn.transaction_head_id)
            stock_key = keys.sale_stock_key(ctx.contract_id, txn.transaction_head_id)
            if order_key in state.applied and stock_key in state.applied:
                continue
            try:
                mirrored = orders.sale_to_order(txn, ctx, links)
            except UnmappableDocument as error:
                plan.quarantine_transaction(txn, error)
                continue
            source = f"smaregi:txn:{txn.transaction_head_id}"
            subjects = Subjects.of_sale(txn)
            if order_key not in state.applied:
                plan.rows.append(
                    subjects.row(
                        key=order_key,
                        kind=SHOPIFY_ORDER,
                        target="shopify",
                        source=source,
                        payload={
                            "variables": mirrored.variables,
                            "lookup_query": mirrored.lookup_query,
                            "source_identifier": mirrored.variables["order"]["sourceIdentifier"],
                            "store_id": txn.store_id,
                            "total": mirrored.total,
                        },
                        smaregi_store_id=txn.store_id,
                        reason=decision.reason,
                    )
                )
                plan.created_orders[txn.transaction_head_id] = (
                    order_key,
                    same_run.planned_order(order_key, mirrored, txn),
                )
            if mirrored.stock is not None and mirrored.stock.key not in state.applied:
                plan.rows.append(
                    _adjust_row(mirrored.stock, subjects, source, "stock effect of the sale", order_key)
                )
    for order in state.shopify_orders.values():
        if f"shopify:order:{order.order_id}" in state.history:
            plan.ignored += 1
            continue
        key = keys.order_transaction_key(order.order_id)
        decision = classify.classify_shopify_order(order, already_mirrored=key in state.applied)
        if decision.mirror is not Mirror.ORDER:
            plan.ignored += 1
            continue
        try:
            mirrored_order = orders.order_to_transaction(order, ctx, links, state.applied_order_stock_adds)
        except UnmappableDocument as error:
            plan.quarantine("raw.shopify_orders", order.order_id, str(error), {"order_id": order.order_id})
            continue
        if key not in state.applied:
            plan.rows.append(
                _transaction_row(
                    key,
                    mirrored_order.body,
                    mirrored_order.lookup_params,
                    "order",
                    order.order_id,
                    decision.reason,
                    Subjects.of_order(order),
                )  # fmt: skip
            )
            plan.created_transactions[order.order_id] = key
        plan.rows.extend(
            row
            for row in _stock_add_rows(
                mirrored_order.stock_adds,
                f"shopify:order:{order.order_id}",
                "online order's units taken or moved elsewhere",
                key,
            )
            if row.key not in state.applied
        )
    return plan


def plan_refunds(state: DocumentState) -> DocumentPlan:
    """Shopify refunds → Smaregi returns (+ compensating adds); Smaregi returns / voids / reversals of mirrored
    sales → Shopify refunds; returns of sales never mirrored → their restock only.

    A document whose parent this run mirrors is planned now, after the row that creates the parent
    (:mod:`.same_run`); several refunds of one order are planned in turn, returns before the void or reversal
    that ends the sale."""
    plan = DocumentPlan()
    parents = plan_orders(state)
    _plan_shopify_refunds(state, plan, parents.created_transactions)
    _plan_smaregi_refunds(state, plan, parents.created_orders)
    return plan


def _plan_shopify_refunds(state: DocumentState, plan: DocumentPlan, created: Mapping[str, str]) -> None:
    ctx, links = state.ctx, state.links
    sales_by_id = {txn.transaction_head_id: txn for txn in state.smaregi}
    covered = plan_cancellations(state, plan)
    for refund in state.shopify_refunds:
        if {f"shopify:refund:{refund.refund_id}", f"shopify:order:{refund.order_id}"} & state.history:
            plan.ignored += 1
            continue
        order = state.shopify_orders.get(refund.order_id)
        if order is None:
            plan.waiting.append((refund.refund_id, "its order is not extracted"))
            continue
        own_sale = markers.order_source(order.source_identifier, order.tags)
        online_mirrored = keys.order_transaction_key(order.order_id) in state.applied
        parent = created.get(order.order_id)
        decision = classify.classify_shopify_refund(
            refund, online_mirrored or parent is not None or own_sale is not None
        )
        if decision.mirror is Mirror.REFUND and refund.refund_id in covered:
            decision = classify.covered_by_reversal(refund)
        if decision.mirror is not Mirror.REFUND:
            plan.ignored += 1
            continue
        key = keys.refund_transaction_key(refund.refund_id)
        store = None
        if own_sale is not None and own_sale.transaction_head_id in sales_by_id:
            store = sales_by_id[own_sale.transaction_head_id].store_id
        try:
            mirrored = refunds.refund_to_return(refund, order, ctx, links, store)
        except UnmappableDocument as error:
            plan.quarantine(
                "raw.shopify_refunds", refund.refund_id, str(error), {"refund_id": refund.refund_id}
            )
            continue
        if key not in state.applied:
            plan.rows.append(
                _transaction_row(
                    key,
                    mirrored.body,
                    mirrored.lookup_params,
                    "refund",
                    refund.refund_id,
                    decision.reason,
                    Subjects.of_refund(refund, order),
                    depends_on=parent,
                )  # fmt: skip
            )
        plan.rows.extend(
            row
            for row in _stock_add_rows(
                mirrored.stock_adds, f"shopify:refund:{refund.refund_id}", "restock as Shopify did", key
            )
            if row.key not in state.applied
        )


_UNDO_EVENTS = {Mirror.RETURN: "return", Mirror.VOID: "void", Mirror.REVERSAL: "reversal"}


def _plan_smaregi_refunds(
    state: DocumentState, plan: DocumentPlan, created: Mapping[str, tuple[str, ShopifyOrder]]
) -> None:
    ctx, links = state.ctx, state.links
    known_sales = {
        **state.mirrored_sales,
        **{sale: same_run.pending_order_id(key) for sale, (key, _) in created.items()},
    }
    undoings: list[tuple[SmaregiTransaction, classify.Decision]] = []
    for txn in state.smaregi:
        if f"smaregi:txn:{txn.transaction_head_id}" in state.history:
            continue
        for decision in classify.classify_smaregi_transaction(txn, known_sales):
            source = f"smaregi:txn:{txn.transaction_head_id}"
            if decision.mirror is Mirror.RETURN_STOCK_ONLY:
                restock = refunds.return_restock(txn, ctx, links)
                if restock is not None and restock.key not in state.applied:
                    plan.rows.append(
                        _adjust_row(restock, Subjects.of_sale(txn), source, decision.reason, None)
                    )
            elif decision.mirror in _UNDO_EVENTS:
                undoings.append((txn, decision))
    refundable = same_run.RefundableOrders()
    # a void or reversal ends the sale: it comes after every return of it (stable sort keeps the id order)
    for txn, decision in sorted(undoings, key=lambda pair: pair[1].mirror is not Mirror.RETURN):
        _plan_smaregi_refund(state, plan, created, refundable, txn, decision)


def _plan_smaregi_refund(
    state: DocumentState,
    plan: DocumentPlan,
    created: Mapping[str, tuple[str, ShopifyOrder]],
    refundable: same_run.RefundableOrders,
    txn: SmaregiTransaction,
    decision: classify.Decision,
) -> None:
    ctx, links = state.ctx, state.links
    event = _UNDO_EVENTS[decision.mirror]
    source = f"smaregi:txn:{txn.transaction_head_id}"
    key = keys.smaregi_refund_key(ctx.contract_id, txn.transaction_head_id, event)
    if key in state.applied:
        return
    sale_id = decision.original_transaction_head_id or ""
    order_key, order = None, None
    if sale_id in created:
        order_key, order = created[sale_id]
    elif sale_id in state.mirrored_sales:
        order = state.shopify_orders.get(state.mirrored_sales[sale_id])
    if order is None:
        plan.waiting.append((source, f"the Shopify order of sale {sale_id} is not extracted"))
        return
    order = refundable.current(order)
    depends_on = refundable.last_refund.get(order.order_id, order_key)
    try:
        mirrored = refunds.smaregi_to_refund(txn, event, order, ctx, links)
    except UnmappableDocument as error:
        plan.quarantine_transaction(txn, error)
        return
    if (
        event == "return"
        and keys.return_restock_key(ctx.contract_id, txn.transaction_head_id) in state.applied
    ):
        mirrored = _without_restock(mirrored)
    refundable.refunded(order, mirrored.variables, mirrored.amount, key)
    payload: dict[str, Any] = {
        "variables": mirrored.variables,
        "amount": mirrored.amount,
        "order_id": order.order_id,
        "restock": _restock_changes(mirrored, order, txn, state),
    }
    if order_key is not None:
        payload.update(order_key=order_key, pending_lines=same_run.pending_lines(order))
    subjects = Subjects.of_sale(txn)
    plan.rows.append(
        subjects.row(
            key=key,
            kind=SHOPIFY_REFUND,
            target="shopify",
            source=source,
            payload=payload,
            reason=decision.reason + (" (its order is created in this run)" if order_key else ""),
            depends_on=depends_on,
        )
    )
    if event != "return":
        extra = _undo_restock(txn, event, mirrored, order, state)
        if extra is not None and extra.key not in state.applied:
            plan.rows.append(_adjust_row(extra, subjects, source, "units the void put back twice", key))


def _without_restock(mirrored: refunds.RefundCreatePlan) -> refunds.RefundCreatePlan:
    """The refund of a return whose restock was already mirrored on its own (before its sale was mirrored):
    money and lines only."""
    refund_input = dict(mirrored.variables["input"])
    refund_input["refundLineItems"] = [
        {"lineItemId": item["lineItemId"], "quantity": item["quantity"], "restockType": "NO_RESTOCK"}
        for item in refund_input["refundLineItems"]
    ]
    return replace(mirrored, variables={"input": refund_input}, restocked={})


def _restock_changes(
    mirrored: refunds.RefundCreatePlan, order: ShopifyOrder, txn: SmaregiTransaction, state: DocumentState
) -> list[dict[str, Any]]:
    """The stock the refund puts back on Shopify, as adjustment changes (what the stock re-read expects)."""
    location = state.ctx.location_for(txn.store_id)
    variants = {line.line_item_id: line.variant_id for line in order.lines}
    deltas = []
    for line_id, quantity in mirrored.restocked.items():
        link = state.links.by_shopify_variant.get(variants.get(line_id) or "")
        if link is not None and location is not None:
            deltas.append((link.inventory_item_id, location, quantity))
    return [
        {"inventoryItemId": c.inventory_item_id, "locationId": c.location_id, "delta": c.delta}
        for c in inventory_changes(deltas)
    ]


def _undo_restock(
    txn: SmaregiTransaction,
    event: str,
    mirrored: refunds.RefundCreatePlan,
    order: ShopifyOrder,
    state: DocumentState,
) -> InventoryAdjustment | None:
    """A void or reversal puts every unit of the sale back on Smaregi, also units an earlier return already put
    back; the refund restocks only what was still refundable, so the rest is added on Shopify."""
    restocked: dict[str, int] = {}
    variants = {line.line_item_id: line.variant_id for line in order.lines}
    for line_id, quantity in mirrored.restocked.items():
        variant = variants.get(line_id) or ""
        restocked[variant] = restocked.get(variant, 0) + quantity

    def beyond(line: Any) -> int | None:
        link = state.links.by_smaregi_product.get(line.product_id or "")
        if link is None or (line.is_return and event == "void"):
            return None
        wanted = abs(line.quantity)
        taken = min(wanted, restocked.get(link.shopify_variant_id, 0))
        restocked[link.shopify_variant_id] = restocked.get(link.shopify_variant_id, 0) - taken
        return wanted - taken or None

    return orders.linked_stock_adjustment(
        txn,
        state.ctx,
        state.links,
        beyond,
        key=keys.undo_restock_key(state.ctx.contract_id, txn.transaction_head_id, event),
        reason="restock",
    )


def plan_cancellations(state: DocumentState, plan: DocumentPlan) -> set[str]:
    """Cancelled online orders already on Smaregi whose sale nothing has been returned from: 打消 of that sale
    (+ compensating stock adds); returns the refunds the reversals cover (docs/architecture.md, "Documents").

    The choice holds across runs: once the dispose key is in the ledger the order stays reversed, and every
    refund of it without a return of its own is covered; a refund whose return was begun first keeps the order
    on ordinary returns.
    """
    covered: set[str] = set()
    by_order: dict[str, list[ShopifyRefund]] = {}
    for refund in state.shopify_refunds:
        if (
            not markers.refund_is_ours(refund.note)
            and f"shopify:refund:{refund.refund_id}" not in state.history
        ):
            by_order.setdefault(refund.order_id, []).append(refund)
    for order in state.shopify_orders.values():
        sale_key = keys.order_transaction_key(order.order_id)
        if not order.cancelled or sale_key not in state.applied:
            continue
        if f"shopify:order:{order.order_id}" in state.history:
            continue
        key = keys.order_dispose_key(order.order_id)
        own = [
            r
            for r in by_order.get(order.order_id, [])
            if keys.refund_transaction_key(r.refund_id) not in state.ledger_keys
        ]
        if key not in state.ledger_keys and len(own) < len(by_order.get(order.order_id, [])):
            continue
        covered.update(r.refund_id for r in own)
        sale_id = state.remote_ids[sale_key]
        sale = next((t for t in state.smaregi if t.transaction_head_id == sale_id), None)
        reversal = cancellations.dispose_cancelled_order(
            order,
            own,
            sale_id,
            sale.store_id if sale is not None else state.ctx.online_store_id,
            order.cancelled_at or order.processed_at,
            state.ctx,
            state.links,
        )
        source = f"shopify:order:{order.order_id}"
        if key not in state.applied:
            plan.rows.append(
                Subjects.of_order(order).row(
                    key=key,
                    kind=SMAREGI_DISPOSE,
                    target="smaregi",
                    source=source,
                    smaregi_store_id=sale.store_id if sale is not None else state.ctx.online_store_id,
                    payload={
                        "transaction_head_id": sale_id,
                        "body": reversal.body,
                        "lookup_params": reversal.lookup_params,
                    },
                    reason=f"online order cancelled ({order.cancel_reason or 'no reason'}): 打消 of its sale",
                )
            )
        plan.rows.extend(
            row
            for row in _stock_add_rows(reversal.stock_adds, source, "restock as the cancellation did", key)
            if row.key not in state.applied
        )
    return covered


def save_plan(conn: duckdb.DuckDBPyConnection, table: str, plan: DocumentPlan, run_id: str | None) -> int:
    """Replace ``table`` with this run's rows and quarantine the unmappable documents; how many were."""
    replace_plan(conn, table, plan.rows)
    return sum(
        warehouse.quarantine_rows(conn, source, rows, run_id=run_id)
        for source, rows in plan.quarantined.items()
    )
