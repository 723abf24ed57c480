"""Seeded fault injection shared by both sandboxes.

A :class:`FaultPlan` says how often each fault happens; a :class:`FaultInjector` turns it into decisions,
one per API call. The decision for the n-th call of an operation depends only on (seed, operation, n), so
the same seed gives the same faults whatever else runs concurrently. Tests that need one precise fault
(``orderCreate``'s answer lost, once) script it with :meth:`FaultInjector.script`; scripted faults win
over the random plan.

Faults, as a client sees them:

* ``throttle`` — the platform's own throttling answer (Shopify ``THROTTLED``, Smaregi 429), nothing applied;
* ``server_error`` — HTTP 503, nothing applied;
* ``slow`` — the right answer, late (``slow_seconds`` of real time);
* ``drop_before_write`` — the connection closes with no answer, nothing applied;
* ``answer_lost`` — the write **is applied**, then the connection closes with no answer. Only writes get it.

:class:`FaultMiddleware` applies decisions to any ASGI app; each sandbox supplies how to name an operation
and how its platform spells "throttled" and "server error".
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

import httpx

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class FaultKind(StrEnum):
    NONE = "none"
    THROTTLE = "throttle"
    SERVER_ERROR = "server_error"
    SLOW = "slow"
    DROP_BEFORE_WRITE = "drop_before_write"
    ANSWER_LOST = "answer_lost"


@dataclass(frozen=True)
class FaultPlan:
    """Probabilities per call of each fault (their sum must not exceed 1)."""

    seed: int = 0
    throttle: float = 0.0
    server_error: float = 0.0
    slow: float = 0.0
    drop_before_write: float = 0.0
    answer_lost: float = 0.0
    slow_seconds: float = 2.0
    operations: frozenset[str] | None = None
    """Only these operations get faults (``None``: every operation)."""

    def __post_init__(self) -> None:
        probabilities = [
            self.throttle,
            self.server_error,
            self.slow,
            self.drop_before_write,
            self.answer_lost,
        ]
        if any(p < 0 or p > 1 for p in probabilities) or sum(probabilities) > 1 + 1e-9:
            raise ValueError(f"fault probabilities must be in [0, 1] and sum to at most 1: {self}")

    @classmethod
    def parse(cls, spec: str) -> FaultPlan:
        """Read ``"seed=7,throttle=0.1,server_error=0.1,answer_lost=0.02,operations=orderCreate|refundCreate"``."""
        if not spec or spec.strip().lower() in {"none", "off"}:
            return cls()
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {}
        for part in spec.split(","):
            name, sep, raw = part.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise ValueError(f"bad fault spec part {part!r}; known names: {sorted(known)}")
            if name == "seed":
                values[name] = int(raw)
            elif name == "operations":
                values[name] = frozenset(op.strip() for op in raw.split("|") if op.strip())
            else:
                values[name] = float(raw)
        return cls(**values)


@dataclass(frozen=True)
class FaultDecision:
    operation: str
    call_number: int
    kind: FaultKind


class FaultInjector:
    """Decides, call by call, which fault (if any) to inject; keeps a log of what it injected."""

    def __init__(self, plan: FaultPlan | None = None) -> None:
        self._plan = plan or FaultPlan()
        self._calls: dict[str, int] = defaultdict(int)
        self._scripted: dict[str, list[FaultKind]] = defaultdict(list)
        self._lock = threading.Lock()
        self.log: list[FaultDecision] = []

    @property
    def plan(self) -> FaultPlan:
        return self._plan

    def set_plan(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan = plan
            self._calls.clear()
            self.log.clear()

    def script(self, operation: str, kind: FaultKind | str, times: int = 1) -> None:
        """Inject ``kind`` on the next ``times`` calls of ``operation``, before any random fault."""
        with self._lock:
            self._scripted[operation].extend([FaultKind(kind)] * times)

    def clear(self) -> None:
        with self._lock:
            self._scripted.clear()
            self._calls.clear()
            self.log.clear()
            self._plan = FaultPlan()

    def decide(self, operation: str, is_write: bool) -> FaultKind:
        with self._lock:
            n = self._calls[operation]
            self._calls[operation] = n + 1
            if self._scripted.get(operation):
                kind = self._scripted[operation].pop(0)
            else:
                kind = self._draw(operation, n, is_write)
            if kind is FaultKind.ANSWER_LOST and not is_write:
                kind = FaultKind.DROP_BEFORE_WRITE
            if kind is not FaultKind.NONE:
                self.log.append(FaultDecision(operation, n, kind))
            return kind

    def _draw(self, operation: str, n: int, is_write: bool) -> FaultKind:
        plan = self._plan
        if plan.operations is not None and operation not in plan.operations:
            return FaultKind.NONE
        r = random.Random(f"{plan.seed}:{operation}:{n}").random()
        for kind, p in (
            (FaultKind.THROTTLE, plan.throttle),
            (FaultKind.SERVER_ERROR, plan.server_error),
            (FaultKind.SLOW, plan.slow),
            (FaultKind.DROP_BEFORE_WRITE, plan.drop_before_write),
            (FaultKind.ANSWER_LOST, plan.answer_lost if is_write else 0.0),
        ):
            if r < p:
                return kind
            r -= p
        return FaultKind.NONE


class DroppedConnection(httpx.RemoteProtocolError):
    """Raised inside a sandbox to close the connection without an answer.

    Over real HTTP the server aborts the half-sent response and the client sees
    ``httpx.RemoteProtocolError``; in-process through ``httpx.ASGITransport`` the exception itself reaches
    the client, and it is the same type.
    """


async def drop_connection(send: Send) -> None:
    """Start a response and abort it, so no client can read an answer."""
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"4096")]})
    raise DroppedConnection("sandbox fault: connection dropped without an answer")


Classifier = Callable[[Scope, bytes], tuple[str, bool] | None]
"""(scope, request body) -> (operation name, is_write), or None for calls that never get faults."""
ResponseFactory = Callable[[str], Awaitable[tuple[int, list[tuple[bytes, bytes]], bytes]]]


class FaultMiddleware:
    """Wraps a sandbox's ASGI app and applies the injector's decisions to its API calls."""

    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        classify: Classifier,
        throttled: ResponseFactory,
        server_error: ResponseFactory,
    ) -> None:
        self.app = app
        self.injector = injector
        self.classify = classify
        self.throttled = throttled
        self.server_error = server_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        replay = _replay(body)
        operation = self.classify(scope, body)
        if operation is None:
            await self.app(scope, replay, send)
            return
        name, is_write = operation
        kind = self.injector.decide(name, is_write)
        if kind is FaultKind.THROTTLE:
            await _send_response(send, *(await self.throttled(name)))
        elif kind is FaultKind.SERVER_ERROR:
            await _send_response(send, *(await self.server_error(name)))
        elif kind is FaultKind.DROP_BEFORE_WRITE:
            await drop_connection(send)
        elif kind is FaultKind.ANSWER_LOST:
            await self.app(scope, replay, _discard)
            await drop_connection(send)
        else:
            if kind is FaultKind.SLOW:
                await asyncio.sleep(self.injector.plan.slow_seconds)
            await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    return receive


async def _discard(message: Message) -> None:
    return None


async def _send_response(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
