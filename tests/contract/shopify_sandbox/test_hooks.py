"""The /_sandbox test hooks: reset, save/load, manual edits, and running a hook before the next call."""

from __future__ import annotations

from pathlib import Path

from .conftest import Shopify

SET = """
mutation($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: "push-1") { userErrors { code } }
}
"""


def test_a_sale_injected_before_the_push_makes_its_compare_and_set_stale(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    variant = next(iter(state.variants.values()))
    sku = state.items[variant.inventory_item_id].sku
    location_id, level = next(iter(state.levels[variant.inventory_item_id].items()))
    level.quantities["available"] = 10
    shopify.hook(
        "before",
        {
            "operation": "inventorySetQuantities",
            "hook": "sale",
            "body": {"lines": [{"sku": sku, "quantity": 1}], "location": location_id},
        },
    )
    quantities = [
        {
            "inventoryItemId": f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
            "locationId": f"gid://shopify/Location/{location_id}",
            "quantity": 15,
            "changeFromQuantity": 10,
        }
    ]
    answer = shopify.data(
        SET, {"input": {"name": "available", "reason": "correction", "quantities": quantities}}
    )
    assert answer["inventorySetQuantities"]["userErrors"] == [{"code": "CHANGE_FROM_QUANTITY_STALE"}]
    assert level.quantities["available"] == 9


def test_manual_stock_edit_and_state_dump(shopify: Shopify) -> None:
    variant = next(iter(shopify.sandbox.state.variants.values()))
    sku = shopify.sandbox.state.items[variant.inventory_item_id].sku
    edited = shopify.hook("stock", {"sku": sku, "location": 0, "available": 15})
    assert edited["available"] == 15
    dump = shopify.http.get("/_sandbox/state").json()
    levels = dump["levels"][str(variant.inventory_item_id)]
    assert 15 in [level["quantities"]["available"] for level in levels.values()]


def test_save_and_load_round_trip(shopify: Shopify, tmp_path: Path) -> None:
    sku = next(iter(shopify.sandbox.state.items.values())).sku
    shopify.sandbox.storefront_sale([(sku, 1)])
    before = shopify.http.get("/_sandbox/state").json()
    path = tmp_path / "shopify.json"
    shopify.hook("save", {"path": str(path)})
    shopify.hook("reset", {"empty": True})
    assert shopify.http.get("/_sandbox/state").json()["products"] == {}
    shopify.hook("load", {"path": str(path)})
    assert shopify.http.get("/_sandbox/state").json() == before
    orders = shopify.data("{ orders(first: 5) { nodes { name lineItems(first: 5) { nodes { sku } } } } }")[
        "orders"
    ]["nodes"]
    assert orders == [{"name": "#1001", "lineItems": {"nodes": [{"sku": sku}]}}]


def test_reset_restores_the_seeded_shop(shopify: Shopify) -> None:
    seeded = len(shopify.sandbox.state.variants)
    shopify.hook(
        "products", {"action": "delete", "sku": next(iter(shopify.sandbox.state.items.values())).sku}
    )
    assert len(shopify.sandbox.state.variants) < seeded
    shopify.hook("reset")
    assert len(shopify.sandbox.state.variants) == seeded


def test_the_clock_hook_moves_simulated_time(shopify: Shopify) -> None:
    before = shopify.sandbox.clock.monotonic()
    shopify.hook("clock/advance", {"seconds": 3600})
    assert shopify.sandbox.clock.monotonic() >= before + 3600
