"""2026-10 inventory writes: compare-and-set with changeFromQuantity, and @idempotent keys."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from smapify_pipeline.sandbox.faults import FaultKind

from .conftest import Shopify

SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""
ADJUST = """
mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""


def _level(shopify: Shopify) -> tuple[str, str, int, Any]:
    state = shopify.sandbox.state
    item_id, by_location = next(iter(state.levels.items()))
    location_id, level = next(iter(by_location.items()))
    return (
        f"gid://shopify/InventoryItem/{item_id}",
        f"gid://shopify/Location/{location_id}",
        level.quantities["available"],
        level,
    )


def _set_input(item: str, location: str, quantity: int, change_from: Any = "omit") -> dict[str, Any]:
    entry: dict[str, Any] = {"inventoryItemId": item, "locationId": location, "quantity": quantity}
    if change_from != "omit":
        entry["changeFromQuantity"] = change_from
    return {
        "name": "available",
        "reason": "correction",
        "referenceDocumentUri": "smapify://push/1",
        "quantities": [entry],
    }


def test_a_set_with_the_right_change_from_quantity_applies(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    result = shopify.data(SET, {"input": _set_input(item, location, current + 5, current), "key": "k1"})
    payload = result["inventorySetQuantities"]
    assert payload["userErrors"] == []
    assert {"name": "available", "delta": 5, "quantityAfterChange": current + 5} in payload[
        "inventoryAdjustmentGroup"
    ]["changes"]
    assert level.quantities["available"] == current + 5


def test_a_stale_change_from_quantity_is_refused_and_changes_nothing(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    payload = shopify.data(SET, {"input": _set_input(item, location, 99, current - 1), "key": "k2"})[
        "inventorySetQuantities"
    ]
    assert payload["inventoryAdjustmentGroup"] is None
    assert payload["userErrors"] == [
        {
            "field": ["input", "quantities", "0", "changeFromQuantity"],
            "message": "The changeFromQuantity value does not match persisted value.",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        }
    ]
    assert level.quantities["available"] == current


def test_change_from_quantity_is_mandatory_but_null_skips_the_check(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    missing = shopify.data(SET, {"input": _set_input(item, location, 7), "key": "k3"})[
        "inventorySetQuantities"
    ]
    assert missing["userErrors"][0]["code"] == "COMPARE_QUANTITY_REQUIRED"
    assert level.quantities["available"] == current
    skipped = shopify.data(SET, {"input": _set_input(item, location, 7, None), "key": "k4"})[
        "inventorySetQuantities"
    ]
    assert skipped["userErrors"] == []
    assert level.quantities["available"] == 7


def test_inventory_mutations_require_an_idempotency_key(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    document = SET.replace(" @idempotent(key: $key)", "").replace(", $key: String!", "")
    answer = shopify.gql(document, {"input": _set_input(item, location, 1, current)})
    assert answer["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert level.quantities["available"] == current


def test_a_replayed_key_applies_once_and_returns_the_first_result(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "changes": [
                {"delta": -2, "inventoryItemId": item, "locationId": location, "changeFromQuantity": current}
            ],
        },
        "key": "sale-42-attempt-1",
    }
    first = shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]
    second = shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]
    assert first["userErrors"] == [] and second["userErrors"] == []
    assert second["inventoryAdjustmentGroup"]["id"] == first["inventoryAdjustmentGroup"]["id"]
    assert level.quantities["available"] == current - 2


def test_a_replayed_key_with_other_variables_is_a_mismatch(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    change = {"delta": -1, "inventoryItemId": item, "locationId": location, "changeFromQuantity": current}
    variables = {"input": {"name": "available", "reason": "correction", "changes": [change]}, "key": "same"}
    shopify.data(ADJUST, variables)
    variables["input"]["changes"][0] = {**change, "delta": -3}
    payload = shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]
    assert payload["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"
    assert level.quantities["available"] == current - 1


def test_a_replay_of_a_stale_answer_stays_an_error(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    variables = {"input": _set_input(item, location, 50, current + 100), "key": "stale-once"}
    assert (
        shopify.data(SET, variables)["inventorySetQuantities"]["userErrors"][0]["code"]
        == "CHANGE_FROM_QUANTITY_STALE"
    )
    level.quantities["available"] = current + 100
    replay = shopify.data(SET, variables)["inventorySetQuantities"]
    assert replay["userErrors"][0]["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert level.quantities["available"] == current + 100


def test_an_adjustment_whose_answer_was_lost_is_applied_once_on_retry(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    shopify.sandbox.faults.script("inventoryAdjustQuantities", FaultKind.ANSWER_LOST)
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "changes": [
                {"delta": -2, "inventoryItemId": item, "locationId": location, "changeFromQuantity": current}
            ],
        },
        "key": "lost-answer",
    }
    with pytest.raises(httpx.RemoteProtocolError):
        shopify.post(ADJUST, variables)
    assert level.quantities["available"] == current - 2
    retry = shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]
    assert retry["userErrors"] == []
    assert level.quantities["available"] == current - 2


def test_adjusting_other_states_needs_a_ledger_document(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    change = {"delta": 1, "inventoryItemId": item, "locationId": location, "changeFromQuantity": 0}
    variables = {"input": {"name": "damaged", "reason": "damaged", "changes": [change]}, "key": "ledger"}
    assert (
        shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]["userErrors"][0]["code"]
        == "INVALID_QUANTITY_DOCUMENT"
    )
    change["ledgerDocumentUri"] = "smapify://damage/1"
    variables["key"] = "ledger-2"
    assert shopify.data(ADJUST, variables)["inventoryAdjustQuantities"]["userErrors"] == []
    assert level.quantities["damaged"] == 1
    assert level.quantity("on_hand") == current + 1


def test_quantities_by_name_on_a_level(shopify: Shopify) -> None:
    item, location, current, _ = _level(shopify)
    data = shopify.data(
        'query($i: ID!, $l: ID!) { inventoryItem(id: $i) { inventoryLevel(locationId: $l) { id quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } }',
        {"i": item, "l": location},
    )
    level = data["inventoryItem"]["inventoryLevel"]
    assert level["quantities"] == [
        {"name": "available", "quantity": current},
        {"name": "on_hand", "quantity": current},
        {"name": "committed", "quantity": 0},
    ]
    by_id = shopify.data("query($id: ID!) { inventoryLevel(id: $id) { item { id } } }", {"id": level["id"]})
    assert by_id["inventoryLevel"]["item"]["id"] == item


def test_a_key_is_forgotten_after_a_day(shopify: Shopify) -> None:
    item, location, current, level = _level(shopify)
    variables = {
        "input": {
            "name": "available",
            "reason": "correction",
            "changes": [
                {"delta": 1, "inventoryItemId": item, "locationId": location, "changeFromQuantity": None}
            ],
        },
        "key": "daily",
    }
    shopify.data(ADJUST, variables)
    shopify.data(ADJUST, variables)
    assert level.quantities["available"] == current + 1
    shopify.sandbox.clock.advance(24 * 3600 + 1)
    shopify.data(ADJUST, variables)
    assert level.quantities["available"] == current + 2
