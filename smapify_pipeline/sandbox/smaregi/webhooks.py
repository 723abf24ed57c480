"""Smaregi webhook payloads and headers on top of the shared :class:`WebhookDelivery`.

A delivery carries ids only (``{"contractId", "event", "action", "<ids key>": [...]}``) with the headers
real deliveries carry — ``Smaregi-Event``, ``Smaregi-Contract-Id``, ``Smaregi-Event-Id`` (a UUID per
delivery; a duplicated delivery repeats it) — plus the app's configured shared-secret header. There is no
signature. Smaregi documents no retries, so one attempt per delivery.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.platforms.smaregi.webhooks import SECRET_HEADER
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import WebhookDelivery
from smapify_pipeline.sandbox.smaregi import choices
from smapify_pipeline.sandbox.smaregi.state import SmaregiState

EVENTS = ("pos:transactions", "pos:products", "pos:stock", "pos:categories")


@dataclass
class WebhookConfig:
    url: str | None = None
    secret: str = credentials.SMAREGI_WEBHOOK_SECRET
    secret_header: str = SECRET_HEADER
    events: frozenset[str] = frozenset(EVENTS)


class SmaregiWebhooks:
    """Listens to state changes and queues one delivery per change when a target URL is configured."""

    def __init__(self, state: SmaregiState, clock: SandboxClock, max_attempts: int = 1) -> None:
        self.state = state
        self.config = WebhookConfig()
        self.delivery = WebhookDelivery(clock, max_attempts=max_attempts)
        self.sent: list[dict[str, Any]] = []
        """Every queued delivery (headers and payload), for tests and ``GET /_sandbox/webhooks``."""
        self._lock = threading.Lock()
        state.listeners.append(self.on_change)

    def configure(
        self,
        url: str | None,
        secret: str | None = None,
        secret_header: str | None = None,
        events: list[str] | None = None,
    ) -> None:
        with self._lock:
            self.config = WebhookConfig(
                url=url,
                secret=secret if secret is not None else credentials.SMAREGI_WEBHOOK_SECRET,
                secret_header=secret_header or SECRET_HEADER,
                events=frozenset(events) if events else frozenset(EVENTS),
            )

    def on_change(self, event: str, action: str, ids: dict[str, Any]) -> None:
        config = self.config
        if not config.url or event not in config.events:
            return
        payload = {"contractId": self.state.contract_id, "event": event, "action": action, **ids}
        headers = {
            "Content-Type": "application/json",
            "User-Agent": choices.WEBHOOK_USER_AGENT,
            "Smaregi-Event": event,
            "Smaregi-Contract-Id": self.state.contract_id,
            "Smaregi-Event-Id": str(uuid.uuid4()),
            config.secret_header: config.secret,
        }
        with self._lock:
            self.sent.append({"headers": {k: v for k, v in headers.items() if k != config.secret_header},
                              "payload": payload})  # fmt: skip
        self.delivery.send(config.url, json.dumps(payload, ensure_ascii=False).encode(), headers)
