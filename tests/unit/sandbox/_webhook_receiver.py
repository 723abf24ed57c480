"""A tiny webhook receiver app for delivery tests, served over real HTTP by SandboxServer."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookReceiver:
    """Records every POST; answers ``fail_status`` to the first ``fail_first`` requests, then 200."""

    fail_first: int = 0
    fail_status: int = 500
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _arrived: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self._arrived = threading.Condition(self._lock)

    def app(self) -> Starlette:
        async def hook(request: Request) -> Response:
            body = await request.body()
            with self._arrived:
                self.received.append(Received(request.url.path, dict(request.headers), body))
                failing = len(self.received) <= self.fail_first
                self._arrived.notify_all()
            return Response(status_code=self.fail_status if failing else 200)

        return Starlette(routes=[Route("/{path:path}", hook, methods=["POST"])])

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """Wait until at least ``count`` requests arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} webhook requests, got {len(self.received)}")
                self._arrived.wait(remaining)
            return list(self.received)
