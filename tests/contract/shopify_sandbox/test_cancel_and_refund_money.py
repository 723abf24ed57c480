"""orderCancel records its Refund (lines, shipping, money); refundCreate refunds shipping and records the
difference between its transactions and its lines as an order adjustment."""

from __future__ import annotations

import json
from typing import Any

from .conftest import Receiver, Shopify
from .test_webhooks import _subscribe

CANCEL_NOW = """
mutation($id: ID!, $restock: Boolean!) {
  orderCancel(orderId: $id, reason: CUSTOMER, restock: $restock,
              refundMethod: {originalPaymentMethodsRefund: true}) {
    job { id done }
    jobResult { id done status errors { code } order { id cancelReason } }
    orderCancelUserErrors { code message }
  }
}"""
CANCEL_2024_04 = """
mutation($id: ID!, $restock: Boolean!) {
  orderCancel(orderId: $id, reason: STAFF, refund: true, restock: $restock) {
    job { done } orderCancelUserErrors { code }
  }
}"""
REFUND = """
mutation($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id totalRefundedSet { shopMoney { amount } } }
    userErrors { field message }
  }
}"""
READ = """
query($id: ID!) {
  order(id: $id) {
    cancelledAt cancelReason closed displayFinancialStatus
    totalRefundedSet { shopMoney { amount } } totalRefundedShippingSet { shopMoney { amount } }
    lineItems(first: 5) { nodes { id sku refundableQuantity } }
    refunds {
      totalRefundedSet { shopMoney { amount } }
      refundLineItems(first: 10) { nodes { quantity restockType restocked location { id } lineItem { sku } } }
      refundShippingLines(first: 5) {
        nodes { shippingLine { title } subtotalAmountSet { shopMoney { amount } } taxAmountSet { shopMoney { amount } } }
      }
      orderAdjustments(first: 5) { nodes { reason amountSet { shopMoney { amount } } } }
      transactions(first: 5) { nodes { kind status amountSet { shopMoney { amount } } parentTransaction { kind } } }
    }
  }
}"""


def _skus(shopify: Shopify) -> tuple[str, str]:
    items = list(shopify.sandbox.state.items.values())
    return str(items[0].sku), str(items[1].sku)


def _available(shopify: Shopify, sku: str, location: int = 0) -> int:
    state = shopify.sandbox.state
    variant = state.variant_by_sku(sku)
    level = state.level(variant.inventory_item_id, shopify.sandbox.location(location).id)
    return int(level.quantities["available"])


def _location_gid(shopify: Shopify, index: int = 0) -> str:
    return f"gid://shopify/Location/{shopify.sandbox.location(index).id}"


def _read(shopify: Shopify, order_id: str) -> dict[str, Any]:
    return shopify.data(READ, {"id": order_id})["order"]  # type: ignore[no-any-return]


def _amount(bag: dict[str, Any]) -> float:
    return float(bag["shopMoney"]["amount"])


def test_cancel_with_refund_method_records_a_refund_of_every_unit_shipping_and_money(
    shopify: Shopify, receiver: Receiver
) -> None:
    first, _ = _skus(shopify)
    before = _available(shopify, first)
    order_id = shopify.sandbox.storefront_sale([(first, 2)], location=0, shipping=800)
    assert _available(shopify, first) == before - 2
    paid = _amount(shopify.data("query($id: ID!) { order(id: $id) { totalPriceSet { shopMoney { amount } } } }",
                                {"id": order_id})["order"]["totalPriceSet"])  # fmt: skip
    _subscribe(shopify, receiver, "ORDERS_CANCELLED", "REFUNDS_CREATE", "ORDERS_UPDATED")

    payload = shopify.data(CANCEL_NOW, {"id": order_id, "restock": True})["orderCancel"]

    assert payload["orderCancelUserErrors"] == []
    assert payload["job"]["done"] is True
    result = payload["jobResult"]
    assert (result["status"], result["errors"], result["order"]) == (
        "SUCCEEDED",
        [],
        {"id": order_id, "cancelReason": "CUSTOMER"},
    )
    assert _available(shopify, first) == before
    order = _read(shopify, order_id)
    assert order["cancelledAt"] and order["closed"] and order["displayFinancialStatus"] == "REFUNDED"
    (refund,) = order["refunds"]
    assert refund["refundLineItems"]["nodes"] == [
        {
            "quantity": 2,
            "restockType": "CANCEL",
            "restocked": True,
            "location": {"id": _location_gid(shopify)},
            "lineItem": {"sku": first},
        }
    ]
    (shipping,) = refund["refundShippingLines"]["nodes"]
    assert _amount(shipping["subtotalAmountSet"]) == 800
    assert _amount(shipping["taxAmountSet"]) == 73  # the ¥800's 10 % tax line, tax-included
    (money,) = refund["transactions"]["nodes"]
    assert (money["kind"], money["status"], money["parentTransaction"]) == (
        "REFUND",
        "SUCCESS",
        {"kind": "SALE"},
    )
    assert _amount(money["amountSet"]) == _amount(refund["totalRefundedSet"]) == paid
    assert refund["orderAdjustments"]["nodes"] == []
    assert _amount(order["totalRefundedShippingSet"]) == 800
    assert [line["refundableQuantity"] for line in order["lineItems"]["nodes"]] == [0]

    deliveries = receiver.wait_for(3)
    assert {d.headers["x-shopify-topic"] for d in deliveries} == {
        "orders/cancelled",
        "orders/updated",
        "refunds/create",
    }
    assert len({d.headers["x-shopify-event-id"] for d in deliveries}) == 1
    rest = json.loads(next(d for d in deliveries if d.headers["x-shopify-topic"] == "refunds/create").body)
    assert [(a["kind"], a["amount"]) for a in rest["order_adjustments"]] == [("shipping_refund", "-800.00")]

    again = shopify.data(CANCEL_NOW, {"id": order_id, "restock": True})["orderCancel"]
    assert [e["code"] for e in again["orderCancelUserErrors"]] == ["INVALID"]
    assert again["jobResult"] is None


def test_the_2024_04_refund_argument_without_restock_refunds_and_writes_the_units_off(
    shopify: Shopify,
) -> None:
    first, _ = _skus(shopify)
    before = _available(shopify, first)
    order_id = shopify.sandbox.storefront_sale([(first, 2)], location=0)

    payload = shopify.data(CANCEL_2024_04, {"id": order_id, "restock": False})["orderCancel"]

    assert payload == {"job": {"done": True}, "orderCancelUserErrors": []}
    assert _available(shopify, first) == before - 2
    state = shopify.sandbox.state
    level = state.level(state.variant_by_sku(first).inventory_item_id, shopify.sandbox.location(0).id)
    assert level.quantities["committed"] == 0
    (refund,) = _read(shopify, order_id)["refunds"]
    assert [(n["quantity"], n["restockType"], n["location"]) for n in refund["refundLineItems"]["nodes"]] == [
        (2, "NO_RESTOCK", None)
    ]
    assert _amount(refund["totalRefundedSet"]) > 0


def test_cancelling_a_fulfilled_order_returns_its_units_where_they_were_taken(shopify: Shopify) -> None:
    first, _ = _skus(shopify)
    before = _available(shopify, first, 1)
    order_id = shopify.sandbox.storefront_sale([(first, 1)], location=1, fulfilled=True)
    assert _available(shopify, first, 1) == before - 1

    shopify.data(CANCEL_NOW, {"id": order_id, "restock": True})

    (refund,) = _read(shopify, order_id)["refunds"]
    assert [(n["restockType"], n["location"]) for n in refund["refundLineItems"]["nodes"]] == [
        ("RETURN", {"id": _location_gid(shopify, 1)})
    ]
    assert _available(shopify, first, 1) == before


def test_a_cancel_after_a_partial_refund_covers_only_what_is_left(shopify: Shopify) -> None:
    first, second = _skus(shopify)
    order_id = shopify.sandbox.storefront_sale([(first, 2), (second, 1)], location=0, shipping=500)
    lines = {n["sku"]: n["id"] for n in _read(shopify, order_id)["lineItems"]["nodes"]}
    refund_input = {
        "orderId": order_id,
        "refundLineItems": [{"lineItemId": lines[first], "quantity": 1, "restockType": "NO_RESTOCK"}],
        "shipping": {"amount": "200"},
    }
    assert shopify.data(REFUND, {"input": refund_input, "key": "partial"})["refundCreate"]["userErrors"] == []

    shopify.data(CANCEL_NOW, {"id": order_id, "restock": True})

    partial, cancel = _read(shopify, order_id)["refunds"]
    assert [_amount(s["subtotalAmountSet"]) for s in partial["refundShippingLines"]["nodes"]] == [200]
    assert [_amount(s["subtotalAmountSet"]) for s in cancel["refundShippingLines"]["nodes"]] == [300]
    assert sorted(
        (n["lineItem"]["sku"], n["quantity"]) for n in cancel["refundLineItems"]["nodes"]
    ) == sorted([(first, 1), (second, 1)])


def test_refund_shipping_in_full_or_by_amount_and_never_more_than_is_left(shopify: Shopify) -> None:
    first, _ = _skus(shopify)
    order_id = shopify.sandbox.storefront_sale([(first, 1)], location=0, shipping=800)

    too_much = {"orderId": order_id, "shipping": {"amount": "900"}}
    refused = shopify.data(REFUND, {"input": too_much, "key": "s0"})["refundCreate"]
    assert refused["refund"] is None and refused["userErrors"][0]["field"] == ["shipping"]

    part = {
        "orderId": order_id,
        "shipping": {"amount": "300"},
        "transactions": [{"orderId": order_id, "kind": "REFUND", "gateway": "manual", "amount": "300"}],
    }
    made = shopify.data(REFUND, {"input": part, "key": "s1"})["refundCreate"]
    assert made["userErrors"] == [] and _amount(made["refund"]["totalRefundedSet"]) == 300
    rest = {"orderId": order_id, "shipping": {"fullRefund": True}}
    assert shopify.data(REFUND, {"input": rest, "key": "s2"})["refundCreate"]["userErrors"] == []

    order = _read(shopify, order_id)
    shipped = [
        [_amount(s["subtotalAmountSet"]) for s in r["refundShippingLines"]["nodes"]] for r in order["refunds"]
    ]
    assert shipped == [[300], [500]]
    assert _amount(order["totalRefundedShippingSet"]) == 800
    # the first refund's money equals its shipping; the second moved no money and records no discrepancy
    assert [r["orderAdjustments"]["nodes"] for r in order["refunds"]] == [[], []]


def test_a_goodwill_refund_of_money_only_records_a_refund_discrepancy(
    shopify: Shopify, receiver: Receiver
) -> None:
    first, _ = _skus(shopify)
    order_id = shopify.sandbox.storefront_sale([(first, 1)], location=0)
    _subscribe(shopify, receiver, "REFUNDS_CREATE")
    goodwill = {
        "orderId": order_id,
        "note": "sorry for the wait",
        "transactions": [{"orderId": order_id, "kind": "REFUND", "gateway": "manual", "amount": "500"}],
    }
    assert shopify.data(REFUND, {"input": goodwill, "key": "g1"})["refundCreate"]["userErrors"] == []

    (refund,) = _read(shopify, order_id)["refunds"]
    assert refund["refundLineItems"]["nodes"] == [] and refund["refundShippingLines"]["nodes"] == []
    (adjustment,) = refund["orderAdjustments"]["nodes"]
    assert (adjustment["reason"], _amount(adjustment["amountSet"])) == ("REFUND_DISCREPANCY", -500)
    body = json.loads(receiver.wait_for(1)[0].body)
    assert [(a["kind"], a["amount"]) for a in body["order_adjustments"]] == [
        ("refund_discrepancy", "-500.00")
    ]
