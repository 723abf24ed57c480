"""``X-Request-Id`` on every answer: a fresh UUID per response, as Shopify sends (and its support asks for)."""

from __future__ import annotations

import uuid

from smapify_pipeline.sandbox.faults import ASGIApp, Message, Receive, Scope, Send
from smapify_pipeline.sandbox.shopify import choices

HEADER = choices.REQUEST_ID_HEADER.lower().encode()


def with_request_ids(app: ASGIApp) -> ASGIApp:
    """``app`` with an ``X-Request-Id`` header added to each HTTP answer it starts (faults' answers too)."""

    async def stamped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                headers.append((HEADER, str(uuid.uuid4()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_id)

    return stamped
