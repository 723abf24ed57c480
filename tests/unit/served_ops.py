"""Both sandboxes and the webhook receiver over real HTTP, and the sensors' resources pointed at them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.resources import ShopifyResource, SmaregiResource
from smapify_pipeline.sandbox.pair import SandboxPair, ServingPair
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.settings import ReceiverSettings
from smapify_pipeline.webhooks import WebhookInbox, WebhookInboxResource, WebhookReceiver


@dataclass
class Ops:
    pair: SandboxPair
    servers: ServingPair
    receiver: WebhookReceiver
    receiver_url: str
    inbox: WebhookInbox
    smaregi: SmaregiResource
    shopify: ShopifyResource
    inbox_resource: WebhookInboxResource


def receiver_settings(inbox_path: Path) -> ReceiverSettings:
    return ReceiverSettings(
        inbox_path=inbox_path,
        shopify_secret=sandboxes.SHOPIFY_CLIENT_SECRET,
        smaregi_secret=sandboxes.SMAREGI_WEBHOOK_SECRET,
        smaregi_contract_id=sandboxes.SMAREGI_CONTRACT_ID,
    )


@contextmanager
def served_ops(tmp_path: Path) -> Iterator[Ops]:
    """Serve both sandboxes and a webhook receiver whose inbox lives under ``tmp_path``."""
    pair = SandboxPair.create(seed_size="small", seed=5, locations=2)
    receiver = WebhookReceiver(receiver_settings(tmp_path / "inbox.sqlite"))
    try:
        with pair.serve() as servers, SandboxServer(receiver.app) as receiver_server:
            yield Ops(
                pair=pair,
                servers=servers,
                receiver=receiver,
                receiver_url=receiver_server.url,
                inbox=receiver.inbox,
                smaregi=SmaregiResource(
                    api_base_url=servers.smaregi_url,
                    id_base_url=servers.smaregi_url,
                    contract_id=sandboxes.SMAREGI_CONTRACT_ID,
                    client_id=sandboxes.SMAREGI_CLIENT_ID,
                    client_secret=sandboxes.SMAREGI_CLIENT_SECRET,
                ),
                shopify=ShopifyResource(
                    base_url=servers.shopify_url, access_token=sandboxes.SHOPIFY_ACCESS_TOKEN
                ),
                inbox_resource=WebhookInboxResource(path=str(tmp_path / "inbox.sqlite")),
            )
    finally:
        pair.shopify.close()
        pair.smaregi.close()
