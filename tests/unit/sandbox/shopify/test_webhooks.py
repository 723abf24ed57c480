"""Shopify webhook subscriptions and signed deliveries, over real HTTP to a small receiver."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import graphql
import pytest

from smapify_pipeline.platforms.sandboxes import SHOPIFY_CLIENT_SECRET, SHOPIFY_SHOP_DOMAIN
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import WebhookDelivery
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.shopify.schema import SCHEMA_PATH
from smapify_pipeline.sandbox.shopify.webhooks import TOPICS, ShopifyWebhooks, sign, verify
from tests.unit.sandbox._webhook_receiver import WebhookReceiver

API_VERSION = "2026-10"


@dataclass
class Rig:
    webhooks: ShopifyWebhooks
    delivery: WebhookDelivery
    receiver: WebhookReceiver
    url: str


@pytest.fixture
def rig() -> Iterator[Rig]:
    receiver = WebhookReceiver()
    clock = SandboxClock(scale=1000.0)
    delivery = WebhookDelivery(clock)
    webhooks = ShopifyWebhooks(delivery, SHOPIFY_CLIENT_SECRET, SHOPIFY_SHOP_DOMAIN, API_VERSION, clock)
    with SandboxServer(receiver.app()) as server:
        try:
            yield Rig(webhooks, delivery, receiver, server.url)
        finally:
            delivery.close()


def test_sign_is_base64_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"id":1}'
    expected = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert sign(body, "secret") == expected
    assert verify(body, "secret", expected)
    assert not verify(body, "another-secret", expected)
    assert not verify(b'{"id":2}', "secret", expected)


def test_topics_map_enum_values_to_rest_topics() -> None:
    assert TOPICS["ORDERS_CREATE"] == "orders/create"
    for rest in (
        "orders/create",
        "orders/updated",
        "refunds/create",
        "products/create",
        "products/update",
        "products/delete",
        "inventory_levels/update",
    ):
        assert rest in TOPICS.values()


def test_delivery_carries_shopify_headers_and_a_verifiable_signature(rig: Rig) -> None:
    rig.webhooks.subscribe("ORDERS_CREATE", f"{rig.url}/webhooks/orders")
    payload = {"id": 820982911946154508, "name": "#1001", "note": "お届け"}
    rig.webhooks.emit("orders/create", payload)
    assert rig.delivery.drain()
    [got] = rig.receiver.received
    assert got.path == "/webhooks/orders"
    assert json.loads(got.body) == payload
    headers = got.headers
    assert headers["x-shopify-topic"] == "orders/create"
    assert headers["x-shopify-shop-domain"] == SHOPIFY_SHOP_DOMAIN
    assert headers["x-shopify-api-version"] == API_VERSION
    assert headers["content-type"] == "application/json"
    assert headers["x-shopify-webhook-id"]
    assert headers["x-shopify-event-id"]
    assert headers["x-shopify-triggered-at"].endswith("Z")
    assert verify(got.body, SHOPIFY_CLIENT_SECRET, headers["x-shopify-hmac-sha256"])
    assert not verify(got.body, "not-the-app-secret", headers["x-shopify-hmac-sha256"])


def test_only_subscribers_of_the_topic_receive_it(rig: Rig) -> None:
    rig.webhooks.subscribe("PRODUCTS_UPDATE", f"{rig.url}/products")
    rig.webhooks.subscribe("ORDERS_CREATE", f"{rig.url}/orders")
    rig.webhooks.emit("products/update", {"id": 1})
    rig.webhooks.emit("refunds/create", {"id": 2})
    assert rig.delivery.drain()
    assert [r.path for r in rig.receiver.received] == ["/products"]


def test_one_merchant_action_shares_the_event_id_but_not_the_webhook_id(rig: Rig) -> None:
    rig.webhooks.subscribe("PRODUCTS_CREATE", f"{rig.url}/a")
    rig.webhooks.subscribe("PRODUCTS_UPDATE", f"{rig.url}/a")
    rig.webhooks.subscribe("PRODUCTS_UPDATE", f"{rig.url}/b")
    event_id = rig.webhooks.new_event_id()
    rig.webhooks.emit("products/create", {"id": 7}, event_id=event_id)
    rig.webhooks.emit("products/update", {"id": 7}, event_id=event_id)
    assert rig.delivery.drain()
    received = rig.receiver.received
    assert len(received) == 3
    assert {r.headers["x-shopify-event-id"] for r in received} == {event_id}
    assert len({r.headers["x-shopify-webhook-id"] for r in received}) == 3
    assert sorted(r.headers["x-shopify-topic"] for r in received) == [
        "products/create",
        "products/update",
        "products/update",
    ]


def test_separate_actions_get_separate_event_ids(rig: Rig) -> None:
    rig.webhooks.subscribe("ORDERS_CREATE", f"{rig.url}/o")
    rig.webhooks.emit("orders/create", {"id": 1})
    rig.webhooks.emit("orders/create", {"id": 2})
    assert rig.delivery.drain()
    assert len({r.headers["x-shopify-event-id"] for r in rig.receiver.received}) == 2


def test_retries_resend_the_same_delivery(rig: Rig) -> None:
    rig.receiver.fail_first = 2
    rig.webhooks.subscribe("REFUNDS_CREATE", f"{rig.url}/refunds")
    rig.webhooks.emit("refunds/create", {"id": 5, "order_id": 9})
    assert rig.delivery.drain()
    received = rig.receiver.received
    assert len(received) == 3
    assert len({r.headers["x-shopify-webhook-id"] for r in received}) == 1
    assert len({r.headers["x-shopify-hmac-sha256"] for r in received}) == 1
    assert len({r.headers["x-shopify-triggered-at"] for r in received}) == 1
    assert len({r.body for r in received}) == 1


def test_duplicates_carry_the_same_webhook_id(rig: Rig) -> None:
    rig.delivery.set_duplicates(1.0, seed=1)
    rig.webhooks.subscribe("INVENTORY_LEVELS_UPDATE", f"{rig.url}/inv")
    rig.webhooks.emit("inventory_levels/update", {"inventory_item_id": 1, "location_id": 2, "available": 8})
    assert rig.delivery.drain()
    received = rig.receiver.received
    assert len(received) == 2
    assert received[0].headers["x-shopify-webhook-id"] == received[1].headers["x-shopify-webhook-id"]
    assert received[0].body == received[1].body


def test_include_fields_trims_the_payload(rig: Rig) -> None:
    rig.webhooks.subscribe("PRODUCTS_UPDATE", f"{rig.url}/p", include_fields=["id", "updated_at"])
    rig.webhooks.emit("products/update", {"id": 1, "title": "T", "updated_at": "2026-01-01T00:00:00+09:00"})
    assert rig.delivery.drain()
    [got] = rig.receiver.received
    assert json.loads(got.body) == {"id": 1, "updated_at": "2026-01-01T00:00:00+09:00"}
    assert verify(got.body, SHOPIFY_CLIENT_SECRET, got.headers["x-shopify-hmac-sha256"])


def test_money_and_times_serialise_like_rest(rig: Rig) -> None:
    rig.webhooks.subscribe("ORDERS_CREATE", f"{rig.url}/o")
    created = datetime(2026, 11, 27, 15, 0, tzinfo=timezone(timedelta(hours=9)))
    rig.webhooks.emit("orders/create", {"id": 1, "total_price": Decimal("2200"), "created_at": created})
    assert rig.delivery.drain()
    [got] = rig.receiver.received
    assert json.loads(got.body) == {"id": 1, "total_price": "2200", "created_at": "2026-11-27T15:00:00+09:00"}
    with pytest.raises(TypeError):
        rig.webhooks.emit("orders/create", {"id": 2, "odd": object()})


def test_unsubscribe_stops_deliveries(rig: Rig) -> None:
    subscription, errors = rig.webhooks.subscribe("ORDERS_UPDATED", f"{rig.url}/o")
    assert subscription is not None and errors == []
    assert rig.webhooks.unsubscribe(subscription.id) == (subscription.id, [])
    rig.webhooks.emit("orders/updated", {"id": 1})
    assert rig.delivery.drain()
    assert rig.receiver.received == []
    assert rig.webhooks.unsubscribe(subscription.id) == (
        None,
        [{"field": ["id"], "message": "Webhook subscription does not exist"}],
    )


def test_subscription_user_errors() -> None:
    clock = SandboxClock()
    delivery = WebhookDelivery(clock)
    try:
        webhooks = ShopifyWebhooks(delivery, "s", "shop.myshopify.com", API_VERSION, clock)
        first, errors = webhooks.subscribe("ORDERS_CREATE", "https://example.test/hook")
        assert first is not None and errors == []
        again, errors = webhooks.subscribe("ORDERS_CREATE", "https://example.test/hook")
        assert again is None
        assert errors == [
            {
                "field": ["webhookSubscription", "callbackUrl"],
                "message": "Address for this topic has already been taken",
            }
        ]
        other_topic, errors = webhooks.subscribe("ORDERS_UPDATED", "https://example.test/hook")
        assert other_topic is not None and errors == []
        bad, errors = webhooks.subscribe("ORDERS_CREATE", "not a url")
        assert bad is None and errors[0]["message"] == "Address is invalid"
        unknown, errors = webhooks.subscribe("CARTS_CREATE", "https://example.test/hook")
        assert unknown is None and errors[0]["field"] == ["topic"]
        assert [s.id for s in webhooks.subscriptions()] == [
            "gid://shopify/WebhookSubscription/1",
            "gid://shopify/WebhookSubscription/2",
        ]
        with pytest.raises(ValueError):
            webhooks.emit("carts/create", {})
    finally:
        delivery.close()


def test_to_graphql_fits_the_sandbox_schema() -> None:
    schema = graphql.build_schema(SCHEMA_PATH.read_text())
    enum = schema.get_type("WebhookSubscriptionTopic")
    assert isinstance(enum, graphql.GraphQLEnumType)
    assert set(TOPICS) <= set(enum.values)
    clock = SandboxClock()
    delivery = WebhookDelivery(clock)
    try:
        webhooks = ShopifyWebhooks(delivery, "s", "shop.myshopify.com", API_VERSION, clock)
        subscription, _ = webhooks.subscribe("PRODUCTS_DELETE", "https://example.test/hook")
        assert subscription is not None
    finally:
        delivery.close()
    result = graphql.graphql_sync(
        schema,
        '{ webhookSubscription(id: "x") { id legacyResourceId topic format uri includeFields createdAt updatedAt '
        "endpoint { __typename ... on WebhookHttpEndpoint { callbackUrl } } } }",
        root_value={"webhookSubscription": subscription.to_graphql()},
    )
    assert result.errors is None
    assert result.data == {
        "webhookSubscription": {
            "id": "gid://shopify/WebhookSubscription/1",
            "legacyResourceId": "1",
            "topic": "PRODUCTS_DELETE",
            "format": "JSON",
            "uri": "https://example.test/hook",
            "includeFields": [],
            "createdAt": subscription.to_graphql()["createdAt"],
            "updatedAt": subscription.to_graphql()["updatedAt"],
            "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": "https://example.test/hook"},
        }
    }
