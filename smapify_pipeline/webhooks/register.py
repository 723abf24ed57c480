"""Point both platforms' webhooks at the receiver.

Shopify: one ``webhookSubscriptionCreate`` per topic (a subscription that already exists for the address is
left as it is, so registering twice is harmless). Smaregi has no API for this — on the real platform the
target URL and the custom secret header are set in the developer console — so only the sandbox can be
configured here, through its ``POST /_sandbox/webhooks`` hook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.settings import ReceiverSettings, load_settings
from smapify_pipeline.webhooks import choices

SUBSCRIBE = """
mutation SubscribeWebhook($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}
"""

ALREADY_TAKEN = "Address for this topic has already been taken"


class RegistrationError(RuntimeError):
    """A platform refused the subscription for a reason other than "already subscribed"."""


@dataclass(frozen=True)
class ShopifySubscription:
    topic: str
    subscription_id: str | None
    """None when the address was already subscribed to the topic."""


def receiver_urls(receiver_base_url: str) -> tuple[str, str]:
    """(Shopify URL, Smaregi URL) of a receiver served at ``receiver_base_url``."""
    base = receiver_base_url.rstrip("/")
    return base + choices.SHOPIFY_PATH, base + choices.SMAREGI_PATH


def subscribe_shopify(
    client: ShopifyClient,
    receiver_base_url: str,
    topics: Iterable[str] = choices.SHOPIFY_SUBSCRIBED_TOPICS,
) -> list[ShopifySubscription]:
    """Subscribe the receiver to ``topics`` (``WebhookSubscriptionTopic`` values) on the shop."""
    url = receiver_urls(receiver_base_url)[0]
    made: list[ShopifySubscription] = []
    for topic in topics:
        data = client.execute(
            SUBSCRIBE,
            {"topic": topic, "webhookSubscription": {"uri": url, "format": "JSON"}},
            raise_user_errors=False,
        )
        payload = data["webhookSubscriptionCreate"]
        errors = payload.get("userErrors") or []
        if errors and all(e.get("message") == ALREADY_TAKEN for e in errors):
            made.append(ShopifySubscription(topic, None))
            continue
        if errors:
            raise RegistrationError(f"webhookSubscriptionCreate {topic}: {errors}")
        made.append(ShopifySubscription(topic, payload["webhookSubscription"]["id"]))
    return made


def configure_smaregi_sandbox(
    sandbox_url: str,
    receiver_base_url: str,
    secret: str,
    secret_header: str,
    *,
    events: Iterable[str] = choices.SMAREGI_ACCEPTED_EVENTS,
    timeout: float = 10.0,
) -> None:
    """Make the Smaregi sandbox at ``sandbox_url`` deliver ``events`` to the receiver with the shared secret."""
    body = {
        "url": receiver_urls(receiver_base_url)[1],
        "secret": secret,
        "secretHeader": secret_header,
        "events": sorted(events),
    }
    response = httpx.post(
        f"{sandbox_url.rstrip('/')}/_sandbox/webhooks", json=body, timeout=timeout, trust_env=False
    )
    if response.status_code != 200:
        raise RegistrationError(f"Smaregi sandbox refused the webhook target: HTTP {response.status_code}")


def register_sandboxes(receiver_base_url: str, receiver: ReceiverSettings) -> None:
    """Subscribe the receiver on both sandboxes named by the settings (``smapify webhooks serve
    --register-sandboxes``); refuses when either platform is a real one."""
    platforms = load_settings().platforms
    if not (platforms.shopify_uses_sandbox and platforms.smaregi_uses_sandbox):
        raise RegistrationError(
            "only the sandboxes are registered automatically: subscribe a real shop with subscribe_shopify() "
            "and set a real Smaregi contract's webhook URL and secret header in the developer console"
        )
    with ShopifyClient(platforms.shopify_base_url, access_token=sandboxes.SHOPIFY_ACCESS_TOKEN) as client:
        subscribe_shopify(client, receiver_base_url)
    configure_smaregi_sandbox(
        platforms.smaregi_api_base_url,
        receiver_base_url,
        receiver.smaregi_secret,
        receiver.smaregi_secret_header,
    )
