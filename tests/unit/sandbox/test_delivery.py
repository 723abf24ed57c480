"""WebhookDelivery over real HTTP against a small receiver app."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import FailedDelivery, WebhookDelivery
from smapify_pipeline.sandbox.server import SandboxServer
from tests.unit.sandbox._webhook_receiver import WebhookReceiver

FAST = 1000.0
"""Clock scale for tests that let retries happen on their own: a 5 s retry takes 5 ms."""


@pytest.fixture
def receiver() -> Iterator[tuple[WebhookReceiver, str]]:
    receiver = WebhookReceiver()
    with SandboxServer(receiver.app()) as server:
        yield receiver, server.url


def _delivery(clock: SandboxClock, **kwargs: object) -> WebhookDelivery:
    return WebhookDelivery(clock, **kwargs)  # type: ignore[arg-type]


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def test_delivers_body_and_headers_unchanged(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    delivery = _delivery(SandboxClock())
    try:
        delivery.send(
            f"{url}/hooks/orders", b'{"id": 1}', {"X-Test-Id": "abc", "Content-Type": "application/json"}
        )
        assert delivery.drain()
    finally:
        delivery.close()
    [got] = rx.received
    assert got.path == "/hooks/orders"
    assert got.body == b'{"id": 1}'
    assert got.headers["x-test-id"] == "abc"
    assert [(a.attempt, a.status, a.ok) for a in delivery.attempts] == [(1, 200, True)]


def test_failures_are_retried_with_the_same_request_and_growing_delays(
    receiver: tuple[WebhookReceiver, str],
) -> None:
    rx, url = receiver
    rx.fail_first = 2
    clock = SandboxClock(scale=FAST)
    delivery = _delivery(clock)
    try:
        delivery.send(f"{url}/hook", b"payload", {"X-Shopify-Webhook-Id": "w-1"})
        assert delivery.drain()
    finally:
        delivery.close()
    assert [a.status for a in delivery.attempts] == [500, 500, 200]
    assert [a.attempt for a in delivery.attempts] == [1, 2, 3]
    assert {r.headers["x-shopify-webhook-id"] for r in rx.received} == {"w-1"}
    assert {r.body for r in rx.received} == {b"payload"}
    first, second, third = (a.at for a in delivery.attempts)
    assert (second - first).total_seconds() >= delivery.retry_delay(1)
    assert (third - second).total_seconds() >= delivery.retry_delay(2)
    assert delivery.retry_delay(2) > delivery.retry_delay(1)
    assert delivery.failed == []


def test_default_schedule_spans_about_four_hours() -> None:
    delivery = _delivery(SandboxClock())
    try:
        total = sum(delivery.retry_delay(n) for n in range(1, delivery.max_attempts))
    finally:
        delivery.close()
    assert delivery.max_attempts == 8
    assert delivery.retry_delay(1) == 5.0
    assert 3.5 * 3600 <= total <= 4.5 * 3600


def test_gives_up_after_max_attempts(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    rx.fail_first = 100
    rx.fail_status = 503
    given_up: list[FailedDelivery] = []
    delivery = _delivery(SandboxClock(scale=FAST), max_attempts=3, on_give_up=given_up.append)
    try:
        delivery.send(f"{url}/hook", b"x", {})
        assert delivery.drain()
    finally:
        delivery.close()
    assert [a.status for a in delivery.attempts] == [503, 503, 503]
    assert len(rx.received) == 3
    assert [(f.delivery_number, f.attempts) for f in delivery.failed] == [(0, 3)]
    assert given_up == delivery.failed


def test_transport_errors_are_failures_and_retried() -> None:
    delivery = _delivery(SandboxClock(scale=FAST), max_attempts=2)
    try:
        delivery.send(_closed_port_url(), b"x", {})
        assert delivery.drain()
    finally:
        delivery.close()
    assert [a.status for a in delivery.attempts] == [None, None]
    assert all(a.error and "ConnectError" in a.error for a in delivery.attempts)
    assert len(delivery.failed) == 1


def test_retries_wait_for_simulated_time(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    rx.fail_first = 1
    clock = SandboxClock(scale=1.0)
    delivery = _delivery(clock)
    try:
        delivery.send(f"{url}/hook", b"x", {})
        rx.wait_for(1)
        assert delivery.drain(timeout=0.3) is False, "the retry is 5 simulated seconds away"
        assert delivery.pending == 1
        clock.advance(5.0)
        assert delivery.drain()
    finally:
        delivery.close()
    assert [a.status for a in delivery.attempts] == [500, 200]


def test_duplicates_are_byte_identical(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    delivery = _delivery(SandboxClock())
    delivery.set_duplicates(1.0, seed=3)
    try:
        delivery.send(f"{url}/hook", b"one", {"X-Shopify-Webhook-Id": "w-1"})
        delivery.send(f"{url}/hook", b"two", {"X-Shopify-Webhook-Id": "w-2"})
        assert delivery.drain()
    finally:
        delivery.close()
    bodies = sorted(r.body for r in rx.received)
    assert bodies == [b"one", b"one", b"two", b"two"]
    ids = sorted(r.headers["x-shopify-webhook-id"] for r in rx.received)
    assert ids == ["w-1", "w-1", "w-2", "w-2"]
    assert delivery.duplicate_rate == 1.0


def test_duplicate_rate_zero_sends_once(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    delivery = _delivery(SandboxClock())
    delivery.set_duplicates(0.0, seed=3)
    try:
        for n in range(5):
            delivery.send(f"{url}/hook", str(n).encode(), {})
        assert delivery.drain()
    finally:
        delivery.close()
    assert [r.body for r in rx.received] == [b"0", b"1", b"2", b"3", b"4"], "in order when not reordering"


def test_reorder_changes_the_arrival_order_but_loses_nothing(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    delivery = _delivery(SandboxClock(scale=50.0))
    delivery.set_reorder(True, seed=11)
    sent = [str(n).encode() for n in range(20)]
    try:
        for body in sent:
            delivery.send(f"{url}/hook", body, {})
        assert delivery.drain()
    finally:
        delivery.close()
    arrived = [r.body for r in rx.received]
    assert sorted(arrived) == sorted(sent)
    assert arrived != sent


def test_send_after_close_is_refused() -> None:
    delivery = _delivery(SandboxClock())
    delivery.close()
    with pytest.raises(RuntimeError):
        delivery.send("http://127.0.0.1:1/hook", b"x", {})


def test_a_receiver_slower_than_the_timeout_is_a_failure() -> None:
    release = threading.Event()

    async def slow(request: Request) -> Response:
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 5.0)
        return Response(status_code=200)

    app = Starlette(routes=[Route("/hook", slow, methods=["POST"])])
    delivery = _delivery(SandboxClock(scale=FAST), max_attempts=1, attempt_timeout=0.2)
    try:
        with SandboxServer(app) as server:
            delivery.send(f"{server.url}/hook", b"x", {})
            assert delivery.drain()
            release.set()
    finally:
        delivery.close()
    [attempt] = delivery.attempts
    assert attempt.status is None and attempt.error is not None and "Timeout" in attempt.error
    assert len(delivery.failed) == 1


def test_parallel_workers_deliver_everything_once(receiver: tuple[WebhookReceiver, str]) -> None:
    rx, url = receiver
    delivery = _delivery(SandboxClock(), workers=4)
    try:
        for n in range(40):
            delivery.send(f"{url}/hook", str(n).encode(), {})
        assert delivery.drain()
    finally:
        delivery.close()
    assert sorted(int(r.body) for r in rx.received) == list(range(40))
    assert len(delivery.attempts) == 40
