"""Where the webhook receiver keeps its inbox, which secrets it checks, and the choices made for it.

Secrets come from environment variables only and are never logged or echoed:

* ``SHOPIFY_CLIENT_SECRET`` — the app's client secret, the key of ``X-Shopify-Hmac-Sha256``;
* ``SMAREGI_WEBHOOK_SECRET`` — the shared secret the app sends in a custom header, named by
  ``SMAREGI_WEBHOOK_SECRET_HEADER`` (default ``X-Smaregi-Webhook-Secret``, the sandbox's header).

Unset secrets fall back to the sandboxes' public ones **only while that platform is the sandbox** (the same
rule as the API credentials, ``settings.PlatformSettings``); against a real platform an unset secret is a
setting error, so a public secret can never accept forged deliveries.

Choices where the references are unsure (kept here so they can be corrected):

* ``MAX_BODY_BYTES`` — deliveries above 1 MiB are refused with 413 (Shopify order payloads are a few KiB;
  neither platform documents a maximum).
* ``SMAREGI_ACCEPTED_EVENTS`` / ``SHOPIFY_ACCEPTED_TOPICS`` — other events and topics are answered 200 and
  not recorded, so a platform that adds one does not retry forever (Smaregi warns new actions may appear).
* ``INBOX_RETENTION_DAYS`` — recorded events older than this are pruned by the receiver (the sensors read
  within seconds; a week leaves room to investigate).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from smapify_pipeline.sandbox import credentials as sandbox
from smapify_pipeline.sandbox.smaregi.choices import WEBHOOK_SECRET_HEADER
from smapify_pipeline.settings import SettingsError, load_settings

MAX_BODY_BYTES = 1024 * 1024
INBOX_RETENTION_DAYS = 7
PRUNE_EVERY = 1000
INBOX_FILE_NAME = "inbox.sqlite"

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


@dataclass(frozen=True)
class ReceiverSettings:
    """Everything the receiver checks. ``repr`` hides the secrets."""

    inbox_path: Path
    shopify_secret: str = field(repr=False)
    smaregi_secret: str = field(repr=False)
    smaregi_contract_id: str
    smaregi_secret_header: str = WEBHOOK_SECRET_HEADER

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReceiverSettings:
        env = dict(os.environ if environ is None else environ)
        settings = load_settings(env)
        platforms = settings.platforms
        shopify_secret = env.get("SHOPIFY_CLIENT_SECRET") or ""
        if not shopify_secret:
            if not platforms.shopify_uses_sandbox:
                raise SettingsError(
                    "setting SHOPIFY_CLIENT_SECRET: required to verify Shopify webhooks from a real shop"
                )
            shopify_secret = sandbox.SHOPIFY_CLIENT_SECRET
        smaregi_secret = env.get("SMAREGI_WEBHOOK_SECRET") or ""
        if not smaregi_secret:
            if not platforms.smaregi_uses_sandbox:
                raise SettingsError(
                    "setting SMAREGI_WEBHOOK_SECRET: required to verify Smaregi webhooks from a real contract"
                )
            smaregi_secret = sandbox.SMAREGI_WEBHOOK_SECRET
        return cls(
            inbox_path=inbox_path(settings.data_dir),
            shopify_secret=shopify_secret,
            smaregi_secret=smaregi_secret,
            smaregi_contract_id=platforms.smaregi_contract_id,
            smaregi_secret_header=env.get("SMAREGI_WEBHOOK_SECRET_HEADER") or WEBHOOK_SECRET_HEADER,
        )


def inbox_path(data_dir: Path) -> Path:
    """The inbox file inside the data folder (``data/inbox.sqlite`` by default)."""
    return data_dir / INBOX_FILE_NAME
