"""Refunds both ways (docs/architecture.md, "Documents").

* :func:`refund_to_return` — a Shopify refund → a Smaregi return transaction (return lines with a negative
  quantity, see :data:`.choices.RETURN_QUANTITY_SIGN`) plus compensating stock adds so Smaregi's stock ends
  where Shopify's did: the return restocks every returned unit at its store, so ``NO_RESTOCK`` lines get −q
  there and units Shopify restocked at another location move to that location's store.
* :func:`smaregi_to_refund` — a Smaregi line return, void or reversal of a mirrored sale → Shopify
  ``refundCreate`` variables restocking (``RETURN``) at the paired location exactly what Smaregi restocked; a
  void or a reversal refunds everything still refundable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smapify_pipeline.documents.orders import linked_stock_adjustment
from smapify_pipeline.documents.smaregi_body import (
    DetailDraft,
    TransactionPostPlan,
    UnlinkedLinePolicy,
    details_for_shopify_line,
    transaction_post,
)
from smapify_pipeline.sync import choices, keys, markers
from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyRefund,
    ShopifyRefundLine,
    SmaregiTransaction,
    SyncContext,
    UnmappableDocument,
)
from smapify_pipeline.sync.writes import (
    InventoryAdjustment,
)

RESTOCKING_TYPES = ("RETURN", "CANCEL", "LEGACY_RESTOCK")


# --- Shopify refund → Smaregi return ------------------------------------------------------------------------


def refund_to_return(
    refund: ShopifyRefund,
    order: ShopifyOrder,
    ctx: SyncContext,
    links: Links,
    store_id: str | None = None,
) -> TransactionPostPlan:
    """Mirror a Shopify refund (RETURN, NO_RESTOCK, CANCEL) as a Smaregi return at ``store_id``
    (default: the online store; for an order that mirrors a register sale, pass that sale's store).

    Each refunded line becomes return lines priced at what the refund paid back for it (split into whole-yen
    unit prices); refunded shipping becomes a negative ``carriage``. When the refund's transactions paid back
    more (a goodwill refund, money only) or less than its lines and shipping, the difference is one
    :func:`adjustment_details` line, so the return's total is the money paid back to the yen.
    """
    store = store_id or ctx.online_store_id
    by_id = {line.line_item_id: line for line in order.lines}
    details: list[DetailDraft] = []
    deltas: list[tuple[str, str, int]] = []
    for refunded in refund.lines:
        line = by_id.get(refunded.line_item_id)
        if line is None:
            raise UnmappableDocument(
                f"Shopify refund {refund.refund_id} refunds line {refunded.line_item_id}, not on its order"
            )
        if refunded.quantity <= 0:
            continue
        link = links.by_shopify_variant.get(line.variant_id or "")
        product_id = link.smaregi_product_id if link else None
        details.extend(
            details_for_shopify_line(
                refund.refund_id,
                "2",
                line.title,
                line.unit_price,
                refunded.subtotal,
                refunded.quantity,
                line.tax_rate,
                product_id,
                UnlinkedLinePolicy(ctx.unlinked_product_id, ctx.unlinked_category_id),
                sign=choices.RETURN_QUANTITY_SIGN,
            )
        )
        if link is not None and link.stock_managed:
            deltas.extend(
                _return_stock_deltas(link.smaregi_product_id, refunded.quantity, refunded, store, ctx)
            )
    if refund.money is not None:
        goods = sum(line.subtotal for line in refund.lines if line.quantity > 0)
        details.extend(adjustment_details(refund.refund_id, refund.money - goods - refund.shipping, ctx))
    if not details and not refund.shipping:
        raise UnmappableDocument(f"Shopify refund {refund.refund_id} returns no line and no money")
    return transaction_post(
        "refund",
        refund.refund_id,
        key=keys.refund_transaction_key(refund.refund_id),
        stock_key=keys.refund_stock_key(refund.refund_id),
        store_id=store,
        terminal_time=refund.created_at,
        details=details,
        carriage=-refund.shipping,
        stock_deltas=deltas,
        rounding=ctx.tax_rounding,
    )


def adjustment_details(refund_id: str, difference: int, ctx: SyncContext) -> list[DetailDraft]:
    """The line carrying money a refund paid back beyond its lines and shipping (``difference`` > 0: a return
    line) or short of them (< 0: a sale line in the return): the unlinked 部門売り product named
    :data:`.choices.REFUND_ADJUSTMENT_LINE_NAME`, untaxed, moving no stock."""
    if difference == 0:
        return []
    policy = UnlinkedLinePolicy(
        None if ctx.unlinked_category_id else ctx.unlinked_product_id, ctx.unlinked_category_id
    )
    return details_for_shopify_line(
        refund_id,
        "2" if difference > 0 else "1",
        choices.REFUND_ADJUSTMENT_LINE_NAME,
        abs(difference),
        abs(difference),
        1,
        choices.REFUND_ADJUSTMENT_TAX_RATE,
        None,
        policy,
        sign=choices.RETURN_QUANTITY_SIGN if difference > 0 else 1,
    )


def _return_stock_deltas(
    product_id: str, quantity: int, refunded: ShopifyRefundLine, return_store: str, ctx: SyncContext
) -> list[tuple[str, str, int]]:
    """Wanted stock effect minus the return's own (+q at ``return_store``)."""
    deltas: list[tuple[str, str, int]] = []
    if choices.RETURNS_RESTOCK_ON_SMAREGI:
        deltas.append((product_id, return_store, -quantity))
    if refunded.restock_type in RESTOCKING_TYPES and refunded.location_id is not None:
        wanted_store = ctx.store_for(refunded.location_id)
        if wanted_store is not None:
            deltas.append((product_id, wanted_store, quantity))
    return deltas


# --- Smaregi return / void / reversal → Shopify refund ------------------------------------------------------


@dataclass(frozen=True)
class RefundCreatePlan:
    key: str
    variables: dict[str, Any]
    """``{"input": RefundInput}``; send with ``@idempotent(key:)`` (:func:`.keys.shopify_idempotency_key`)."""
    amount: int
    restocked: dict[str, int]
    """Units restocked per Shopify line item id."""


def smaregi_to_refund(
    txn: SmaregiTransaction,
    event: str,
    order: ShopifyOrder,
    ctx: SyncContext,
    links: Links,
) -> RefundCreatePlan:
    """Refund on the mirrored Shopify ``order`` what Smaregi ``txn`` took back.

    ``event`` "return": ``txn`` is the return transaction; its return lines are matched to the order's
    lines (linked product → variant line, else product code → custom line SKU). "void": ``txn`` is the
    cancelled sale; "reversal": ``txn`` is the negative record. Both refund everything still refundable.
    Lines of stock-managed linked products restock at the location paired with ``txn``'s store (``RETURN``;
    the mirrored order was created fulfilled); all others are ``NO_RESTOCK``.
    """
    location = ctx.location_for(txn.store_id)
    if event == "return":
        quantities = _match_return_lines(txn, order, links)
        amount = -txn.total
        shipping: dict[str, Any] | None = {"amount": str(-txn.carriage)} if txn.carriage < 0 else None
    elif event in ("void", "reversal"):
        quantities = {line.line_item_id: line.remaining for line in order.lines if line.remaining > 0}
        amount = order.refundable_amount if order.refundable_amount is not None else abs(txn.total)
        shipping = {"fullRefund": True} if order.shipping else None
    else:
        raise ValueError(f"unknown Smaregi refund event {event!r}")
    if not quantities:
        raise UnmappableDocument(f"nothing left to refund on Shopify order {order.order_id}")
    by_id = {line.line_item_id: line for line in order.lines}
    refund_lines = []
    restocked: dict[str, int] = {}
    for line_id, quantity in quantities.items():
        line = by_id[line_id]
        restock = location is not None and _restocks_on_smaregi(line, links)
        item: dict[str, Any] = {
            "lineItemId": line_id,
            "quantity": quantity,
            "restockType": "RETURN" if restock else "NO_RESTOCK",
        }
        if restock:
            item["locationId"] = location
            restocked[line_id] = quantity
        refund_lines.append(item)
    refund_input: dict[str, Any] = {
        "orderId": order.order_id,
        "note": markers.refund_note(ctx.contract_id, txn.transaction_head_id, event),
        "notify": False,
        "refundLineItems": refund_lines,
    }
    if shipping:
        refund_input["shipping"] = shipping
    if order.parent_transaction_id and amount > 0:
        refund_input["transactions"] = [
            {
                "orderId": order.order_id,
                "parentId": order.parent_transaction_id,
                "kind": "REFUND",
                "gateway": order.gateway or choices.PAYMENT_GATEWAY,
                "amount": str(amount),
            }
        ]
    return RefundCreatePlan(
        key=keys.smaregi_refund_key(ctx.contract_id, txn.transaction_head_id, event),
        variables={"input": refund_input},
        amount=max(amount, 0),
        restocked=restocked,
    )


def _restocks_on_smaregi(line: ShopifyOrderLine, links: Links) -> bool:
    link = links.by_shopify_variant.get(line.variant_id or "")
    return link is not None and link.stock_managed


def _match_return_lines(txn: SmaregiTransaction, order: ShopifyOrder, links: Links) -> dict[str, int]:
    """Returned units per order line id, filling each matching line up to what is still refundable."""
    left = {line.line_item_id: line.remaining for line in order.lines}
    result: dict[str, int] = {}
    whole_ticket = txn.return_sales == "1"
    for returned in (line for line in txn.lines if line.is_return or whole_ticket):
        wanted = abs(returned.quantity)
        link = links.by_smaregi_product.get(returned.product_id or "")
        for line in order.lines:
            if wanted == 0:
                break
            same = (link is not None and line.variant_id == link.shopify_variant_id) or (
                link is None and line.variant_id is None and line.sku == returned.product_code
            )
            take = min(wanted, left[line.line_item_id]) if same else 0
            if take:
                left[line.line_item_id] -= take
                result[line.line_item_id] = result.get(line.line_item_id, 0) + take
                wanted -= take
        if wanted:
            raise UnmappableDocument(
                f"Smaregi return {txn.transaction_head_id} returns {wanted} more of "
                f"{returned.product_code or returned.product_name!r} than Shopify order {order.order_id} can refund"
            )
    return result


def return_restock(txn: SmaregiTransaction, ctx: SyncContext, links: Links) -> InventoryAdjustment | None:
    """The Shopify side of a Smaregi return that is not linked to a mirrored sale (no order to refund): +q of
    each returned, linked, stock-managed product at the location paired with the return's store."""
    return linked_stock_adjustment(
        txn,
        ctx,
        links,
        lambda line: abs(line.quantity) if line.is_return or txn.return_sales == "1" else None,
        key=keys.return_restock_key(ctx.contract_id, txn.transaction_head_id),
        reason="restock",
    )
