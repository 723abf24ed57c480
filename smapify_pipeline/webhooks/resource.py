"""The inbox as a Dagster resource, so sensors get it injected and tests can point it at a temporary file."""

from __future__ import annotations

import dagster as dg

from smapify_pipeline.webhooks.inbox import WebhookInbox


class WebhookInboxResource(dg.ConfigurableResource):
    """The receiver's inbox file (``data/inbox.sqlite``); read-only from the sensors' side."""

    path: str

    def get_inbox(self) -> WebhookInbox:
        return WebhookInbox(self.path)
