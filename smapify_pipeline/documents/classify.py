"""Which documents are mirrored, and as what (docs/architecture.md, "Documents").

A Smaregi transaction is mirrored only when it is a register sale (division 1) or a change to a sale we
already mirrored; never when we created it (memo marker: no echo). A void or reversal of a sale that was never
mirrored is not mirrored at all (the sale and its undoing cancel out). A return linked to a mirrored sale
becomes a refund on that order; a return that cannot be linked still has its stock effect mirrored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from smapify_pipeline.sync import markers
from smapify_pipeline.sync.records import ShopifyOrder, ShopifyRefund, SmaregiTransaction


class Mirror(Enum):
    SALE = "sale"
    """→ Shopify order (+ stock adjustment): :func:`.orders.sale_to_order`."""
    RETURN = "return"
    """→ Shopify refund of the returned lines: :func:`.refunds.smaregi_to_refund` (event "return")."""
    VOID = "void"
    """→ full Shopify refund of the mirrored order (event "void")."""
    REVERSAL = "reversal"
    """→ full Shopify refund of the mirrored order (event "reversal")."""
    RETURN_STOCK_ONLY = "return_stock_only"
    """A return not linked to a mirrored sale: only its restock is mirrored (:func:`.refunds.return_restock`)."""
    ORDER = "order"
    """→ Smaregi sale: :func:`.orders.order_to_transaction`."""
    REFUND = "refund"
    """→ Smaregi return: :func:`.refunds.refund_to_return`."""
    IGNORE = "ignore"


@dataclass(frozen=True)
class Decision:
    mirror: Mirror
    reason: str
    original_transaction_head_id: str | None = None
    """For RETURN / REVERSAL: the mirrored sale the Shopify order belongs to."""


def classify_smaregi_transaction(
    txn: SmaregiTransaction, mirrored_sales: Mapping[str, str]
) -> tuple[Decision, ...]:
    """What to do with one Smaregi transaction; ``mirrored_sales`` maps mirrored sale ids → Shopify order ids
    (from the ledger). An exchange (sale lines and return lines in one ticket) yields two decisions."""
    head_id = txn.transaction_head_id
    if markers.transaction_is_ours(txn.memo):
        return (Decision(Mirror.IGNORE, "created by us (memo marker): no echo"),)
    if txn.transaction_head_division != "1":
        return (
            Decision(Mirror.IGNORE, f"not a sale (transactionHeadDivision {txn.transaction_head_division})"),
        )
    if txn.cancel_division == "1":
        if head_id in mirrored_sales:
            return (Decision(Mirror.VOID, "mirrored sale voided", head_id),)
        return (Decision(Mirror.IGNORE, "voided before it was mirrored"),)
    if txn.dispose_division == "2":
        original = txn.dispose_server_transaction_head_id
        if original and original in mirrored_sales:
            return (Decision(Mirror.REVERSAL, "reversal record of a mirrored sale", original),)
        return (Decision(Mirror.IGNORE, "reversal of a sale that was never mirrored"),)
    if txn.dispose_division == "1":
        if head_id in mirrored_sales:
            return (Decision(Mirror.IGNORE, "reversed sale: its reversal record is what is mirrored"),)
        return (Decision(Mirror.IGNORE, "reversed before it was mirrored"),)
    returns = txn.return_sales == "1" or any(line.is_return for line in txn.lines)
    sales = txn.return_sales != "1" and any(not line.is_return for line in txn.lines)
    decisions = []
    if sales:
        decisions.append(Decision(Mirror.SALE, "register sale"))
    if returns:
        original = txn.dispose_server_transaction_head_id
        if original and original in mirrored_sales:
            decisions.append(Decision(Mirror.RETURN, "line return of a mirrored sale", original))
        else:
            decisions.append(Decision(Mirror.RETURN_STOCK_ONLY, "return not linked to a mirrored sale"))
    return tuple(decisions) or (Decision(Mirror.IGNORE, "no lines"),)


def classify_shopify_order(order: ShopifyOrder, already_mirrored: bool = False) -> Decision:
    """An online order is mirrored unless we created it or it was cancelled before its first mirror."""
    if markers.order_is_ours(order.source_name, order.source_identifier, order.tags):
        return Decision(Mirror.IGNORE, "created by us (sourceName / sourceIdentifier / tag): no echo")
    if order.cancelled and not already_mirrored:
        return Decision(Mirror.IGNORE, "cancelled before it was mirrored")
    return Decision(Mirror.ORDER, "online order")


def classify_shopify_refund(refund: ShopifyRefund, order_on_smaregi: bool) -> Decision:
    """A refund is mirrored unless we created it (note marker), or its order never reached Smaregi.

    ``order_on_smaregi``: the order was mirrored to Smaregi, or it is one of ours mirroring a register sale
    (a merchant refund on such an order is a return of that sale).
    """
    if markers.refund_is_ours(refund.note):
        return Decision(Mirror.IGNORE, "created by us (note marker): no echo")
    if not order_on_smaregi:
        return Decision(Mirror.IGNORE, "its order was never mirrored to Smaregi")
    if not any(line.quantity > 0 for line in refund.lines):
        if refund.shipping or refund.money:
            return Decision(Mirror.REFUND, "Shopify refund of money only (no line)")
        return Decision(Mirror.IGNORE, "refunds no line, no shipping and no money")
    return Decision(Mirror.REFUND, "Shopify refund")


def covered_by_reversal(refund: ShopifyRefund) -> Decision:
    """A refund of a cancelled online order whose Smaregi sale is reversed (打消): the reversal mirrors it."""
    return Decision(Mirror.IGNORE, f"covered by the reversal of its cancelled order {refund.order_id}")
