"""Webhook subscriptions and signed REST-shaped deliveries emitted by state changes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from smapify_pipeline.platforms import sandboxes as credentials

from .conftest import Receiver, Shopify

SUBSCRIBE = """
mutation($topic: WebhookSubscriptionTopic!, $uri: String!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: {uri: $uri, format: JSON}) {
    webhookSubscription { id topic uri endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } }
    userErrors { field message }
  }
}
"""


def _subscribe(shopify: Shopify, receiver: Receiver, *topics: str) -> None:
    for topic in topics:
        payload = shopify.data(SUBSCRIBE, {"topic": topic, "uri": receiver.url})["webhookSubscriptionCreate"]
        assert payload["userErrors"] == []
        assert payload["webhookSubscription"]["endpoint"]["callbackUrl"] == receiver.url


def _valid(body: bytes, signature: str, secret: str) -> bool:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(digest, signature)


def test_a_storefront_sale_sends_signed_deliveries_sharing_one_event_id(
    shopify: Shopify, receiver: Receiver
) -> None:
    _subscribe(shopify, receiver, "ORDERS_CREATE", "INVENTORY_LEVELS_UPDATE")
    sku = next(iter(shopify.sandbox.state.items.values())).sku
    order_id = shopify.hook("sale", {"lines": [{"sku": sku, "quantity": 1}]})["orderId"]
    deliveries = receiver.wait_for(2)
    assert len(deliveries) == 2
    by_topic = {d.headers["x-shopify-topic"]: d for d in deliveries}
    assert set(by_topic) == {"orders/create", "inventory_levels/update"}
    for delivery in deliveries:
        signature = delivery.headers["x-shopify-hmac-sha256"]
        assert _valid(delivery.body, signature, credentials.SHOPIFY_CLIENT_SECRET)
        assert not _valid(delivery.body, signature, "another-secret")
        assert delivery.headers["x-shopify-shop-domain"] == credentials.SHOPIFY_SHOP_DOMAIN
        assert delivery.headers["x-shopify-api-version"] == "2026-10"
    assert len({d.headers["x-shopify-event-id"] for d in deliveries}) == 1
    assert len({d.headers["x-shopify-webhook-id"] for d in deliveries}) == 2
    order = json.loads(by_topic["orders/create"].body)
    assert order["admin_graphql_api_id"] == order_id
    assert order["id"] == int(order_id.rsplit("/", 1)[1])
    assert order["source_name"] == "web"
    assert order["line_items"][0]["sku"] == sku
    level = json.loads(by_topic["inventory_levels/update"].body)
    assert set(level) == {
        "inventory_item_id",
        "location_id",
        "available",
        "updated_at",
        "admin_graphql_api_id",
    }


def test_product_create_update_and_delete_fire_their_topics(shopify: Shopify, receiver: Receiver) -> None:
    _subscribe(shopify, receiver, "PRODUCTS_CREATE", "PRODUCTS_UPDATE", "PRODUCTS_DELETE")
    created = shopify.hook(
        "products", {"action": "create", "title": "新作マグ", "sku": "4999999999994", "price": 1500}
    )
    shopify.hook(
        "products", {"action": "update", "sku": "4999999999994", "title": "新作マグ 改", "price": 1650}
    )
    shopify.hook("products", {"action": "delete", "sku": "4999999999994"})
    deliveries = receiver.wait_for(3)
    topics = [d.headers["x-shopify-topic"] for d in deliveries]
    assert sorted(topics) == ["products/create", "products/delete", "products/update"]
    update = json.loads(next(d for d in deliveries if d.headers["x-shopify-topic"] == "products/update").body)
    assert update["title"] == "新作マグ 改"
    assert update["status"] == "active"
    assert update["variants"][0]["price"] == "1650.00"
    assert update["variants"][0]["sku"] == "4999999999994"
    deleted = json.loads(
        next(d for d in deliveries if d.headers["x-shopify-topic"] == "products/delete").body
    )
    assert deleted == {"id": int(created["productId"].rsplit("/", 1)[1])}


def test_a_refund_fires_refunds_create_and_orders_updated(shopify: Shopify, receiver: Receiver) -> None:
    sku = next(iter(shopify.sandbox.state.items.values())).sku
    order_id = shopify.sandbox.storefront_sale([(sku, 2)], fulfilled=True)
    _subscribe(shopify, receiver, "REFUNDS_CREATE", "ORDERS_UPDATED")
    line_id = shopify.data(
        "query($id: ID!) { order(id: $id) { lineItems(first: 1) { nodes { id } } } }", {"id": order_id}
    )["order"]["lineItems"]["nodes"][0]["id"]
    location = f"gid://shopify/Location/{next(iter(shopify.sandbox.state.locations))}"
    shopify.data(
        """mutation($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "w1") { userErrors { message } } }""",
        {
            "input": {
                "orderId": order_id,
                "refundLineItems": [
                    {"lineItemId": line_id, "quantity": 1, "restockType": "RETURN", "locationId": location}
                ],
            }
        },
    )
    deliveries = receiver.wait_for(2)
    refund = json.loads(next(d for d in deliveries if d.headers["x-shopify-topic"] == "refunds/create").body)
    line = refund["refund_line_items"][0]
    assert (line["restock_type"], line["quantity"], line["location_id"]) == (
        "return",
        1,
        int(location.rsplit("/", 1)[1]),
    )
    assert len({d.headers["x-shopify-event-id"] for d in deliveries}) == 1


def test_subscriptions_can_be_listed_and_deleted(shopify: Shopify, receiver: Receiver) -> None:
    _subscribe(shopify, receiver, "ORDERS_CREATE")
    listed = shopify.data("{ webhookSubscriptions(first: 10) { nodes { id topic uri } } }")[
        "webhookSubscriptions"
    ]["nodes"]
    assert [n["topic"] for n in listed] == ["ORDERS_CREATE"]
    deleted = shopify.data(
        "mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }",
        {"id": listed[0]["id"]},
    )["webhookSubscriptionDelete"]
    assert deleted == {"deletedWebhookSubscriptionId": listed[0]["id"], "userErrors": []}
    assert (
        shopify.data("{ webhookSubscriptions(first: 10) { nodes { id } } }")["webhookSubscriptions"]["nodes"]
        == []
    )


def test_duplicated_deliveries_keep_their_webhook_id(shopify: Shopify, receiver: Receiver) -> None:
    _subscribe(shopify, receiver, "ORDERS_CREATE")
    shopify.hook("webhooks/delivery", {"duplicates": 1.0, "seed": 1})
    sku = next(iter(shopify.sandbox.state.items.values())).sku
    shopify.hook("sale", {"lines": [{"sku": sku, "quantity": 1}]})
    deliveries = receiver.wait_for(2)
    assert len(deliveries) >= 2
    assert len({d.headers["x-shopify-webhook-id"] for d in deliveries}) == 1
    assert shopify.hook("webhooks/drain")["drained"] is True
