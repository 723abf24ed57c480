"""A verified delivery → an :class:`InboxEvent`, and what an event means to the sensors.

Shopify bodies are the REST resource of the topic: ``orders/*`` carry the order (``admin_graphql_api_id``,
``source_name``, ``source_identifier``, ``tags`` as one comma-separated string), ``refunds/create`` the refund
(``order_id``, ``note``). Smaregi bodies carry ids only: ``{"contractId", "event", "action",
"transactionHeadIds": [...]}``.

Echo filter: a Shopify event about an order or refund *we* wrote (our markers, ``sync.markers``) is recorded
but does not ask for a run. A Smaregi event carries no marker, so one about a transaction we wrote still asks
for one run, which then finds nothing to mirror (the markers stop the echo in the plan).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smapify_pipeline.sync import markers
from smapify_pipeline.webhooks.inbox import InboxEvent


class MalformedDelivery(ValueError):
    """An authentic delivery whose body cannot be understood."""


def _order_gid(value: Any) -> str:
    text = str(value)
    return text if text.startswith("gid://") else f"gid://shopify/Order/{text}"


def shopify_event(topic: str, delivery_id: str, payload: Any, received_at: datetime) -> InboxEvent:
    if not isinstance(payload, dict):
        raise MalformedDelivery("Shopify webhook body is not a JSON object")
    if topic == "refunds/create":
        order = payload.get("order_id")
    else:
        order = payload.get("admin_graphql_api_id") or payload.get("id")
    if order is None:
        raise MalformedDelivery(f"Shopify {topic} body names no order")
    return InboxEvent(
        platform="shopify",
        delivery_id=delivery_id,
        topic=topic,
        action=None,
        resource_ids=(_order_gid(order),),
        payload=payload,
        received_at=received_at,
    )


def smaregi_event(event: str, delivery_id: str, payload: Any, received_at: datetime) -> InboxEvent:
    if not isinstance(payload, dict):
        raise MalformedDelivery("Smaregi webhook body is not a JSON object")
    ids = payload.get("transactionHeadIds")
    if not isinstance(ids, list):
        raise MalformedDelivery(f"Smaregi {event} body has no transactionHeadIds list")
    return InboxEvent(
        platform="smaregi",
        delivery_id=delivery_id,
        topic=event,
        action=str(payload.get("action")) if payload.get("action") is not None else None,
        resource_ids=tuple(str(i) for i in ids),
        payload=payload,
        received_at=received_at,
    )


def shopify_event_is_echo(event: InboxEvent) -> bool:
    """An orders/* or refunds/create delivery about a document we created (never a reason to run)."""
    payload = event.payload
    if event.topic == "refunds/create":
        return markers.refund_is_ours(payload.get("note"))
    tags = tuple(t.strip() for t in str(payload.get("tags") or "").split(",") if t.strip())
    return markers.order_is_ours(payload.get("source_name"), payload.get("source_identifier"), tags)
