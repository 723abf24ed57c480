"""The backend of orders and refunds: ``orderCreate``, ``orderCancel`` and ``refundCreate``.

Stock effects follow Shopify: ``orderCreate`` claims inventory only when ``inventoryBehaviour`` says so
(BYPASS, the default, touches nothing); a claim takes ``available`` and, for an unfulfilled line, holds it
as ``committed`` at the claiming location until fulfilment, refund or cancel. ``orderCreate`` has no
idempotency: calling it twice makes two orders. ``refundCreate`` restocks per line by ``restockType``
(RETURN and CANCEL put units back at ``locationId``, NO_RESTOCK changes nothing) and refuses to refund more
units than remain; the money it refunds is the sum of its ``transactions``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.common import to_decimal, user_error
from smapify_pipeline.sandbox.shopify.discounts import CheckoutDiscount, apply_checkout_discounts
from smapify_pipeline.sandbox.shopify.fulfillments import open_fulfillment_orders
from smapify_pipeline.sandbox.shopify.payloads import order_payload, refund_payload
from smapify_pipeline.sandbox.shopify.products import normalise_tags
from smapify_pipeline.sandbox.shopify.state import (
    Action,
    DiscountAllocation,
    DiscountApplication,
    LineItem,
    Order,
    OrderAdjustment,
    Refund,
    RefundLine,
    RefundShipping,
    ShippingLine,
    ShopState,
    TaxLine,
    Transaction,
    gid,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.totals import order_totals, received, refunded, round_money
from smapify_pipeline.sandbox.shopify.views_orders import OrderView, RefundView, merged_tax_lines

# ---------------------------------------------------------------------------------------------- helpers


def _amount(money_bag_input: dict[str, Any] | None) -> Decimal | None:
    if not money_bag_input:
        return None
    return to_decimal(money_bag_input["shopMoney"]["amount"])


def _tax_lines(
    inputs: list[dict[str, Any]] | None, base: Decimal, taxes_included: bool, currency: str
) -> list[TaxLine]:
    """Tax lines from input; a line without ``priceSet`` gets its amount from the rate and the taxed base."""
    lines = []
    for entry in inputs or []:
        rate = Decimal(str(entry["rate"]))
        amount = _amount(entry.get("priceSet"))
        if amount is None:
            amount = round_money(base * rate / (1 + rate) if taxes_included else base * rate, currency)
        lines.append(TaxLine(entry["title"], rate, amount, bool(entry.get("channelLiable"))))
    return lines


def _apply_discount(
    entry: dict[str, Any] | None, lines: list[LineItem], currency: str
) -> DiscountApplication | None:
    """The discount code of an ``orderCreate``, allocated to its lines: a fixed amount in proportion to the
    line totals (the rounding remainder on the largest line), a percentage of each line."""
    fixed = (entry or {}).get("itemFixedDiscountCode")
    percent = (entry or {}).get("itemPercentageDiscountCode")
    totals = [line.unit_price * line.quantity for line in lines]
    whole = sum(totals, Decimal(0))
    if fixed:
        application = DiscountApplication(
            0, fixed["code"], amount=_amount(fixed.get("amountSet")) or Decimal(0)
        )
        amount = min(application.amount or Decimal(0), whole)
        shares = [round_money(amount * total / whole, currency) if whole else Decimal(0) for total in totals]
        if shares:
            largest = max(range(len(totals)), key=lambda i: totals[i])
            shares[largest] += amount - sum(shares, Decimal(0))
    elif percent:
        percentage = Decimal(str(percent.get("percentage") or 0))
        application = DiscountApplication(0, percent["code"], percentage=percentage)
        shares = [round_money(total * percentage / 100, currency) for total in totals]
    else:
        return None
    for line, share in zip(lines, shares, strict=True):
        if share:
            line.discount_allocations.append(DiscountAllocation(application.index, share))
    return application


def routing_location(state: ShopState, item_id: int, quantity: int) -> int | None:
    """Where an order without ``fulfillment.locationId`` claims stock (Shopify's order routing, simplified):
    the first location (by id) stocking the item with enough available, else the first stocking it, else the
    first active location."""
    levels = sorted(state.item_levels(item_id), key=lambda lv: lv.location_id)
    for level in levels:
        if level.quantities["available"] >= quantity and state.locations[level.location_id].active:
            return level.location_id
    if levels:
        return levels[0].location_id
    return next((loc.id for loc in state.locations.values() if loc.active), None)


# ---------------------------------------------------------------------------------------------- orderCreate


def order_create(
    state: ShopState,
    action: Action,
    order: dict[str, Any],
    options: dict[str, Any] | None = None,
    *,
    claim_location: int | None = None,
    checkout_discounts: list[CheckoutDiscount] | None = None,
) -> dict[str, Any]:
    """``orderCreate``; ``claim_location`` (test hooks only) pins where a checkout claims stock and
    ``checkout_discounts`` (test hooks only) are the codes and automatic discounts the checkout applied."""

    def fail(field_path: list[str], message: str, code: str) -> dict[str, Any]:
        return {"order": None, "userErrors": [user_error(field_path, message, code)]}

    behaviour = (options or {}).get("inventoryBehaviour") or "BYPASS"
    currency = order.get("currency") or state.shop.currency
    taxes_included = order.get("taxesIncluded")
    taxes_included = state.shop.taxes_included if taxes_included is None else bool(taxes_included)
    now = state.now()
    processed_at: datetime = order.get("processedAt") or now
    if processed_at > now:
        return fail(
            ["order", "processedAt"], "Processed at must not be in the future", "PROCESSED_AT_INVALID"
        )
    line_inputs = order.get("lineItems") or []
    if not line_inputs:
        return fail(["order", "lineItems"], "Line items must have at least one line item", "INVALID")
    fulfillment = order.get("fulfillment")
    fulfillment_location: int | None = None
    if fulfillment:
        fulfillment_location = parse_gid(fulfillment["locationId"], "Location")
        if fulfillment_location not in state.locations:
            return fail(["order", "fulfillment", "locationId"], "Location does not exist", "INVALID")
    fulfilled = fulfillment is not None or order.get("fulfillmentStatus") == "FULFILLED"

    lines: list[LineItem] = []
    for index, entry in enumerate(line_inputs):
        path = ["order", "lineItems", str(index)]
        if entry["quantity"] < 1:
            return fail([*path, "quantity"], "Quantity must be greater than or equal to 1", "INVALID")
        price = _amount(entry.get("priceSet"))
        variant = None
        if entry.get("variantId"):
            variant_id = parse_gid(entry["variantId"], "ProductVariant")
            variant = state.variants.get(variant_id) if variant_id is not None else None
            if variant is None:
                return fail([*path, "variantId"], "Variant does not exist", "INVALID")
        elif not entry.get("title") or price is None:
            return fail(path, "A custom line item needs a title and a priceSet", "INVALID")
        if variant is not None:
            product = state.products[variant.product_id]
            item = state.items[variant.inventory_item_id]
            line = LineItem(
                id=state.new_id("LineItem"),
                title=entry.get("title") or product.title,
                quantity=entry["quantity"],
                unit_price=price if price is not None else variant.price,
                variant_id=variant.id,
                product_id=product.id,
                sku=entry.get("sku") or item.sku,
                variant_title=None if not variant.option_values else variant.title,
                vendor=entry.get("vendor") or product.vendor,
                taxable=variant.taxable if entry.get("taxable") is None else entry["taxable"],
                requires_shipping=item.requires_shipping
                if entry.get("requiresShipping") is None
                else entry["requiresShipping"],
            )
        else:
            line = LineItem(
                id=state.new_id("LineItem"),
                title=entry["title"],
                quantity=entry["quantity"],
                unit_price=price,  # type: ignore[arg-type]
                sku=entry.get("sku"),
                variant_title=entry.get("variantTitle"),
                vendor=entry.get("vendor"),
                taxable=entry.get("taxable") is not False,
                requires_shipping=entry.get("requiresShipping") is not False,
            )
        if fulfilled:
            line.fulfilled_quantity = line.quantity
        lines.append(line)
    discount_input = order.get("discountCode")
    if discount_input and len([kind for kind in discount_input.values() if kind]) > 1:
        return fail(["order", "discountCode"], "Only one discount code can be applied", "INVALID")
    discount = _apply_discount(discount_input, lines, currency)
    applications = [discount] if discount else []
    shipping_inputs = order.get("shippingLines") or []
    shipping = [
        ShippingLine(
            id=state.new_id("ShippingLine"),
            title=entry["title"],
            price=_amount(entry["priceSet"]) or Decimal(0),
            code=entry.get("code"),
            source=entry.get("source"),
        )
        for entry in shipping_inputs
    ]
    applications += apply_checkout_discounts(
        checkout_discounts or [], lines, shipping, currency, first_index=len(applications)
    )
    for line, entry in zip(lines, line_inputs, strict=True):
        line.tax_lines = _tax_lines(
            entry.get("taxLines"), line.unit_price * line.quantity - line.discount, taxes_included, currency
        )
    for shipping_line, entry in zip(shipping, shipping_inputs, strict=True):
        shipping_line.tax_lines = _tax_lines(
            entry.get("taxLines"), shipping_line.discounted_price, taxes_included, currency
        )

    claims: list[tuple[LineItem, int]] = []
    if behaviour != "BYPASS":
        for index, line in enumerate(lines):
            if line.variant_id is None:
                continue
            variant = state.variants[line.variant_id]
            item = state.items[variant.inventory_item_id]
            if not item.tracked:
                continue
            location_id = (
                fulfillment_location or claim_location or routing_location(state, item.id, line.quantity)
            )
            if location_id is None:
                return fail(
                    ["order", "lineItems", str(index)],
                    "No location to claim inventory at",
                    "INVENTORY_CLAIM_FAILED",
                )
            level = state.level(item.id, location_id)
            on_hand = level.quantities["available"] if level else 0
            if (
                behaviour == "DECREMENT_OBEYING_POLICY"
                and variant.inventory_policy == "DENY"
                and on_hand < line.quantity
            ):
                return fail(
                    ["order", "lineItems", str(index)],
                    f"Unable to claim inventory for {line.title}: not enough available",
                    "INVENTORY_CLAIM_FAILED",
                )
            claims.append((line, location_id))

    number, name = state.next_order_name()
    created = Order(
        id=state.new_id("Order"),
        number=number,
        name=order.get("name") or name,
        created_at=now,
        updated_at=now,
        processed_at=processed_at,
        currency=currency,
        email=order.get("email"),
        note=order.get("note"),
        source_name=order.get("sourceName"),
        source_identifier=order.get("sourceIdentifier"),
        tags=normalise_tags(order.get("tags")),
        test=bool(order.get("test")),
        taxes_included=taxes_included,
        line_items=lines,
        shipping_lines=shipping,
        discount_applications=applications,
    )
    subtotal = sum((li.unit_price * li.quantity - li.discount for li in lines), Decimal(0))
    created.tax_lines = _tax_lines(
        order.get("taxLines"), subtotal, taxes_included, currency
    ) or merged_tax_lines(
        [t for li in lines for t in li.tax_lines] + [t for s in shipping for t in s.tax_lines]
    )
    for entry in order.get("transactions") or []:
        amount = _amount(entry["amountSet"]) or Decimal(0)
        tx = Transaction(
            id=state.new_id("OrderTransaction"),
            order_id=created.id,
            kind=entry.get("kind") or "SALE",
            status=entry.get("status") or "SUCCESS",
            amount=amount,
            created_at=now,
            processed_at=entry.get("processedAt") or processed_at,
            gateway=entry.get("gateway") or "manual",
            test=bool(entry.get("test")),
        )
        state.transactions[tx.id] = tx
        created.transaction_ids.append(tx.id)
    total = order_totals(created).total
    paid = received(state, created)
    created.financial_status = order.get("financialStatus") or ("PAID" if paid >= total else "PENDING")
    if (
        created.financial_status == "PAID"
        and not created.transaction_ids
        and choices.PAID_ORDER_WITHOUT_TRANSACTIONS_GETS_A_SALE
    ):
        tx = Transaction(
            state.new_id("OrderTransaction"), created.id, "SALE", "SUCCESS", total, now, processed_at
        )
        state.transactions[tx.id] = tx
        created.transaction_ids.append(tx.id)

    for line, location_id in claims:
        line.stock_location_id = location_id
        level = state.activate(state.variants[line.variant_id].inventory_item_id, location_id)  # type: ignore[index]
        state.change_quantity(action, level, "available", -line.quantity)
        if not fulfilled:
            state.change_quantity(action, level, "committed", line.quantity)
            line.committed_location_id = location_id
            line.committed_quantity = line.quantity
    state.orders[created.id] = created
    for line in lines:
        state.line_item_owner[line.id] = created.id
    claimed_at = {line.id: location_id for line, location_id in claims}
    default_location = (
        fulfillment_location
        or claim_location
        or next((loc.id for loc in state.locations.values() if loc.active), None)
    )
    assigned = {
        line.id: claimed_at.get(line.id, default_location)
        for line in lines
        if line.requires_shipping or line.id in claimed_at
    }
    open_fulfillment_orders(state, created, {k: v for k, v in assigned.items() if v is not None}, fulfilled)
    action.emit("orders/create", lambda: order_payload(state, created))
    return {"order": OrderView(state, created), "userErrors": []}


# ---------------------------------------------------------------------------------------------- orderCancel


def _release_committed(state: ShopState, action: Action, line: LineItem, quantity: int) -> int:
    """Move up to ``quantity`` committed units of a line back to available; return how many moved."""
    moved = min(quantity, line.committed_quantity)
    if moved and line.committed_location_id is not None and line.variant_id in state.variants:
        level = state.activate(state.variants[line.variant_id].inventory_item_id, line.committed_location_id)
        state.change_quantity(action, level, "committed", -moved)
        state.change_quantity(action, level, "available", moved)
        line.committed_quantity -= moved
    return moved


def _cancel_error(message: str, code: str) -> dict[str, Any]:
    error = user_error(["orderId"], message, code)
    return {"job": None, "jobResult": None, "orderCancelUserErrors": [error], "userErrors": [error]}


def order_cancel(
    state: ShopState,
    action: Action,
    orderId: str,
    reason: str,
    restock: bool,
    refund: bool | None = None,
    refundMethod: dict[str, Any] | None = None,
    notifyCustomer: bool = False,
    staffNote: str | None = None,
) -> dict[str, Any]:
    """``orderCancel``: 2024-04's ``refund:`` or the current ``refundMethod``. When it refunds or restocks it
    records one Refund of every unit still unrefunded (CANCEL for unfulfilled units and RETURN for fulfilled
    ones when restocking, else NO_RESTOCK), the unrefunded shipping and, when refunding, a REFUND of what is
    still paid; then the order is cancelled and closed."""
    number = parse_gid(orderId, "Order")
    found = state.orders.get(number) if number is not None else None
    if found is None:
        return _cancel_error("Order does not exist", "NOT_FOUND")
    if found.cancelled_at is not None:
        return _cancel_error("Cannot cancel an order that has already been cancelled", "INVALID")
    refunding = bool(refund) or bool((refundMethod or {}).get("originalPaymentMethodsRefund"))
    now = state.now()
    if refunding or restock:
        lines = _cancel_refund_lines(found, restock)
        shipping = _unrefunded_shipping(state, found)
        paid_back = received(state, found) - refunded(state, found) if refunding else Decimal(0)
        transactions = []
        if paid_back > 0:
            transactions.append((paid_back, _paid_transaction(state, found)))
        if lines or shipping or transactions:
            _record_refund(
                state, action, found, lines, shipping, transactions, note=choices.ORDER_CANCEL_REFUND_NOTE, at=now,
                money_given=refunding,
            )  # fmt: skip
    if not restock and choices.ORDER_CANCEL_DROPS_UNRESTOCKED_CLAIMS:
        for line in found.line_items:
            _drop_committed(state, action, line, line.committed_quantity)
    found.cancelled_at = found.closed_at = found.updated_at = now
    found.cancel_reason = reason
    if staffNote:
        found.note = staffNote
    if refunding:
        found.financial_status = "REFUNDED" if refunded(state, found) > 0 else found.financial_status
    elif found.financial_status in ("PENDING", "AUTHORIZED"):
        found.financial_status = "VOIDED"
    action.emit("orders/cancelled", lambda: order_payload(state, found))
    action.emit("orders/updated", lambda: order_payload(state, found))
    job_id = f"gid://shopify/Job/{uuid.uuid4()}"
    job = {"id": job_id, "done": choices.ORDER_CANCEL_JOB_DONE}
    result = {
        **job,
        "status": "SUCCEEDED" if choices.ORDER_CANCEL_JOB_DONE else "STARTED",
        "errors": [],
        "order": OrderView(state, found),
    }
    return {"job": job, "jobResult": result, "orderCancelUserErrors": [], "userErrors": []}


def _cancel_refund_lines(order: Order, restock: bool) -> list[tuple[LineItem, int, str, int | None]]:
    """(line, quantity, restock type, location) for every unit still unrefunded, unfulfilled units first."""
    planned: list[tuple[LineItem, int, str, int | None]] = []
    for line in order.line_items:
        left = line.quantity - line.refunded_quantity
        if left <= 0:
            continue
        unfulfilled = min(left, max(0, line.quantity - line.refunded_quantity - line.fulfilled_quantity))
        location = line.committed_location_id or line.stock_location_id
        for quantity, kind in ((unfulfilled, "CANCEL"), (left - unfulfilled, "RETURN")):
            if quantity <= 0:
                continue
            restocking = restock and line.variant_id is not None and location is not None
            planned.append(
                (line, quantity, kind if restocking else "NO_RESTOCK", location if restocking else None)
            )
    return planned


def _drop_committed(state: ShopState, action: Action, line: LineItem, quantity: int) -> None:
    """Units no longer owed to an order and not restocked: the claim is dropped."""
    moved = min(quantity, line.committed_quantity)
    if moved and line.committed_location_id is not None and line.variant_id in state.variants:
        level = state.activate(state.variants[line.variant_id].inventory_item_id, line.committed_location_id)
        state.change_quantity(action, level, "committed", -moved)
        line.committed_quantity -= moved


def _unrefunded_shipping(state: ShopState, order: Order) -> list[tuple[ShippingLine, Decimal]]:
    """Each shipping line with what is left of it after earlier refunds."""
    given: dict[int, Decimal] = {}
    for refund_id in order.refund_ids:
        for part in state.refunds[refund_id].shipping:
            given[part.shipping_line_id] = given.get(part.shipping_line_id, Decimal(0)) + part.amount
    return [
        (line, line.price - given.get(line.id, Decimal(0)))
        for line in order.shipping_lines
        if line.price - given.get(line.id, Decimal(0)) > 0
    ]


def _shipping_to_refund(
    state: ShopState, order: Order, entry: dict[str, Any] | None
) -> list[tuple[ShippingLine, Decimal]] | str:
    """``ShippingRefundInput``: ``fullRefund`` refunds what is left of every shipping line, ``amount`` that
    much spread over them in order; an error message when it asks for more than is left."""
    if not entry:
        return []
    left = _unrefunded_shipping(state, order)
    if entry.get("fullRefund"):
        return left
    wanted = to_decimal(entry.get("amount")) or Decimal(0)
    if wanted > sum((amount for _, amount in left), Decimal(0)):
        return "Shipping refund amount exceeds the shipping that can be refunded"
    parts = []
    for line, amount in left:
        take = min(amount, wanted)
        if take > 0:
            parts.append((line, take))
            wanted -= take
    return parts


def _paid_transaction(state: ShopState, order: Order) -> dict[str, Any]:
    sale = next(
        (
            state.transactions[t]
            for t in order.transaction_ids
            if state.transactions[t].kind in ("SALE", "CAPTURE") and state.transactions[t].status == "SUCCESS"
        ),
        None,
    )
    if sale is None:
        return {"gateway": "manual"}
    return {"gateway": sale.gateway or "manual", "parentId": gid("OrderTransaction", sale.id)}


# ---------------------------------------------------------------------------------------------- refundCreate


def refund_create(state: ShopState, action: Action, input: dict[str, Any]) -> dict[str, Any]:
    def fail(field_path: list[str], message: str) -> dict[str, Any]:
        return {"order": None, "refund": None, "userErrors": [user_error(field_path, message)]}

    number = parse_gid(input["orderId"], "Order")
    found = state.orders.get(number) if number is not None else None
    if found is None:
        return fail(["orderId"], "Order does not exist")
    lines_by_id = {li.id: li for li in found.line_items}
    planned: list[tuple[LineItem, int, str, int | None]] = []
    asked: dict[int, int] = {}
    for index, entry in enumerate(input.get("refundLineItems") or []):
        path = ["refundLineItems", str(index)]
        line_id = parse_gid(entry["lineItemId"], "LineItem")
        line = lines_by_id.get(line_id) if line_id is not None else None
        if line is None:
            return fail([*path, "lineItemId"], "Line item does not belong to this order")
        quantity = entry["quantity"]
        if quantity < 1:
            return fail([*path, "quantity"], "Quantity must be greater than 0")
        asked[line.id] = asked.get(line.id, 0) + quantity
        if asked[line.id] > line.quantity - line.refunded_quantity:
            return fail([*path, "quantity"], "Quantity cannot refund more items than were purchased")
        restock_type = entry.get("restockType") or "NO_RESTOCK"
        if restock_type == "LEGACY_RESTOCK":
            return fail([*path, "restockType"], "Legacy restock is no longer supported for new refunds")
        location_id: int | None = None
        if restock_type != "NO_RESTOCK":
            if entry.get("locationId"):
                location_id = parse_gid(entry["locationId"], "Location")
                if location_id not in state.locations:
                    return fail([*path, "locationId"], "Location does not exist")
            else:
                location_id = line.committed_location_id or next(iter(state.locations), None)
        planned.append((line, quantity, restock_type, location_id))
    shipping = _shipping_to_refund(state, found, input.get("shipping"))
    if isinstance(shipping, str):
        return fail(["shipping"], shipping)

    transactions = []
    for index, entry in enumerate(input.get("transactions") or []):
        amount = to_decimal(entry["amount"]) or Decimal(0)
        if entry["kind"] != "REFUND":
            return fail(["transactions", str(index), "kind"], "Refund transactions must be of kind REFUND")
        transactions.append((amount, entry))
    refunding = sum((amount for amount, _ in transactions), Decimal(0))
    paid = received(state, found)
    if refunding > paid - refunded(state, found) and not input.get("allowOverRefunding"):
        return fail(["transactions"], "Refund amount exceeds the amount that can be refunded")
    created = _record_refund(
        state, action, found, planned, shipping, transactions, note=input.get("note"),
        at=input.get("processedAt") or state.now(), money_given=bool(transactions),
    )  # fmt: skip
    return {"order": OrderView(state, found), "refund": RefundView(state, created), "userErrors": []}


def _record_refund(
    state: ShopState,
    action: Action,
    order: Order,
    planned: list[tuple[LineItem, int, str, int | None]],
    shipping: list[tuple[ShippingLine, Decimal]],
    transactions: list[tuple[Decimal, dict[str, Any]]],
    *,
    note: str | None,
    at: datetime,
    money_given: bool,
) -> Refund:
    """Restock, record and announce one refund (refundCreate's and orderCancel's)."""
    now = state.now()
    created = Refund(state.new_id("Refund"), order.id, at, now, note)
    for line, quantity, restock_type, location_id in planned:
        restocked = False
        variant = state.variants.get(line.variant_id) if line.variant_id else None
        tracked = variant is not None and state.items[variant.inventory_item_id].tracked
        if restock_type == "CANCEL" and tracked:
            moved = _release_committed(state, action, line, quantity)
            rest = quantity - moved
            if rest and location_id is not None:
                level = state.activate(variant.inventory_item_id, location_id)  # type: ignore[union-attr]
                state.change_quantity(action, level, "available", rest)
            restocked = True
        elif restock_type == "RETURN" and tracked and location_id is not None:
            level = state.activate(variant.inventory_item_id, location_id)  # type: ignore[union-attr]
            state.change_quantity(action, level, "available", quantity)
            restocked = True
        elif restock_type == "NO_RESTOCK" and line.committed_quantity:
            # Units refunded without restock are no longer owed to the order: the claim is dropped.
            _drop_committed(state, action, line, quantity)
        line.refunded_quantity += quantity
        tax = sum((t.amount for t in line.tax_lines), Decimal(0))
        created.lines.append(
            RefundLine(
                id=state.new_id("RefundLineItem"),
                line_item_id=line.id,
                quantity=quantity,
                restock_type=restock_type,
                location_id=location_id,
                restocked=restocked,
                subtotal=round_money(
                    (line.unit_price * line.quantity - line.discount) * quantity / line.quantity,
                    order.currency,
                ),
                total_tax=round_money(tax * quantity / line.quantity, order.currency),
            )
        )
    for shipping_line, amount in shipping:
        tax = sum((t.amount for t in shipping_line.tax_lines), Decimal(0))
        share = round_money(tax * amount / shipping_line.price, order.currency) if shipping_line.price else 0
        created.shipping.append(
            RefundShipping(state.new_id("RefundShippingLine"), shipping_line.id, amount, Decimal(share))
        )
    for amount, entry in transactions:
        parent = parse_gid(entry["parentId"], "OrderTransaction") if entry.get("parentId") else None
        tx = Transaction(
            state.new_id("OrderTransaction"),
            order.id,
            "REFUND",
            "SUCCESS",
            amount,
            now,
            now,
            gateway=entry["gateway"],
            parent_id=parent,
        )
        state.transactions[tx.id] = tx
        order.transaction_ids.append(tx.id)
        created.transaction_ids.append(tx.id)
    refunding = sum((amount for amount, _ in transactions), Decimal(0))
    calculated = sum((line.subtotal for line in created.lines), Decimal(0)) + sum(
        (part.amount for part in created.shipping), Decimal(0)
    )
    if not order.taxes_included:
        calculated += sum((line.total_tax for line in created.lines), Decimal(0))
    if money_given and refunding != calculated and choices.REFUND_DISCREPANCY_RECORDED:
        created.adjustments.append(
            OrderAdjustment(
                state.new_id("OrderAdjustment"), calculated - refunding, Decimal(0), "REFUND_DISCREPANCY"
            )
        )
    created.total = refunding
    state.refunds[created.id] = created
    order.refund_ids.append(created.id)
    order.updated_at = now
    if refunding > 0:
        paid = received(state, order)
        order.financial_status = "REFUNDED" if refunded(state, order) >= paid else "PARTIALLY_REFUNDED"
    action.emit("refunds/create", lambda: refund_payload(state, created))
    action.emit("orders/updated", lambda: order_payload(state, order))
    return created
