"""The backend of inventory: ``inventoryActivate`` and the 2026-10 quantity mutations.

``inventorySetQuantities`` and ``inventoryAdjustQuantities`` follow the 2026-04+ rules: every quantity
carries ``changeFromQuantity`` (a number to compare, or an explicit ``null`` to skip the check), a stale one
fails the whole call with ``CHANGE_FROM_QUANTITY_STALE`` and nothing is applied. Their ``@idempotent`` key is
handled for all keyed mutations in :mod:`.idempotency`. Since 2026-10 an item can be adjusted at any location
(``ITEM_NOT_STOCKED_AT_LOCATION`` is gone): an unstocked item is stocked there on the fly.
"""

from __future__ import annotations

from typing import Any

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.common import user_error
from smapify_pipeline.sandbox.shopify.state import (
    Action,
    AdjustmentGroup,
    InventoryChange,
    InventoryLevel,
    ShopState,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.views_catalogue import (
    AdjustmentGroupView,
    LevelView,
)

REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_created",
        "movement_updated",
        "movement_received",
        "movement_canceled",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)
SET_NAMES = ("available", "on_hand")
ADJUST_NAMES = ("available", "damaged", "incoming", "quality_control", "reserved", "safety_stock")
SET_LIMIT = 1_000_000_000
ADJUST_LIMIT = 2_000_000_000


# ---------------------------------------------------------------------------------------------- mutations


def inventory_activate(
    state: ShopState,
    action: Action,
    inventoryItemId: str,
    locationId: str,
    available: int | None = None,
    onHand: int | None = None,
) -> dict[str, Any]:
    item_id = parse_gid(inventoryItemId, "InventoryItem")
    location_id = parse_gid(locationId, "Location")
    if item_id not in state.items:
        return {
            "inventoryLevel": None,
            "userErrors": [user_error(["inventoryItemId"], "Inventory item does not exist")],
        }
    if location_id not in state.locations:
        return {"inventoryLevel": None, "userErrors": [user_error(["locationId"], "Location does not exist")]}
    assert item_id is not None and location_id is not None
    newly = state.level(item_id, location_id) is None
    level = state.activate(item_id, location_id)
    if newly and available is not None:
        state.change_quantity(action, level, "available", available)
    elif newly and onHand is not None:
        state.change_quantity(action, level, "on_hand", onHand)
    return {"inventoryLevel": LevelView(state, level), "userErrors": []}


def _item_and_location(
    state: ShopState, entry: dict[str, Any], path: list[str]
) -> tuple[int, int] | dict[str, Any]:
    """(inventory item id, location id) an input entry names, or the userError saying which does not exist."""
    item_id = parse_gid(entry["inventoryItemId"], "InventoryItem")
    location_id = parse_gid(entry["locationId"], "Location")
    if item_id is None or item_id not in state.items:
        return user_error(
            [*path, "inventoryItemId"],
            "The specified inventory item could not be found.",
            "INVALID_INVENTORY_ITEM",
        )
    if location_id is None or location_id not in state.locations:
        return user_error(
            [*path, "locationId"], "The specified location could not be found.", "INVALID_LOCATION"
        )
    return item_id, location_id


def _out_of_bounds(value: int, limit: int, path: list[str]) -> dict[str, Any] | None:
    """The userError for a quantity or delta beyond ±``limit``, or None."""
    if value > limit:
        return user_error(path, f"The quantity can't be higher than {limit:,}.", "INVALID_QUANTITY_TOO_HIGH")
    if value < -limit:
        return user_error(path, f"The quantity can't be lower than {-limit:,}.", "INVALID_QUANTITY_TOO_LOW")
    return None


def _reason_error(input: dict[str, Any]) -> dict[str, Any] | None:
    """The userError for an unknown ``reason`` or a malformed ``referenceDocumentUri``, or None."""
    if input["reason"] not in REASONS:
        return user_error(["input", "reason"], "The specified reason is invalid.", "INVALID_REASON")
    uri = input.get("referenceDocumentUri")
    if uri is not None and ":" not in uri:
        return user_error(
            ["input", "referenceDocumentUri"],
            "The specified reference document is invalid.",
            "INVALID_REFERENCE_DOCUMENT",
        )
    return None


def _refused(error: dict[str, Any]) -> dict[str, Any]:
    """The answer of a quantity mutation that applies nothing."""
    return {"inventoryAdjustmentGroup": None, "userErrors": [error]}


def _fail(field_path: list[str], message: str, code: str | None) -> dict[str, Any]:
    return _refused(user_error(field_path, message, code))


def inventory_set_quantities(state: ShopState, action: Action, input: dict[str, Any]) -> dict[str, Any]:
    name = input["name"]
    if name not in SET_NAMES:
        return _fail(
            ["input", "name"], "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME"
        )
    reason_error = _reason_error(input)
    if reason_error:
        return _refused(reason_error)
    planned: list[tuple[InventoryLevel | None, int, int, int]] = []
    seen: set[tuple[int, int]] = set()
    for index, entry in enumerate(input["quantities"]):
        path = ["input", "quantities", str(index)]
        found = _item_and_location(state, entry, path)
        if isinstance(found, dict):
            return _refused(found)
        item_id, location_id = found
        if (item_id, location_id) in seen:
            return _fail(
                path,
                "The combination of inventoryItemId and locationId must be unique.",
                "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
            )
        seen.add((item_id, location_id))
        quantity = entry["quantity"]
        bound_error = _out_of_bounds(quantity, SET_LIMIT, [*path, "quantity"])
        if bound_error:
            return _refused(bound_error)
        level = state.level(item_id, location_id)
        current = level.quantity(name) if level else 0
        if "changeFromQuantity" not in entry:
            return _fail(
                [*path, "changeFromQuantity"],
                choices.CHANGE_FROM_QUANTITY_MISSING_MESSAGE,
                "COMPARE_QUANTITY_REQUIRED",
            )
        expected = entry["changeFromQuantity"]
        if expected is not None and expected != current:
            return _fail(
                [*path, "changeFromQuantity"],
                "The changeFromQuantity value does not match persisted value.",
                "CHANGE_FROM_QUANTITY_STALE",
            )
        planned.append((level, item_id, location_id, quantity))

    group = AdjustmentGroup(
        state.new_id("InventoryAdjustmentGroup"),
        state.now(),
        input["reason"],
        input.get("referenceDocumentUri"),
    )
    for _, item_id, location_id, quantity in planned:
        level = state.activate(item_id, location_id)
        delta = quantity - level.quantity(name)
        after = state.change_quantity(action, level, name, delta)
        if delta:
            other = "on_hand" if name == "available" else "available"
            group.changes.append(InventoryChange(name, delta, item_id, location_id, after))
            group.changes.append(InventoryChange(other, delta, item_id, location_id, level.quantity(other)))
    state.adjustment_groups[group.id] = group
    return {"inventoryAdjustmentGroup": AdjustmentGroupView(state, group), "userErrors": []}


def inventory_adjust_quantities(state: ShopState, action: Action, input: dict[str, Any]) -> dict[str, Any]:
    name = input["name"]
    if name not in ADJUST_NAMES:
        return _fail(["input", "name"], "The specified quantity name is invalid.", "INVALID_QUANTITY_NAME")
    reason_error = _reason_error(input)
    if reason_error:
        return _refused(reason_error)
    ledgers = {c.get("ledgerDocumentUri") for c in input["changes"] if c.get("ledgerDocumentUri")}
    if len(ledgers) > 1:
        return _fail(
            ["input", "changes"],
            "All changes must have the same ledger document URI.",
            "MAX_ONE_LEDGER_DOCUMENT",
        )
    planned: list[tuple[int, int, int]] = []
    expected_now: dict[tuple[int, int], int] = {}
    for index, change in enumerate(input["changes"]):
        path = ["input", "changes", str(index)]
        ledger = change.get("ledgerDocumentUri")
        if name == "available" and ledger:
            return _fail(
                [*path, "ledgerDocumentUri"],
                "A ledger document URI is not allowed when adjusting available.",
                "INVALID_AVAILABLE_DOCUMENT",
            )
        if name != "available" and not ledger:
            return _fail(
                [*path, "ledgerDocumentUri"],
                "A ledger document URI is required except when adjusting available.",
                "INVALID_QUANTITY_DOCUMENT",
            )
        if ledger and ledger.startswith("gid://shopify/"):
            return _fail(
                [*path, "ledgerDocumentUri"],
                "Internal (gid://shopify/) ledger documents are not allowed to be adjusted via API.",
                "INTERNAL_LEDGER_DOCUMENT",
            )
        if ledger and ":" not in ledger:
            return _fail(
                [*path, "ledgerDocumentUri"],
                "The specified ledger document is invalid.",
                "INVALID_LEDGER_DOCUMENT",
            )
        found = _item_and_location(state, change, path)
        if isinstance(found, dict):
            return _refused(found)
        item_id, location_id = found
        delta = change["delta"]
        bound_error = _out_of_bounds(delta, ADJUST_LIMIT, [*path, "delta"])
        if bound_error:
            return _refused(bound_error)
        if "changeFromQuantity" not in change:
            return _fail([*path, "changeFromQuantity"], choices.CHANGE_FROM_QUANTITY_MISSING_MESSAGE, None)
        level = state.level(item_id, location_id)
        current = expected_now.get((item_id, location_id), level.quantity(name) if level else 0)
        expected = change["changeFromQuantity"]
        if expected is not None and expected != current:
            return _fail(
                [*path, "changeFromQuantity"],
                "The changeFromQuantity argument no longer matches the persisted quantity.",
                "CHANGE_FROM_QUANTITY_STALE",
            )
        expected_now[(item_id, location_id)] = current + delta
        planned.append((item_id, location_id, delta))

    group = AdjustmentGroup(
        state.new_id("InventoryAdjustmentGroup"),
        state.now(),
        input["reason"],
        input.get("referenceDocumentUri"),
    )
    ledger = next(iter(ledgers), None)
    for item_id, location_id, delta in planned:
        level = state.activate(item_id, location_id)
        after = state.change_quantity(action, level, name, delta)
        group.changes.append(InventoryChange(name, delta, item_id, location_id, after, ledger))
        if name != "incoming":
            group.changes.append(
                InventoryChange("on_hand", delta, item_id, location_id, level.quantity("on_hand"), ledger)
            )
    state.adjustment_groups[group.id] = group
    return {"inventoryAdjustmentGroup": AdjustmentGroupView(state, group), "userErrors": []}
