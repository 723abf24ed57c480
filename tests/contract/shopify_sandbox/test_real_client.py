"""Shopify's own Python library, unmodified, reads a seeded sandbox and gets exactly what its state holds.

``ShopifyAPI`` (``import shopify``) is installed from PyPI as a dev dependency. It is pointed at the
sandbox only through the configuration its ``Session`` class offers: ``protocol``, ``myshopify_domain``
and ``port``. It builds the host as ``{shop}.{myshopify_domain}:{port}`` from the shop name's first label,
so the shop ``127`` in the domain ``0.0.1`` names the loopback address the sandbox listens on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

import pytest
import shopify

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.shopify.choices import ACCESS_SCOPES
from smapify_pipeline.sandbox.shopify.state import ShopState, gid
from smapify_pipeline.sandbox.shopify.totals import line_total

from .conftest import Shopify, serve

ORDER_CREATE = """
mutation($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) { order { id lineItems(first: 5) { nodes { id } } } userErrors { message } }
}"""
REFUND_CREATE = """
mutation($input: RefundInput!) {
  refundCreate(input: $input) @idempotent(key: "real-client-refund") { refund { id } userErrors { message } }
}"""

CATALOGUE = """
{
  products(first: 25) {
    pageInfo { hasNextPage }
    nodes {
      id title handle status vendor productType tags
      variants(first: 10) { nodes { id sku price inventoryItem { id tracked } } }
    }
  }
  locations(first: 50) { nodes { id name isActive isFulfillmentService } }
}"""
INVENTORY = """
query($cursor: String) {
  inventoryItems(first: 20, after: $cursor) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id sku
      inventoryLevels(first: 5) {
        nodes { location { id } quantities(names: ["available", "committed", "on_hand"]) { name quantity } }
      }
    }
  }
}"""
ORDERS = """
{
  orders(first: 5) {
    pageInfo { hasNextPage }
    nodes {
      id name displayFinancialStatus
      totalPriceSet { shopMoney { amount currencyCode } }
      totalDiscountsSet { shopMoney { amount } }
      discountCodes
      discountApplications(first: 5) {
        nodes {
          __typename index allocationMethod targetType
          value { ... on MoneyV2 { amount currencyCode } ... on PricingPercentageValue { percentage } }
          ... on DiscountCodeApplication { code }
        }
      }
      lineItems(first: 5) {
        nodes {
          id sku quantity currentQuantity
          originalUnitPriceSet { shopMoney { amount } }
          discountAllocations { allocatedAmountSet { shopMoney { amount } } discountApplication { index } }
        }
      }
      refunds {
        id totalRefundedSet { shopMoney { amount } }
        refundLineItems(first: 5) { nodes { lineItem { id } quantity restockType subtotalSet { shopMoney { amount } } } }
        transactions(first: 5) { nodes { id kind amountSet { shopMoney { amount } } } }
      }
      transactions { id kind status gateway amountSet { shopMoney { amount } } }
    }
  }
}"""


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[Shopify]:
    """The library's session, configured for the sandbox and activated as its documentation shows."""
    sandbox_served = serve(ShopifySandbox.create(seed_size="small", seed=3))
    sandbox = next(sandbox_served)
    address = urlparse(sandbox.url)
    assert address.hostname == "127.0.0.1"
    monkeypatch.setattr(shopify.Session, "protocol", address.scheme)
    monkeypatch.setattr(shopify.Session, "myshopify_domain", "0.0.1")
    monkeypatch.setattr(shopify.Session, "port", address.port)
    api_session = shopify.Session("127", credentials.SHOPIFY_API_VERSION, credentials.SHOPIFY_ACCESS_TOKEN)
    shopify.ShopifyResource.activate_session(api_session)
    try:
        yield sandbox
    finally:
        shopify.ShopifyResource.clear_session()
        sandbox_served.close()


def _read(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    answer = json.loads(shopify.GraphQL().execute(query, variables))
    assert "errors" not in answer, answer["errors"]
    return answer["data"]  # type: ignore[no-any-return]


def _seed_orders(shop: Shopify) -> None:
    """A paid order with a fixed discount code, partly refunded; and one with a percentage code."""
    variants = shop.data("{ productVariants(first: 3) { nodes { id } } }")["productVariants"]["nodes"]
    fixed = {
        "lineItems": [
            {"variantId": variants[0]["id"], "quantity": 2},
            {"variantId": variants[1]["id"], "quantity": 1},
        ],
        "financialStatus": "PAID",
        "discountCode": {
            "itemFixedDiscountCode": {
                "code": "SAVE500",
                "amountSet": {"shopMoney": {"amount": "500", "currencyCode": "JPY"}},
            }
        },
    }
    created = shop.data(ORDER_CREATE, {"order": fixed})["orderCreate"]
    assert created["userErrors"] == []
    order = created["order"]
    refund = {
        "orderId": order["id"],
        "refundLineItems": [
            {"lineItemId": order["lineItems"]["nodes"][0]["id"], "quantity": 1, "restockType": "NO_RESTOCK"}
        ],
        "transactions": [{"orderId": order["id"], "kind": "REFUND", "gateway": "manual", "amount": "10000"}],
    }
    assert shop.data(REFUND_CREATE, {"input": refund})["refundCreate"]["userErrors"] == []
    percent = {
        "lineItems": [{"variantId": variants[2]["id"], "quantity": 3}],
        "financialStatus": "PAID",
        "discountCode": {"itemPercentageDiscountCode": {"code": "TENOFF", "percentage": 10}},
    }
    assert shop.data(ORDER_CREATE, {"order": percent})["orderCreate"]["userErrors"] == []


def _amount(value: str) -> Decimal:
    return Decimal(value)


def test_the_library_reads_the_shop_and_the_access_scopes_over_rest_and_graphql(session: Shopify) -> None:
    state = session.sandbox.state
    shop = shopify.Shop.current()
    assert (shop.name, shop.currency, shop.iana_timezone) == (
        state.shop.name,
        state.shop.currency,
        state.shop.iana_timezone,
    )
    scopes = _read("{ currentAppInstallation { accessScopes { handle } } }")
    assert [s["handle"] for s in scopes["currentAppInstallation"]["accessScopes"]] == list(ACCESS_SCOPES)


def test_the_library_reads_products_variants_and_locations_as_the_state_holds_them(session: Shopify) -> None:
    state: ShopState = session.sandbox.state
    data = _read(CATALOGUE)
    assert data["products"]["pageInfo"]["hasNextPage"] is False
    products = data["products"]["nodes"]
    assert [p["id"] for p in products] == [gid("Product", n) for n in state.products]
    for read in products:
        held = state.products[int(read["id"].rsplit("/", 1)[1])]
        assert (read["title"], read["handle"], read["status"], read["vendor"], read["productType"]) == (
            held.title,
            held.handle,
            held.status,
            held.vendor,
            held.product_type,
        )
        assert read["tags"] == sorted(held.tags)
        variants = read["variants"]["nodes"]
        assert [v["id"] for v in variants] == [gid("ProductVariant", v) for v in held.variant_ids]
        for variant in variants:
            own = state.variants[int(variant["id"].rsplit("/", 1)[1])]
            item = state.items[own.inventory_item_id]
            assert (variant["sku"], _amount(variant["price"])) == (item.sku, own.price)
            assert variant["inventoryItem"] == {"id": gid("InventoryItem", item.id), "tracked": item.tracked}
    locations = data["locations"]["nodes"]
    assert sorted(loc["id"] for loc in locations) == sorted(gid("Location", n) for n in state.locations)
    for loc in locations:
        held_location = state.locations[int(loc["id"].rsplit("/", 1)[1])]
        assert (loc["name"], loc["isActive"], loc["isFulfillmentService"]) == (
            held_location.name,
            held_location.active,
            False,
        )


def test_the_library_pages_through_inventory_levels_as_the_state_holds_them(session: Shopify) -> None:
    state: ShopState = session.sandbox.state
    seen: dict[tuple[str, str], dict[str, int]] = {}
    cursor = None
    while True:
        page = _read(INVENTORY, {"cursor": cursor})["inventoryItems"]
        for item in page["nodes"]:
            for level in item["inventoryLevels"]["nodes"]:
                quantities = {q["name"]: q["quantity"] for q in level["quantities"]}
                seen[(item["id"], level["location"]["id"])] = quantities
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursor = page["pageInfo"]["endCursor"]
    held = {
        (gid("InventoryItem", level.item_id), gid("Location", level.location_id)): {
            "available": level.quantity("available"),
            "committed": level.quantity("committed"),
            "on_hand": level.quantity("on_hand"),
        }
        for by_location in state.levels.values()
        for level in by_location.values()
    }
    assert seen == held
    assert len(held) > 10


def test_the_library_reads_orders_with_discounts_refunds_and_transactions(session: Shopify) -> None:
    _seed_orders(session)
    state: ShopState = session.sandbox.state
    read_orders = _read(ORDERS)["orders"]
    assert read_orders["pageInfo"]["hasNextPage"] is False
    orders = read_orders["nodes"]
    assert sorted(o["id"] for o in orders) == sorted(gid("Order", n) for n in state.orders)
    codes = []
    for read in orders:
        held = state.orders[int(read["id"].rsplit("/", 1)[1])]
        assert read["name"] == held.name
        assert read["displayFinancialStatus"] == held.financial_status
        applications = read["discountApplications"]["nodes"]
        assert [(a["__typename"], a["code"], a["index"]) for a in applications] == [
            ("DiscountCodeApplication", d.code, d.index) for d in held.discount_applications
        ]
        for application, own in zip(applications, held.discount_applications, strict=True):
            if own.percentage is not None:
                assert application["value"] == {"percentage": float(own.percentage)}
            else:
                assert _amount(application["value"]["amount"]) == own.amount
        codes += read["discountCodes"]
        assert _amount(read["totalDiscountsSet"]["shopMoney"]["amount"]) == sum(
            (li.discount for li in held.line_items), Decimal(0)
        )
        lines = read["lineItems"]["nodes"]
        assert [line["id"] for line in lines] == [gid("LineItem", li.id) for li in held.line_items]
        for line, own_line in zip(lines, held.line_items, strict=True):
            assert (line["sku"], line["quantity"], line["currentQuantity"]) == (
                own_line.sku,
                own_line.quantity,
                own_line.quantity - own_line.refunded_quantity,
            )
            assert [
                (a["discountApplication"]["index"], _amount(a["allocatedAmountSet"]["shopMoney"]["amount"]))
                for a in line["discountAllocations"]
            ] == [(a.index, a.amount) for a in own_line.discount_allocations]
        assert sum((line_total(li) for li in held.line_items), Decimal(0)) == _amount(
            read["totalPriceSet"]["shopMoney"]["amount"]
        )
        assert [r["id"] for r in read["refunds"]] == [gid("Refund", r) for r in held.refund_ids]
        for refund in read["refunds"]:
            own_refund = state.refunds[int(refund["id"].rsplit("/", 1)[1])]
            assert _amount(refund["totalRefundedSet"]["shopMoney"]["amount"]) == own_refund.total
            assert [
                (
                    r["lineItem"]["id"],
                    r["quantity"],
                    r["restockType"],
                    _amount(r["subtotalSet"]["shopMoney"]["amount"]),
                )
                for r in refund["refundLineItems"]["nodes"]
            ] == [
                (gid("LineItem", r.line_item_id), r.quantity, r.restock_type, r.subtotal)
                for r in own_refund.lines
            ]
            assert [t["id"] for t in refund["transactions"]["nodes"]] == [
                gid("OrderTransaction", t) for t in own_refund.transaction_ids
            ]
        assert [
            (t["id"], t["kind"], t["status"], t["gateway"], _amount(t["amountSet"]["shopMoney"]["amount"]))
            for t in read["transactions"]
        ] == [
            (gid("OrderTransaction", t), tx.kind, tx.status, tx.gateway, tx.amount)
            for t in held.transaction_ids
            for tx in [state.transactions[t]]
        ]
    assert sorted(codes) == ["SAVE500", "TENOFF"]
    refunds = [r for o in orders for r in o["refunds"]]
    assert len(refunds) == 1 and refunds[0]["refundLineItems"]["nodes"][0]["quantity"] == 1
