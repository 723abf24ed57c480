"""Shopify webhook subscriptions and signed deliveries.

What a receiver sees (shopify.dev "Verify webhook deliveries", "Delivery structure"):

* a POST of the REST-shaped resource as compact UTF-8 JSON (the payload is built by the caller);
* ``X-Shopify-Topic`` (REST form, ``orders/create``), ``X-Shopify-Hmac-Sha256`` = base64 of HMAC-SHA256 of the
  raw body keyed with the app's client secret, ``X-Shopify-Shop-Domain``, ``X-Shopify-API-Version``,
  ``X-Shopify-Webhook-Id`` — one per delivery (one per subscription per event), unchanged on retries and on
  duplicates, the key receivers dedupe on — ``X-Shopify-Event-Id`` — shared by every delivery that one
  merchant action caused, across topics and subscriptions — and ``X-Shopify-Triggered-At``;
* retries, duplicates and reordering come from :class:`WebhookDelivery`.

``webhookSubscriptionCreate`` / ``Delete`` userErrors use the messages Shopify answers with ("Address for this
topic has already been taken", "Address is invalid", "Webhook subscription does not exist"), as seen in public
client code handling real answers.

Choices where Shopify's documentation is silent:

* Plain ``http://`` callback URLs are accepted (real Shopify requires HTTPS; the sandbox and its receivers live
  on loopback). Anything without a scheme and host is "Address is invalid".
* The same topic and address twice is refused; the same address for another topic is fine.
* ``includeFields`` trims the payload to those top-level keys.
* ``User-Agent: Shopify-Captain-Hook``, the agent real deliveries carry.
* Webhook and event ids are random UUIDs; ``X-Shopify-Triggered-At`` is the simulated time of the emit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import WebhookDelivery

TOPICS: dict[str, str] = {
    "BULK_OPERATIONS_FINISH": "bulk_operations/finish",
    "INVENTORY_LEVELS_UPDATE": "inventory_levels/update",
    "ORDERS_CANCELLED": "orders/cancelled",
    "ORDERS_CREATE": "orders/create",
    "ORDERS_UPDATED": "orders/updated",
    "PRODUCTS_CREATE": "products/create",
    "PRODUCTS_DELETE": "products/delete",
    "PRODUCTS_UPDATE": "products/update",
    "REFUNDS_CREATE": "refunds/create",
}
"""GraphQL ``WebhookSubscriptionTopic`` value -> the REST topic carried in ``X-Shopify-Topic``."""

REST_TOPICS: dict[str, str] = {rest: enum for enum, rest in TOPICS.items()}
USER_AGENT = "Shopify-Captain-Hook"
_GID_PREFIX = "gid://shopify/WebhookSubscription/"


def sign(body: bytes, secret: str) -> str:
    """The ``X-Shopify-Hmac-Sha256`` value: base64 of HMAC-SHA256 over the raw body, keyed with the secret."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, secret: str, signature: str) -> bool:
    """What a receiver does: recompute the signature and compare in constant time."""
    return hmac.compare_digest(sign(body, secret), signature)


def shopify_timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as Shopify writes ``createdAt`` and friends."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json_value(value: object) -> str:
    """JSON for the values REST payloads hold that ``json`` does not know: money as strings, ISO times."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"webhook payload value of type {type(value).__name__} is not JSON serializable")


@dataclass
class WebhookSubscription:
    id: str
    topic: str
    """The GraphQL enum value, e.g. ``ORDERS_CREATE``."""
    callback_url: str
    created_at: datetime
    updated_at: datetime
    format: str = "JSON"
    include_fields: list[str] = field(default_factory=list)

    @property
    def legacy_resource_id(self) -> int:
        return int(self.id.removeprefix(_GID_PREFIX))

    @property
    def rest_topic(self) -> str:
        return TOPICS[self.topic]

    def to_graphql(self) -> dict:
        """The ``WebhookSubscription`` object as the schema spells it (``endpoint`` carries its typename)."""
        return {
            "__typename": "WebhookSubscription",
            "id": self.id,
            "legacyResourceId": str(self.legacy_resource_id),
            "topic": self.topic,
            "format": self.format,
            "uri": self.callback_url,
            "callbackUrl": self.callback_url,
            "endpoint": {"__typename": "WebhookHttpEndpoint", "callbackUrl": self.callback_url},
            "includeFields": list(self.include_fields),
            "createdAt": shopify_timestamp(self.created_at),
            "updatedAt": shopify_timestamp(self.updated_at),
        }


@dataclass(frozen=True)
class EmittedDelivery:
    """One delivery handed to the queue: which subscription, which ids (for tests and the /_sandbox hooks)."""

    subscription_id: str
    topic: str
    webhook_id: str
    event_id: str
    url: str


class ShopifyWebhooks:
    """The shop's webhook subscriptions, and the signed deliveries an event causes."""

    def __init__(
        self, delivery: WebhookDelivery, secret: str, shop_domain: str, api_version: str, clock: SandboxClock
    ) -> None:
        self.delivery = delivery
        self._secret = secret
        self.shop_domain = shop_domain
        self.api_version = api_version
        self.clock = clock
        self.emitted: list[EmittedDelivery] = []
        self._subscriptions: dict[str, WebhookSubscription] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def subscribe(
        self, topic: str, callback_url: str, include_fields: list[str] | None = None, format: str = "JSON"
    ) -> tuple[WebhookSubscription | None, list[dict]]:
        """``webhookSubscriptionCreate``: the new subscription, or None and userErrors."""
        if topic not in TOPICS:
            return None, [{"field": ["topic"], "message": "Topic is invalid"}]
        if format != "JSON":
            return None, [{"field": ["webhookSubscription", "format"], "message": "Format is invalid"}]
        url = (callback_url or "").strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None, [{"field": ["webhookSubscription", "callbackUrl"], "message": "Address is invalid"}]
        with self._lock:
            if any(s.topic == topic and s.callback_url == url for s in self._subscriptions.values()):
                return None, [
                    {
                        "field": ["webhookSubscription", "callbackUrl"],
                        "message": "Address for this topic has already been taken",
                    }
                ]
            now = self.clock.now()
            subscription = WebhookSubscription(
                id=f"{_GID_PREFIX}{next(self._ids)}",
                topic=topic,
                callback_url=url,
                created_at=now,
                updated_at=now,
                format=format,
                include_fields=list(include_fields or []),
            )
            self._subscriptions[subscription.id] = subscription
        return subscription, []

    def unsubscribe(self, gid: str) -> tuple[str | None, list[dict]]:
        """``webhookSubscriptionDelete``: the deleted id, or None and userErrors."""
        with self._lock:
            if self._subscriptions.pop(gid, None) is None:
                return None, [{"field": ["id"], "message": "Webhook subscription does not exist"}]
        return gid, []

    def get(self, gid: str) -> WebhookSubscription | None:
        with self._lock:
            return self._subscriptions.get(gid)

    def subscriptions(self) -> list[WebhookSubscription]:
        with self._lock:
            return sorted(self._subscriptions.values(), key=lambda s: s.legacy_resource_id)

    @staticmethod
    def new_event_id() -> str:
        """An ``X-Shopify-Event-Id`` to share between the emits of one merchant action."""
        return str(uuid.uuid4())

    def emit(self, topic: str, payload: dict, event_id: str | None = None) -> None:
        """Send ``payload`` (REST-shaped) to every subscriber of ``topic`` (REST form, e.g. ``orders/create``)."""
        if topic not in REST_TOPICS:
            raise ValueError(f"unknown webhook topic {topic!r}; known: {sorted(REST_TOPICS)}")
        event_id = event_id or self.new_event_id()
        triggered_at = self.clock.now().astimezone(UTC).isoformat().replace("+00:00", "Z")
        subscribers = [s for s in self.subscriptions() if s.rest_topic == topic]
        for subscription in subscribers:
            body_object = payload
            if subscription.include_fields:
                body_object = {k: v for k, v in payload.items() if k in subscription.include_fields}
            body = json.dumps(body_object, ensure_ascii=False, separators=(",", ":"), default=_json_value)
            body_bytes = body.encode("utf-8")
            webhook_id = str(uuid.uuid4())
            headers = {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-Shopify-Topic": topic,
                "X-Shopify-Hmac-Sha256": sign(body_bytes, self._secret),
                "X-Shopify-Shop-Domain": self.shop_domain,
                "X-Shopify-API-Version": self.api_version,
                "X-Shopify-Webhook-Id": webhook_id,
                "X-Shopify-Event-Id": event_id,
                "X-Shopify-Triggered-At": triggered_at,
            }
            with self._lock:
                self.emitted.append(
                    EmittedDelivery(subscription.id, topic, webhook_id, event_id, subscription.callback_url)
                )
            self.delivery.send(subscription.callback_url, body_bytes, headers)
