"""The webhook receiver: a Starlette app that verifies, de-duplicates and records deliveries in the inbox.

| route | checks | answers |
|---|---|---|
| ``POST /webhooks/shopify`` | ``X-Shopify-Hmac-Sha256`` over the raw body | 401 bad or missing signature; 400 no ``X-Shopify-Webhook-Id``/topic or not JSON; 200 otherwise |
| ``POST /webhooks/smaregi`` | shared-secret header + ``Smaregi-Contract-Id`` | 401 wrong secret or contract; 400 no ``Smaregi-Event-Id`` or bad body; 200 otherwise |
| ``GET /healthz`` | – | 200 |

A refused delivery records nothing. Events older than the retention are pruned at start-up and every
``PRUNE_EVERY`` recorded deliveries. A duplicate (same delivery id) is answered 200 with ``"duplicate": true``
so the platform stops retrying. Work per delivery is one SQLite insert (run off the event loop), far inside
Shopify's 5-second limit; the sensors do the rest. Logs name deliveries by id and topic, never a header value
that carries a secret.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from smapify_pipeline.platforms.smaregi import webhooks as smaregi_headers
from smapify_pipeline.settings import ReceiverSettings
from smapify_pipeline.webhooks import choices
from smapify_pipeline.webhooks.events import MalformedDelivery, shopify_event, smaregi_event
from smapify_pipeline.webhooks.inbox import InboxEvent, WebhookInbox
from smapify_pipeline.webhooks.verify import shopify_signature_valid, smaregi_delivery_valid

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _body(request: Request) -> bytes | None:
    """The raw body, or None when it is larger than ``MAX_BODY_BYTES``."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > choices.MAX_BODY_BYTES:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > choices.MAX_BODY_BYTES:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class WebhookReceiver:
    """Holds the settings and inbox; ``app`` is the ASGI application to serve."""

    def __init__(
        self, settings: ReceiverSettings, inbox: WebhookInbox | None = None, clock: Clock = _now
    ) -> None:
        self.settings = settings
        self.inbox = inbox or WebhookInbox(settings.inbox_path)
        self.clock = clock
        self._recorded = 0
        self.inbox.create()
        self.app = Starlette(
            routes=[
                Route(choices.SHOPIFY_PATH, self.shopify, methods=["POST"]),
                Route(choices.SMAREGI_PATH, self.smaregi, methods=["POST"]),
                Route("/healthz", self.health, methods=["GET"]),
            ],
            lifespan=self._lifespan,
        )

    @asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        pruned = await run_in_threadpool(self.inbox.prune, timedelta(days=choices.INBOX_RETENTION_DAYS))
        logger.info("webhook inbox %s ready (%d old events pruned)", self.inbox.path, pruned)
        yield

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def shopify(self, request: Request) -> JSONResponse:
        body = await _body(request)
        if body is None:
            return _refuse(413, "body too large")
        headers = request.headers
        if not shopify_signature_valid(
            body, self.settings.shopify_secret, headers.get("x-shopify-hmac-sha256")
        ):
            logger.warning("Shopify webhook refused: bad signature")
            return _refuse(401, "invalid signature")
        delivery_id = headers.get("x-shopify-webhook-id")
        topic = headers.get("x-shopify-topic")
        if not delivery_id or not topic:
            return _refuse(400, "X-Shopify-Webhook-Id and X-Shopify-Topic are required")
        if topic not in choices.SHOPIFY_ACCEPTED_TOPICS:
            return JSONResponse({"recorded": False, "ignored": topic})
        try:
            event = shopify_event(topic, delivery_id, json.loads(body), self.clock())
        except (ValueError, MalformedDelivery) as error:
            return _refuse(400, str(error))
        return await self._record(event)

    async def smaregi(self, request: Request) -> JSONResponse:
        body = await _body(request)
        if body is None:
            return _refuse(413, "body too large")
        headers = request.headers
        settings = self.settings
        if not smaregi_delivery_valid(
            settings.smaregi_secret,
            headers.get(settings.smaregi_secret_header),
            settings.smaregi_contract_id,
            headers.get(smaregi_headers.CONTRACT_ID_HEADER),
        ):
            logger.warning("Smaregi webhook refused: wrong shared secret or contract id")
            return _refuse(401, "invalid secret or contract")
        delivery_id = headers.get(smaregi_headers.EVENT_ID_HEADER)
        if not delivery_id:
            return _refuse(400, "Smaregi-Event-Id is required")
        try:
            payload = json.loads(body)
        except ValueError:
            return _refuse(400, "body is not JSON")
        event_name = headers.get(smaregi_headers.EVENT_HEADER) or (
            payload.get("event") if isinstance(payload, dict) else None
        )
        if isinstance(payload, dict) and payload.get("contractId") not in (
            None,
            settings.smaregi_contract_id,
        ):
            return _refuse(401, "invalid secret or contract")
        if event_name not in choices.SMAREGI_ACCEPTED_EVENTS:
            return JSONResponse({"recorded": False, "ignored": event_name})
        try:
            event = smaregi_event(event_name, delivery_id, payload, self.clock())
        except MalformedDelivery as error:
            return _refuse(400, str(error))
        return await self._record(event)

    async def _record(self, event: InboxEvent) -> JSONResponse:
        recorded = await run_in_threadpool(self.inbox.record, event)
        if recorded:
            self._recorded += 1
            if self._recorded % choices.PRUNE_EVERY == 0:
                await run_in_threadpool(self.inbox.prune, timedelta(days=choices.INBOX_RETENTION_DAYS))
        logger.info(
            "%s webhook %s %s %s",
            event.platform,
            event.topic,
            event.delivery_id,
            "recorded" if recorded else "duplicate",
        )
        return JSONResponse({"recorded": recorded, "duplicate": not recorded})


def build_receiver(settings: ReceiverSettings | None = None) -> WebhookReceiver:
    """The receiver for ``settings`` (default: from the environment, see ``settings.ReceiverSettings``)."""
    return WebhookReceiver(settings or ReceiverSettings.from_env())
