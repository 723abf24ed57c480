"""Webhook receiver (``smapify webhooks serve``): verifies Shopify and Smaregi deliveries and records them in
a SQLite inbox that the sensors read. Modules: ``choices`` (limits, topics, paths), ``verify`` (HMAC and shared
secret), ``events`` (delivery → inbox event, echo filter), ``inbox`` (the SQLite file), ``app`` (Starlette),
``register`` (subscribe the receiver on the platforms), ``resource`` (the inbox for Dagster).
"""

from smapify_pipeline.webhooks.app import WebhookReceiver, build_receiver
from smapify_pipeline.webhooks.events import shopify_event_is_echo
from smapify_pipeline.webhooks.inbox import InboxEvent, WebhookInbox
from smapify_pipeline.webhooks.register import configure_smaregi_sandbox, receiver_urls, subscribe_shopify
from smapify_pipeline.webhooks.resource import WebhookInboxResource

__all__ = [
    "InboxEvent",
    "WebhookInbox",
    "WebhookInboxResource",
    "WebhookReceiver",
    "build_receiver",
    "configure_smaregi_sandbox",
    "receiver_urls",
    "shopify_event_is_echo",
    "subscribe_shopify",
]
