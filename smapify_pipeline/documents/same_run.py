"""Documents whose parent is mirrored in the same run (docs/architecture.md, "Documents": one run converges).

A return, void or reversal of a sale this run mirrors, and a refund of an online order this run mirrors, are
planned in this run against the row that creates their parent (``depends_on``), never left for a later run.
A Shopify order this run creates has no id and no line item ids yet: the plan names them with placeholders
(:func:`pending_order_id`, :func:`pending_line_id`) built from the ``orderCreate`` variables the order row
sends, and the push fills them in once the order is applied (:func:`fill_order_id`,
:func:`resolve_line_ids`).

Several refunds of one order planned in one run are planned in turn, each against what the earlier ones leave
refundable (:class:`RefundableOrders`): a void after a partial return refunds exactly the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from smapify_pipeline.documents.orders import OrderCreatePlan
from smapify_pipeline.sync.records import ShopifyOrder, ShopifyOrderLine, SmaregiTransaction

PENDING = "smapify-pending:"
"""Prefix of a placeholder for an id that exists only once the parent document is applied."""


def pending_order_id(order_key: str) -> str:
    """Placeholder of the Shopify order the row ``order_key`` creates."""
    return f"{PENDING}{order_key}"


def pending_line_id(order_key: str, index: int) -> str:
    """Placeholder of the ``index``-th line item of that order (``orderCreate`` keeps the order of its lines)."""
    return f"{PENDING}{order_key}#{index}"


def is_pending(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PENDING)


def planned_order(order_key: str, plan: OrderCreatePlan, sale: SmaregiTransaction) -> ShopifyOrder:
    """The order the row ``order_key`` will create, as the refund rules read an extracted one: nothing refunded
    yet, ids as placeholders."""
    order = plan.variables["order"]
    lines = []
    for index, item in enumerate(order["lineItems"]):
        quantity = int(item["quantity"])
        unit = int(Decimal(item["priceSet"]["shopMoney"]["amount"]))
        rates = [Decimal(str(tax["rate"])) * 100 for tax in item.get("taxLines") or []]
        lines.append(
            ShopifyOrderLine(
                line_item_id=pending_line_id(order_key, index),
                variant_id=item.get("variantId"),
                sku=item.get("sku"),
                title=item.get("title") or "",
                quantity=quantity,
                unit_price=unit,
                discounted_total=unit * quantity,
                tax_rate=int(max(rates)) if rates else 0,
                refundable_quantity=quantity,
            )
        )
    shipping = sum(
        int(Decimal(s["priceSet"]["shopMoney"]["amount"])) for s in order.get("shippingLines") or []
    )
    return ShopifyOrder(
        order_id=pending_order_id(order_key),
        processed_at=sale.terminal_tran_date_time,
        lines=tuple(lines),
        shipping=shipping,
        source_name=order.get("sourceName"),
        source_identifier=order.get("sourceIdentifier"),
        tags=tuple(order.get("tags") or ()),
        refundable_amount=plan.total,
    )


def pending_lines(order: ShopifyOrder) -> dict[str, dict[str, Any]]:
    """Placeholder → what identifies that line of the created order (its position, variant or SKU)."""
    return {
        line.line_item_id: {"index": index, "variantId": line.variant_id, "sku": line.sku}
        for index, line in enumerate(order.lines)
        if is_pending(line.line_item_id)
    }


@dataclass
class RefundableOrders:
    """What is still refundable on each order after the refunds planned so far in this run."""

    orders: dict[str, ShopifyOrder] = field(default_factory=dict)
    last_refund: dict[str, str] = field(default_factory=dict)
    """Order id → ledger key of the last refund planned on it in this run (the next one depends on it)."""

    def current(self, order: ShopifyOrder) -> ShopifyOrder:
        return self.orders.get(order.order_id, order)

    def refunded(self, order: ShopifyOrder, variables: Mapping[str, Any], amount: int, key: str) -> None:
        """Record a refund planned on ``order`` (``refundCreate`` variables, money refunded)."""
        refund_input = variables["input"]
        taken: dict[str, int] = {}
        for item in refund_input.get("refundLineItems") or []:
            taken[item["lineItemId"]] = taken.get(item["lineItemId"], 0) + int(item["quantity"])
        lines = tuple(
            replace(line, refundable_quantity=max(line.remaining - taken.get(line.line_item_id, 0), 0))
            for line in order.lines
        )
        refundable = None if order.refundable_amount is None else max(order.refundable_amount - amount, 0)
        shipping = 0 if refund_input.get("shipping") else order.shipping
        self.orders[order.order_id] = replace(
            order, lines=lines, refundable_amount=refundable, shipping=shipping
        )
        self.last_refund[order.order_id] = key


# --- push time ------------------------------------------------------------------------------------------------


class UnresolvedPlaceholder(Exception):
    """The created order does not have the line a placeholder names: nothing is sent, the next run replans."""


def fill_order_id(value: Any, placeholder: str, order_id: str) -> Any:
    """``value`` (variables, nested) with every ``placeholder`` string replaced by ``order_id``."""
    if isinstance(value, dict):
        return {k: fill_order_id(v, placeholder, order_id) for k, v in value.items()}
    if isinstance(value, list):
        return [fill_order_id(v, placeholder, order_id) for v in value]
    return order_id if value == placeholder else value


def resolve_line_ids(
    wanted: Mapping[str, Mapping[str, Any]], order_lines: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """Placeholder → line item GID, from the created order's line items as read (``id``, ``sku``,
    ``variant { id }``), each checked to be the line the placeholder names."""
    resolved = {}
    for placeholder, expected in wanted.items():
        index = int(expected["index"])
        node = order_lines[index] if index < len(order_lines) else None
        variant = ((node or {}).get("variant") or {}).get("id")
        same = node is not None and (
            variant == expected["variantId"]
            if expected.get("variantId")
            else variant is None and (node.get("sku") or None) == (expected.get("sku") or None)
        )
        if not same:
            raise UnresolvedPlaceholder(
                f"line {index} of the created order is not {expected.get('variantId') or expected.get('sku')!r}"
            )
        resolved[placeholder] = str(node["id"])  # type: ignore[index]
    return resolved
