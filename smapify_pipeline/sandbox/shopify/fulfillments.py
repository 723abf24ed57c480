"""Fulfilment orders and fulfilments: where an order's units are to leave from, and where they left from.

Every order gets one fulfilment order per location its lines are assigned to (the location that claimed the
line's stock, else ``fulfillment.locationId``, else the first active location); an order created fulfilled
closes them at once and records one fulfilment per location. The merchant then works on them with the real
mutations:

* ``fulfillmentOrderMove(id, newLocationId, fulfillmentOrderLineItems)`` — the open units move to another
  location, and so does the order's stock claim (``committed``) on them: ``available`` goes back up at the old
  location and down at the new one. A fulfilment order with nothing fulfilled that moves whole is itself
  reassigned; otherwise the moved units make a new fulfilment order and the original keeps the rest (closed
  when nothing remains);
* ``fulfillmentCreate(fulfillment: {lineItemsByFulfillmentOrder})`` (and the older ``fulfillmentCreateV2``) —
  the units leave their fulfilment order's location: ``committed`` goes down there.

Both touch the order's ``updatedAt`` and fire ``orders/updated`` (see ``choices.FULFILMENT_TOUCHES_ORDER``).
The sandbox moves whole fulfilment order lines only (``choices.FULFILMENT_MOVES_WHOLE_LINES``).
"""

from __future__ import annotations

from typing import Any

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.common import user_error
from smapify_pipeline.sandbox.shopify.payloads import order_payload
from smapify_pipeline.sandbox.shopify.state import (
    Action,
    Fulfillment,
    FulfillmentLine,
    FulfillmentOrder,
    FulfillmentOrderLine,
    LineItem,
    Order,
    ShopState,
    parse_gid,
)


def _new_fulfillment_order(state: ShopState, order: Order, location_id: int) -> FulfillmentOrder:
    now = state.now()
    created = FulfillmentOrder(state.new_id("FulfillmentOrder"), order.id, location_id, now, now)
    state.fulfillment_orders[created.id] = created
    order.fulfillment_order_ids.append(created.id)
    return created


def open_fulfillment_orders(
    state: ShopState, order: Order, assigned: dict[int, int], fulfilled: bool
) -> None:
    """One fulfilment order per location of ``assigned`` (line item id → location id); closed, with a
    fulfilment per location, when the order was created fulfilled."""
    by_location: dict[int, list[LineItem]] = {}
    for line in order.line_items:
        if line.id in assigned:
            by_location.setdefault(assigned[line.id], []).append(line)
    for location_id, lines in by_location.items():
        fulfillment_order = _new_fulfillment_order(state, order, location_id)
        for line in lines:
            remaining = 0 if fulfilled else line.quantity
            fulfillment_order.lines.append(
                FulfillmentOrderLine(
                    state.new_id("FulfillmentOrderLineItem"), line.id, line.quantity, remaining
                )
            )
        if fulfilled:
            fulfillment_order.status = "CLOSED"
            _record_fulfillment(
                state,
                order,
                location_id,
                [(fo_line, fo_line.total_quantity) for fo_line in fulfillment_order.lines],
            )


def _record_fulfillment(
    state: ShopState, order: Order, location_id: int, units: list[tuple[FulfillmentOrderLine, int]]
) -> Fulfillment:
    now = state.now()
    made = Fulfillment(state.new_id("Fulfillment"), order.id, location_id, now, now)
    for fo_line, quantity in units:
        made.lines.append(
            FulfillmentLine(state.new_id("FulfillmentLineItem"), fo_line.line_item_id, fo_line.id, quantity)
        )
    state.fulfillments[made.id] = made
    order.fulfillment_ids.append(made.id)
    return made


def _touch(state: ShopState, action: Action, order: Order) -> None:
    if choices.FULFILMENT_TOUCHES_ORDER:
        order.updated_at = state.now()
        action.emit("orders/updated", lambda: order_payload(state, order))


def _find(state: ShopState, fulfillment_order_id: str) -> FulfillmentOrder | None:
    number = parse_gid(fulfillment_order_id, "FulfillmentOrder")
    return state.fulfillment_orders.get(number) if number is not None else None


def _requested(
    fulfillment_order: FulfillmentOrder, items: list[dict[str, Any]] | None, path: list[str]
) -> tuple[list[tuple[FulfillmentOrderLine, int]], dict[str, Any] | None]:
    """(line, quantity) pairs asked for (every open unit when ``items`` is None), or a user error."""
    by_id = {line.id: line for line in fulfillment_order.lines}
    if items is None:
        return [(line, line.remaining_quantity) for line in by_id.values() if line.remaining_quantity], None
    wanted = []
    for index, item in enumerate(items):
        line = by_id.get(parse_gid(item["id"], "FulfillmentOrderLineItem") or -1)
        if line is None:
            return [], user_error([*path, str(index), "id"], "Fulfillment order line item does not exist")
        if not 0 < item["quantity"] <= line.remaining_quantity:
            return [], user_error(
                [*path, str(index), "quantity"], "Invalid fulfillment order line item quantity requested."
            )
        wanted.append((line, item["quantity"]))
    return wanted, None


def _move_claim(state: ShopState, action: Action, line: LineItem, quantity: int, to_location: int) -> None:
    """The order's ``committed`` units of ``line`` follow it to ``to_location``."""
    if not line.committed_quantity or line.variant_id not in state.variants:
        return
    item_id = state.variants[line.variant_id].inventory_item_id  # type: ignore[index]
    moved = min(quantity, line.committed_quantity)
    if line.committed_location_id is not None and line.committed_location_id != to_location:
        old = state.activate(item_id, line.committed_location_id)
        state.change_quantity(action, old, "committed", -moved)
        state.change_quantity(action, old, "available", moved)
        new = state.activate(item_id, to_location)
        state.change_quantity(action, new, "available", -moved)
        state.change_quantity(action, new, "committed", moved)
    line.committed_location_id = to_location


def fulfillment_order_move(
    state: ShopState,
    action: Action,
    id: str,
    newLocationId: str,
    fulfillmentOrderLineItems: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``fulfillmentOrderMove``: the requested open units (all by default) go to ``newLocationId``."""

    def fail(error: dict[str, Any]) -> dict[str, Any]:
        return {
            "movedFulfillmentOrder": None,
            "originalFulfillmentOrder": None,
            "remainingFulfillmentOrder": None,
            "userErrors": [error],
        }

    from smapify_pipeline.sandbox.shopify.views_fulfillments import FulfillmentOrderView

    found = _find(state, id)
    if found is None:
        return fail(user_error(["id"], "Fulfillment order does not exist."))
    location_id = parse_gid(newLocationId, "Location")
    location = state.locations.get(location_id) if location_id is not None else None
    if location is None or not location.active:
        return fail(user_error(["newLocationId"], "Location does not exist or is not active."))
    if found.status not in ("OPEN", "IN_PROGRESS") or location.id == found.location_id:
        return fail(user_error(["id"], "Cannot move fulfillment order to the requested location."))
    wanted, error = _requested(found, fulfillmentOrderLineItems, ["fulfillmentOrderLineItems"])
    if error is not None:
        return fail(error)
    if not wanted:
        return fail(user_error(["id"], "Fulfillment order has no open line items to move."))
    if choices.FULFILMENT_MOVES_WHOLE_LINES and any(q != line.remaining_quantity for line, q in wanted):
        return fail(
            user_error(["fulfillmentOrderLineItems"], "The sandbox moves whole fulfillment order lines only.")
        )
    order = state.orders[found.order_id]
    lines = {line.id: line for line in order.line_items}
    for fo_line, quantity in wanted:
        _move_claim(state, action, lines[fo_line.line_item_id], quantity, location.id)
    untouched = all(line.remaining_quantity == line.total_quantity for line in found.lines)
    whole = untouched and sum(q for _, q in wanted) == sum(line.remaining_quantity for line in found.lines)
    now = state.now()
    if whole:
        found.location_id = location.id
        found.updated_at = now
        moved, remaining = found, None
    else:
        moved = _new_fulfillment_order(state, order, location.id)
        for fo_line, quantity in wanted:
            fo_line.remaining_quantity -= quantity
            fo_line.total_quantity -= quantity
            moved.lines.append(
                FulfillmentOrderLine(
                    state.new_id("FulfillmentOrderLineItem"), fo_line.line_item_id, quantity, quantity
                )
            )
        found.updated_at = now
        if not any(line.remaining_quantity for line in found.lines):
            found.status = "CLOSED"
        remaining = found if found.status != "CLOSED" else None
    _touch(state, action, order)
    return {
        "movedFulfillmentOrder": FulfillmentOrderView(state, moved),
        "originalFulfillmentOrder": FulfillmentOrderView(state, found),
        "remainingFulfillmentOrder": FulfillmentOrderView(state, remaining) if remaining else None,
        "userErrors": [],
    }


def fulfillment_create(
    state: ShopState, action: Action, fulfillment: dict[str, Any], message: str | None = None
) -> dict[str, Any]:
    """``fulfillmentCreate`` / ``fulfillmentCreateV2``: the requested units (all open units of each named
    fulfilment order by default) leave their fulfilment orders' one location."""
    from smapify_pipeline.sandbox.shopify.views_fulfillments import FulfillmentView

    def fail(error: dict[str, Any]) -> dict[str, Any]:
        return {"fulfillment": None, "userErrors": [error]}

    groups = fulfillment.get("lineItemsByFulfillmentOrder") or []
    if not groups:
        return fail(user_error(["fulfillment"], "Line items by fulfillment order must not be empty."))
    units: list[tuple[FulfillmentOrder, FulfillmentOrderLine, int]] = []
    for index, group in enumerate(groups):
        path = ["fulfillment", "lineItemsByFulfillmentOrder", str(index)]
        found = _find(state, group["fulfillmentOrderId"])
        if found is None or found.status not in ("OPEN", "IN_PROGRESS"):
            return fail(user_error([*path, "fulfillmentOrderId"], "Fulfillment order is not open."))
        wanted, error = _requested(
            found, group.get("fulfillmentOrderLineItems"), [*path, "fulfillmentOrderLineItems"]
        )
        if error is not None:
            return fail(error)
        units.extend((found, line, quantity) for line, quantity in wanted)
    fulfillment_orders = {fo.id: fo for fo, _, _ in units}
    if (
        len({fo.location_id for fo in fulfillment_orders.values()}) > 1
        or len({fo.order_id for fo in fulfillment_orders.values()}) > 1
    ):
        return fail(
            user_error(["fulfillment"], "All fulfillment orders must belong to one order and one location.")
        )
    if not units:
        return fail(user_error(["fulfillment"], "Nothing to fulfill."))
    first = next(iter(fulfillment_orders.values()))
    order = state.orders[first.order_id]
    lines = {line.id: line for line in order.line_items}
    for fo, fo_line, quantity in units:
        fo_line.remaining_quantity -= quantity
        line = lines[fo_line.line_item_id]
        line.fulfilled_quantity += quantity
        if line.committed_quantity and line.variant_id in state.variants:
            taken = min(quantity, line.committed_quantity)
            level = state.activate(state.variants[line.variant_id].inventory_item_id, fo.location_id)  # type: ignore[index]
            state.change_quantity(action, level, "committed", -taken)
            line.committed_quantity -= taken
    for fo in fulfillment_orders.values():
        fo.updated_at = state.now()
        fo.status = "CLOSED" if not any(line.remaining_quantity for line in fo.lines) else "IN_PROGRESS"
    made = _record_fulfillment(state, order, first.location_id, [(line, q) for _, line, q in units])
    _touch(state, action, order)
    return {"fulfillment": FulfillmentView(state, made), "userErrors": []}
