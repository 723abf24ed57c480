"""orderCreate stock effects per inventoryBehaviour, no idempotency, and refunds per restock type."""

from __future__ import annotations

from typing import Any

from .conftest import Shopify

CREATE = """
mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order {
      id name sourceName sourceIdentifier tags taxesIncluded displayFinancialStatus displayFulfillmentStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      totalTaxSet { shopMoney { amount } }
      taxLines { title rate priceSet { shopMoney { amount } } }
      lineItems(first: 10) { nodes { id sku quantity refundableQuantity variant { id } } }
    }
    userErrors { field message code }
  }
}
"""
REFUND = """
mutation Refund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } }
             refundLineItems(first: 10) { nodes { quantity restockType restocked location { id } subtotalSet { shopMoney { amount } } } } }
    order { displayFinancialStatus currentTotalPriceSet { shopMoney { amount } } }
    userErrors { field message }
  }
}
"""


def _variant(shopify: Shopify) -> tuple[Any, str, str, Any]:
    state = shopify.sandbox.state
    variant = next(iter(state.variants.values()))
    location_id, level = next(iter(state.levels[variant.inventory_item_id].items()))
    return (
        variant,
        f"gid://shopify/ProductVariant/{variant.id}",
        f"gid://shopify/Location/{location_id}",
        level,
    )


def _order(variant_gid: str, quantity: int, **extra: Any) -> dict[str, Any]:
    return {
        "lineItems": [
            {
                "variantId": variant_gid,
                "quantity": quantity,
                "priceSet": {"shopMoney": {"amount": "1100", "currencyCode": "JPY"}},
                "taxLines": [{"title": "消費税", "rate": "0.1"}],
            }
        ],
        "sourceName": "smapify",
        "sourceIdentifier": "smaregi:c1:txn:1",
        "tags": ["smapify", "smaregi-txn-1"],
        "currency": "JPY",
        "taxesIncluded": True,
        "financialStatus": "PAID",
        **extra,
    }


def test_bypass_leaves_stock_alone_and_a_repeat_makes_a_second_order(shopify: Shopify) -> None:
    _, variant_gid, _, level = _variant(shopify)
    before = dict(level.quantities)
    first = shopify.data(CREATE, {"order": _order(variant_gid, 2)})["orderCreate"]
    second = shopify.data(CREATE, {"order": _order(variant_gid, 2)})["orderCreate"]
    assert first["userErrors"] == [] and second["userErrors"] == []
    assert first["order"]["id"] != second["order"]["id"]
    assert first["order"]["name"] == "#1001" and second["order"]["name"] == "#1002"
    assert level.quantities == before
    order = first["order"]
    assert order["totalPriceSet"]["shopMoney"] == {"amount": "2200.0", "currencyCode": "JPY"}
    assert order["totalTaxSet"]["shopMoney"]["amount"] == "200.0"
    assert order["taxLines"] == [
        {"title": "消費税", "rate": 0.1, "priceSet": {"shopMoney": {"amount": "200.0"}}}
    ]
    assert order["sourceName"] == "smapify" and order["sourceIdentifier"] == "smaregi:c1:txn:1"
    assert order["displayFinancialStatus"] == "PAID"
    assert len(shopify.sandbox.state.orders) == 2


def test_decrement_ignoring_policy_claims_even_past_zero(shopify: Shopify) -> None:
    _, variant_gid, location, level = _variant(shopify)
    available = level.quantities["available"]
    options = {"inventoryBehaviour": "DECREMENT_IGNORING_POLICY"}
    payload = shopify.data(CREATE, {"order": _order(variant_gid, available + 3), "options": options})[
        "orderCreate"
    ]
    assert payload["userErrors"] == []
    assert payload["order"]["displayFulfillmentStatus"] == "UNFULFILLED"
    assert level.quantities["available"] == -3
    assert level.quantities["committed"] == available + 3
    assert level.quantity("on_hand") == available


def test_decrement_obeying_policy_fails_when_short_and_changes_nothing(shopify: Shopify) -> None:
    variant, variant_gid, location, level = _variant(shopify)
    before = dict(level.quantities)
    total = sum(
        lv.quantities["available"] for lv in shopify.sandbox.state.item_levels(variant.inventory_item_id)
    )
    order = _order(variant_gid, total + 1, fulfillment={"locationId": location})
    payload = shopify.data(
        CREATE, {"order": order, "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}}
    )
    assert payload["orderCreate"]["order"] is None
    assert payload["orderCreate"]["userErrors"][0]["code"] == "INVENTORY_CLAIM_FAILED"
    assert level.quantities == before
    assert shopify.sandbox.state.orders == {}


def test_decrement_with_a_fulfillment_location_takes_units_off_hand(shopify: Shopify) -> None:
    _, variant_gid, location, level = _variant(shopify)
    level.quantities["available"] = 10
    order = _order(variant_gid, 2, fulfillment={"locationId": location})
    payload = shopify.data(
        CREATE, {"order": order, "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}}
    )
    assert payload["orderCreate"]["order"]["displayFulfillmentStatus"] == "FULFILLED"
    assert level.quantities["available"] == 8
    assert level.quantities["committed"] == 0
    assert level.quantity("on_hand") == 8


def test_custom_lines_need_a_title_and_a_price(shopify: Shopify) -> None:
    order = {"lineItems": [{"quantity": 1, "sku": "4900000000000"}]}
    payload = shopify.data(CREATE, {"order": order})["orderCreate"]
    assert payload["order"] is None and payload["userErrors"][0]["code"] == "INVALID"
    order = {
        "lineItems": [
            {
                "quantity": 1,
                "sku": "4900000000000",
                "title": "未連携商品",
                "priceSet": {"shopMoney": {"amount": "550", "currencyCode": "JPY"}},
            }
        ]
    }
    payload = shopify.data(CREATE, {"order": order})["orderCreate"]
    assert payload["order"]["lineItems"]["nodes"][0]["variant"] is None
    assert payload["order"]["lineItems"]["nodes"][0]["sku"] == "4900000000000"


def _refund_input(
    order_id: str, line_id: str, quantity: int, restock: str, location: str | None, amount: str
) -> dict[str, Any]:
    line: dict[str, Any] = {"lineItemId": line_id, "quantity": quantity, "restockType": restock}
    if location:
        line["locationId"] = location
    return {
        "orderId": order_id,
        "refundLineItems": [line],
        "transactions": [{"orderId": order_id, "gateway": "manual", "kind": "REFUND", "amount": amount}],
    }


def _sold(shopify: Shopify, quantity: int, fulfilled: bool) -> tuple[str, str, str, Any]:
    variant, variant_gid, location, level = _variant(shopify)
    level.quantities["available"] = 10
    order = _order(variant_gid, quantity, **({"fulfillment": {"locationId": location}} if fulfilled else {}))
    options = {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}
    created = shopify.data(CREATE, {"order": order, "options": options})["orderCreate"]["order"]
    return created["id"], created["lineItems"]["nodes"][0]["id"], location, level


def test_a_return_refund_puts_units_back_at_the_location(shopify: Shopify) -> None:
    order_id, line_id, location, level = _sold(shopify, 3, fulfilled=True)
    assert level.quantities["available"] == 7
    payload = shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 1, "RETURN", location, "1100"), "key": "r1"}
    )
    refund = payload["refundCreate"]
    assert refund["userErrors"] == []
    line = refund["refund"]["refundLineItems"]["nodes"][0]
    assert line == {
        "quantity": 1,
        "restockType": "RETURN",
        "restocked": True,
        "location": {"id": location},
        "subtotalSet": {"shopMoney": {"amount": "1100.0"}},
    }
    assert refund["refund"]["totalRefundedSet"]["shopMoney"]["amount"] == "1100.0"
    assert refund["order"]["displayFinancialStatus"] == "PARTIALLY_REFUNDED"
    assert refund["order"]["currentTotalPriceSet"]["shopMoney"]["amount"] == "2200.0"
    assert level.quantities["available"] == 8


def test_a_no_restock_refund_leaves_stock_alone(shopify: Shopify) -> None:
    order_id, line_id, _, level = _sold(shopify, 3, fulfilled=True)
    payload = shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 1, "NO_RESTOCK", None, "1100"), "key": "r2"}
    )
    assert payload["refundCreate"]["refund"]["refundLineItems"]["nodes"][0]["restocked"] is False
    assert level.quantities["available"] == 7


def test_a_cancel_refund_of_an_unfulfilled_line_releases_the_claim(shopify: Shopify) -> None:
    order_id, line_id, location, level = _sold(shopify, 3, fulfilled=False)
    assert (level.quantities["available"], level.quantities["committed"]) == (7, 3)
    payload = shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 1, "CANCEL", location, "1100"), "key": "r3"}
    )
    assert payload["refundCreate"]["userErrors"] == []
    assert (level.quantities["available"], level.quantities["committed"]) == (8, 2)


def test_over_refunds_are_refused(shopify: Shopify) -> None:
    order_id, line_id, location, level = _sold(shopify, 2, fulfilled=True)
    shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 2, "RETURN", location, "2200"), "key": "r4"}
    )
    again = shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 1, "RETURN", location, "1100"), "key": "r5"}
    )
    assert again["refundCreate"]["refund"] is None
    assert "more items" in again["refundCreate"]["userErrors"][0]["message"]
    assert level.quantities["available"] == 10


def test_a_replayed_refund_is_created_once(shopify: Shopify) -> None:
    order_id, line_id, location, level = _sold(shopify, 2, fulfilled=True)
    variables = {
        "input": _refund_input(order_id, line_id, 1, "RETURN", location, "1100"),
        "key": "refund-once",
    }
    first = shopify.data(REFUND, variables)["refundCreate"]["refund"]["id"]
    second = shopify.data(REFUND, variables)["refundCreate"]["refund"]["id"]
    assert first == second
    assert len(shopify.sandbox.state.refunds) == 1
    assert level.quantities["available"] == 9
    variables["input"]["refundLineItems"][0]["quantity"] = 2
    mismatch = shopify.gql(REFUND, variables)
    assert mismatch["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"


def test_order_reads_for_the_sync(shopify: Shopify) -> None:
    order_id, line_id, location, _ = _sold(shopify, 2, fulfilled=True)
    shopify.data(
        REFUND, {"input": _refund_input(order_id, line_id, 1, "RETURN", location, "1100"), "key": "r6"}
    )
    data = shopify.data(
        """query($id: ID!) { order(id: $id) { name processedAt createdAt updatedAt cancelledAt subtotalPriceSet { shopMoney { amount } }
           totalShippingPriceSet { shopMoney { amount } } shippingLines(first: 5) { nodes { title } }
           lineItems(first: 5) { nodes { title quantity currentQuantity refundableQuantity originalUnitPriceSet { shopMoney { amount } } taxLines { rate } } }
           refunds { id createdAt note refundLineItems(first: 5) { nodes { restockType location { id } quantity lineItem { id } } } } } }""",
        {"id": order_id},
    )["order"]
    line = data["lineItems"]["nodes"][0]
    assert (line["quantity"], line["currentQuantity"], line["refundableQuantity"]) == (2, 1, 1)
    assert data["refunds"][0]["refundLineItems"]["nodes"][0]["lineItem"]["id"] == line_id
    assert data["cancelledAt"] is None


def test_order_cancel_with_restock_releases_the_claim_and_refunds(shopify: Shopify) -> None:
    order_id, _, _, level = _sold(shopify, 3, fulfilled=False)
    cancel = """mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true,
                refundMethod: {originalPaymentMethodsRefund: true}) { job { done } orderCancelUserErrors { code } } }"""
    payload = shopify.data(cancel, {"id": order_id})["orderCancel"]
    assert payload == {"job": {"done": True}, "orderCancelUserErrors": []}
    assert (level.quantities["available"], level.quantities["committed"]) == (10, 0)
    order = shopify.data(
        "query($id: ID!) { order(id: $id) { cancelledAt cancelReason displayFinancialStatus closed } }",
        {"id": order_id},
    )["order"]
    assert order["cancelledAt"] and order["cancelReason"] == "CUSTOMER"
    assert order["displayFinancialStatus"] == "REFUNDED" and order["closed"] is True
    again = shopify.data(cancel, {"id": order_id})["orderCancel"]
    assert again["orderCancelUserErrors"] == [{"code": "INVALID"}]


def test_processed_at_is_kept_and_a_future_one_refused(shopify: Shopify) -> None:
    _, variant_gid, _, _ = _variant(shopify)
    read = "query($id: ID!) { order(id: $id) { processedAt createdAt } }"
    created = shopify.data(CREATE, {"order": _order(variant_gid, 1, processedAt="2026-08-01T10:15:00+09:00")})
    order = shopify.data(read, {"id": created["orderCreate"]["order"]["id"]})["order"]
    assert order["processedAt"] == "2026-08-01T01:15:00Z"
    future = shopify.data(CREATE, {"order": _order(variant_gid, 1, processedAt="2999-01-01T00:00:00Z")})
    assert future["orderCreate"]["userErrors"][0]["code"] == "PROCESSED_AT_INVALID"
