"""The choices made for the webhook receiver where the platforms say nothing (kept here so they can be corrected).

Its settings (inbox, secrets, the Smaregi secret header) are in ``settings.ReceiverSettings``.

* ``MAX_BODY_BYTES`` — deliveries above 1 MiB are refused with 413 (Shopify order payloads are a few KiB;
  neither platform documents a maximum).
* ``SMAREGI_ACCEPTED_EVENTS`` / ``SHOPIFY_ACCEPTED_TOPICS`` — other events and topics are answered 200 and
  not recorded, so a platform that adds one does not retry forever (Smaregi warns new actions may appear).
* ``INBOX_RETENTION_DAYS`` — recorded events older than this are pruned by the receiver (the sensors read
  within seconds; a week leaves room to investigate).
"""

from __future__ import annotations

MAX_BODY_BYTES = 1024 * 1024
INBOX_RETENTION_DAYS = 7
PRUNE_EVERY = 1000

SHOPIFY_ACCEPTED_TOPICS: frozenset[str] = frozenset(
    {"orders/create", "orders/updated", "orders/cancelled", "refunds/create"}
)
"""REST topics recorded in the inbox (what the orders sensor acts on)."""
SHOPIFY_SUBSCRIBED_TOPICS: tuple[str, ...] = (
    "ORDERS_CREATE",
    "ORDERS_UPDATED",
    "ORDERS_CANCELLED",
    "REFUNDS_CREATE",
)
"""The same topics as ``webhookSubscriptionCreate`` enum values, subscribed by :mod:`.register`."""
SMAREGI_ACCEPTED_EVENTS: frozenset[str] = frozenset({"pos:transactions"})
"""``Smaregi-Event`` values recorded in the inbox (what the sales sensor acts on)."""

SHOPIFY_PATH = "/webhooks/shopify"
SMAREGI_PATH = "/webhooks/smaregi"
