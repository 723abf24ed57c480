"""Checkout discounts, taxed shipping and fulfilment orders, read back over real HTTP as the Admin API shows them:
``discountApplications`` (code, automatic), line and shipping ``discountAllocations``, taxes on the discounted
amounts, ``fulfillmentOrders`` with their assigned location, ``fulfillmentOrderMove`` (the claim follows) and
``fulfillmentCreate`` (``fulfillments`` with their location), and the ``orders/create`` webhook's discount
fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.shopify.discounts import CheckoutDiscount
from tests.e2e.scenario_harness import R_CODE, X_CODE, scenario_catalogue

from .conftest import Receiver, Shopify, serve

MONEY = "{ shopMoney { amount } }"
ORDER = f"""
query Order($id: ID!) {{
  order(id: $id) {{
    totalPriceSet {MONEY} totalTaxSet {MONEY} totalDiscountsSet {MONEY} cartDiscountAmountSet {MONEY}
    totalShippingPriceSet {MONEY} discountCodes discountCode
    discountApplications(first: 10) {{ nodes {{
      __typename index allocationMethod targetSelection targetType
      value {{ ... on MoneyV2 {{ amount }} ... on PricingPercentageValue {{ percentage }} }}
      ... on DiscountCodeApplication {{ code }} ... on AutomaticDiscountApplication {{ title }}
    }} }}
    lineItems(first: 10) {{ nodes {{
      sku totalDiscountSet {MONEY} discountedTotalSet {MONEY} taxLines {{ rate priceSet {MONEY} }}
      discountAllocations {{ allocatedAmountSet {MONEY} discountApplication {{ index }} }}
    }} }}
    shippingLines(first: 5) {{ nodes {{
      originalPriceSet {MONEY} discountedPriceSet {MONEY} taxLines {{ rate priceSet {MONEY} }}
      discountAllocations {{ allocatedAmountSet {MONEY} discountApplication {{ index }} }}
    }} }}
  }}
}}
"""
FULFILMENT = """
query Fulfilment($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 10) { nodes {
      id status assignedLocation { name location { id } }
      lineItems(first: 10) { nodes { id totalQuantity remainingQuantity sku lineItem { sku } } }
    } }
    fulfillments { location { id } totalQuantity fulfillmentLineItems(first: 10) { nodes { quantity lineItem { sku } } } }
  }
}
"""
MOVE = """
mutation Move($id: ID!, $to: ID!, $items: [FulfillmentOrderLineItemInput!]) {
  fulfillmentOrderMove(id: $id, newLocationId: $to, fulfillmentOrderLineItems: $items) {
    movedFulfillmentOrder { id assignedLocation { location { id } } }
    originalFulfillmentOrder { id status }
    remainingFulfillmentOrder { id }
    userErrors { field message }
  }
}
"""
FULFIL = """
mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status location { id } totalQuantity }
    userErrors { field message }
  }
}
"""
SUBSCRIBE = """
mutation($uri: String!) {
  webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: {uri: $uri, format: JSON}) {
    userErrors { message }
  }
}
"""


@pytest.fixture
def shop() -> Iterator[Shopify]:
    """X (¥1,100, 10 %) and R (¥540, 8 %), 10 of each at two locations."""
    yield from serve(ShopifySandbox.create(catalogue=scenario_catalogue(2)))


def _amount(bag: dict[str, Any]) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


def _location(shop: Shopify, index: int) -> str:
    return f"gid://shopify/Location/{shop.sandbox.location(index).id}"


def _available(shop: Shopify, code: str, index: int) -> tuple[int, int]:
    state = shop.sandbox.state
    variant = state.variant_by_sku(code)
    assert variant is not None
    level = state.level(variant.inventory_item_id, shop.sandbox.location(index).id)
    assert level is not None
    return level.quantities["available"], level.quantities["committed"]


def test_code_automatic_and_shipping_discounts_are_allocated_and_taxed_after_discount(shop: Shopify) -> None:
    discounts = [
        CheckoutDiscount("WELCOME500", amount=Decimal(500)),
        CheckoutDiscount(
            "お茶10%", target="LINES", kind="AUTOMATIC", percentage=Decimal(10), entitled=(R_CODE,)
        ),
        CheckoutDiscount("送料無料", target="SHIPPING", kind="AUTOMATIC", percentage=Decimal(100)),
    ]
    order_id = shop.sandbox.storefront_sale([(X_CODE, 2), (R_CODE, 3)], shipping=800, discounts=discounts)
    order = shop.data(ORDER, {"id": order_id})["order"]
    applications = order["discountApplications"]["nodes"]
    assert [
        (a["__typename"], a["allocationMethod"], a["targetSelection"], a["targetType"]) for a in applications
    ] == [
        ("AutomaticDiscountApplication", "EACH", "ENTITLED", "LINE_ITEM"),
        ("DiscountCodeApplication", "ACROSS", "ALL", "LINE_ITEM"),
        ("AutomaticDiscountApplication", "EACH", "ALL", "SHIPPING_LINE"),
    ]
    assert [a["index"] for a in applications] == [0, 1, 2]
    assert applications[1]["code"] == "WELCOME500" and Decimal(applications[1]["value"]["amount"]) == 500
    assert applications[0]["value"] == {"percentage": 10.0}
    assert (order["discountCodes"], order["discountCode"]) == (["WELCOME500"], "WELCOME500")
    x, r = order["lineItems"]["nodes"]
    # R: 10 % of 1,620 = 162 first (line-level), then the ¥500 across 2,200 and 1,458 → 301 / 199
    assert [
        (_amount(a["allocatedAmountSet"]), a["discountApplication"]["index"])
        for a in r["discountAllocations"]
    ] == [
        (Decimal(162), 0),
        (Decimal(199), 1),
    ]
    assert _amount(x["totalDiscountSet"]) == 301 and _amount(r["totalDiscountSet"]) == 361
    assert _amount(r["discountedTotalSet"]) == 1458  # line-level discounts only, not the order-level code
    assert _amount(x["taxLines"][0]["priceSet"]) == 173  # (2,200 − 301) × 10/110 = 172.6
    assert _amount(r["taxLines"][0]["priceSet"]) == 93  # (1,620 − 361) × 8/108 = 93.3
    [shipping] = order["shippingLines"]["nodes"]
    assert (_amount(shipping["originalPriceSet"]), _amount(shipping["discountedPriceSet"])) == (800, 0)
    assert _amount(shipping["taxLines"][0]["priceSet"]) == 0
    assert _amount(order["totalPriceSet"]) == 2200 - 301 + 1620 - 361
    assert _amount(order["totalTaxSet"]) == 173 + 93
    assert _amount(order["totalDiscountsSet"]) == 301 + 361 + 800
    assert _amount(order["cartDiscountAmountSet"]) == 500
    assert _amount(order["totalShippingPriceSet"]) == 800  # before discounts


def test_shipping_is_taxed_at_ten_percent_in_the_order_tax(shop: Shopify) -> None:
    order_id = shop.sandbox.storefront_sale([(X_CODE, 2), (R_CODE, 3)], shipping=800)
    order = shop.data(ORDER, {"id": order_id})["order"]
    [shipping] = order["shippingLines"]["nodes"]
    assert [(t["rate"], _amount(t["priceSet"])) for t in shipping["taxLines"]] == [(0.1, Decimal(73))]
    assert _amount(order["totalTaxSet"]) == 200 + 120 + 73
    assert order["cartDiscountAmountSet"] is None and order["discountApplications"]["nodes"] == []


def test_fulfilment_orders_follow_a_move_and_fulfilments_record_their_location(shop: Shopify) -> None:
    order_id = shop.sandbox.storefront_sale([(X_CODE, 2), (R_CODE, 1)], location=0)
    assert _available(shop, X_CODE, 0) == (8, 2)
    [fulfillment_order] = shop.data(FULFILMENT, {"id": order_id})["order"]["fulfillmentOrders"]["nodes"]
    assert fulfillment_order["status"] == "OPEN"
    assert fulfillment_order["assignedLocation"]["location"]["id"] == _location(shop, 0)
    assert [
        (i["sku"], i["totalQuantity"], i["remainingQuantity"])
        for i in fulfillment_order["lineItems"]["nodes"]
    ] == [
        (X_CODE, 2, 2),
        (R_CODE, 1, 1),
    ]

    moved = shop.data(MOVE, {"id": fulfillment_order["id"], "to": _location(shop, 1)})["fulfillmentOrderMove"]
    assert moved["userErrors"] == []
    assert moved["movedFulfillmentOrder"]["id"] == fulfillment_order["id"]  # nothing fulfilled: moved whole
    assert moved["movedFulfillmentOrder"]["assignedLocation"]["location"]["id"] == _location(shop, 1)
    assert moved["remainingFulfillmentOrder"] is None
    assert _available(shop, X_CODE, 0) == (10, 0)  # the claim followed the units
    assert _available(shop, X_CODE, 1) == (8, 2)

    done = shop.data(
        FULFIL,
        {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fulfillment_order["id"]}]}},
    )
    assert done["fulfillmentCreate"]["userErrors"] == []
    assert done["fulfillmentCreate"]["fulfillment"]["location"]["id"] == _location(shop, 1)
    assert done["fulfillmentCreate"]["fulfillment"]["totalQuantity"] == 3
    assert _available(shop, X_CODE, 1) == (8, 0)
    read = shop.data(FULFILMENT, {"id": order_id})["order"]
    assert read["fulfillmentOrders"]["nodes"][0]["status"] == "CLOSED"
    [fulfillment] = read["fulfillments"]
    assert fulfillment["location"]["id"] == _location(shop, 1)
    assert [(n["lineItem"]["sku"], n["quantity"]) for n in fulfillment["fulfillmentLineItems"]["nodes"]] == [
        (X_CODE, 2),
        (R_CODE, 1),
    ]


def test_moving_one_line_splits_the_fulfilment_order_and_a_closed_one_cannot_move(shop: Shopify) -> None:
    order_id = shop.sandbox.storefront_sale([(X_CODE, 1), (R_CODE, 1)], location=0)
    [fulfillment_order] = shop.data(FULFILMENT, {"id": order_id})["order"]["fulfillmentOrders"]["nodes"]
    r_item = fulfillment_order["lineItems"]["nodes"][1]
    moved = shop.data(
        MOVE,
        {
            "id": fulfillment_order["id"],
            "to": _location(shop, 1),
            "items": [{"id": r_item["id"], "quantity": 1}],
        },
    )["fulfillmentOrderMove"]
    assert moved["movedFulfillmentOrder"]["id"] != fulfillment_order["id"]
    assert moved["remainingFulfillmentOrder"]["id"] == fulfillment_order["id"]
    assert _available(shop, R_CODE, 1) == (9, 1) and _available(shop, X_CODE, 0) == (9, 1)
    nodes = shop.data(FULFILMENT, {"id": order_id})["order"]["fulfillmentOrders"]["nodes"]
    assert [
        (n["assignedLocation"]["location"]["id"], [i["totalQuantity"] for i in n["lineItems"]["nodes"]])
        for n in nodes
    ] == [
        (_location(shop, 0), [1, 0]),
        (_location(shop, 1), [1]),
    ]
    shop.data(
        FULFIL, {"fulfillment": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": nodes[1]["id"]}]}}
    )
    refused = shop.data(MOVE, {"id": nodes[1]["id"], "to": _location(shop, 0)})["fulfillmentOrderMove"]
    assert refused["movedFulfillmentOrder"] is None and refused["userErrors"]


def test_top_level_fulfillment_orders_include_closed_ones_on_request(shop: Shopify) -> None:
    shop.sandbox.storefront_sale([(X_CODE, 1)], location=0, fulfilled=True)
    query = "query($closed: Boolean) { fulfillmentOrders(first: 10, includeClosed: $closed) { nodes { status orderId } } }"
    assert shop.data(query, {"closed": False})["fulfillmentOrders"]["nodes"] == []
    [closed] = shop.data(query, {"closed": True})["fulfillmentOrders"]["nodes"]
    assert closed["status"] == "CLOSED" and closed["orderId"].startswith("gid://shopify/Order/")


def test_orders_create_webhook_carries_discounts_and_shipping_tax(shop: Shopify, receiver: Receiver) -> None:
    assert shop.data(SUBSCRIBE, {"uri": receiver.url})["webhookSubscriptionCreate"]["userErrors"] == []
    discounts = [
        CheckoutDiscount("WELCOME500", amount=Decimal(500)),
        CheckoutDiscount("送料半額", target="SHIPPING", kind="AUTOMATIC", percentage=Decimal(50)),
    ]
    shop.sandbox.storefront_sale([(X_CODE, 2), (R_CODE, 3)], shipping=800, discounts=discounts)
    [delivery] = receiver.wait_for(1)
    body = json.loads(delivery.body)
    assert [
        (a["type"], a["value_type"], a["allocation_method"], a["target_type"])
        for a in body["discount_applications"]
    ] == [
        ("discount_code", "fixed_amount", "across", "line_item"),
        ("automatic", "percentage", "each", "shipping_line"),
    ]
    assert body["discount_codes"] == [{"code": "WELCOME500", "amount": "500.00", "type": "fixed_amount"}]
    assert sum(Decimal(a["amount"]) for li in body["line_items"] for a in li["discount_allocations"]) == 500
    assert all(
        a["discount_application_index"] == 0 for li in body["line_items"] for a in li["discount_allocations"]
    )
    [shipping] = body["shipping_lines"]
    assert (shipping["price"], shipping["discounted_price"]) == ("800.00", "400.00")
    assert [(t["rate"], t["price"]) for t in shipping["tax_lines"]] == [(0.1, "36.00")]
    assert body["total_discounts"] == "900.00"
