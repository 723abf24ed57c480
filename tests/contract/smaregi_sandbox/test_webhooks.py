"""Webhook deliveries: Smaregi headers, id-only bodies, the shared secret, duplicates on request."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.server import SandboxServer

from .conftest import Served

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass
class Receiver:
    """A tiny ASGI receiver recording every POST it gets."""

    received: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        with self.lock:
            self.received.append((headers, json.loads(b"".join(chunks))))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    target = Receiver()
    with SandboxServer(target) as server:
        yield target, server.url + "/smaregi/webhooks"


def _deliveries(served: Served, target: Receiver) -> list[tuple[dict[str, str], dict[str, Any]]]:
    assert served.sandbox.webhooks.delivery.drain(10)
    with target.lock:
        return list(target.received)


def test_sale_delivers_transaction_and_stock_events_with_ids_only(
    served: Served, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    configured = httpx.post(f"{served.url}/_sandbox/webhooks", json={"url": url, "secret": "s3cret"})
    assert configured.status_code == 200
    product = next(iter(served.sandbox.state.products))
    sale = served.sandbox.ring_up_sale("1", [(product, 1)])
    deliveries = _deliveries(served, target)
    assert len(deliveries) == 2
    by_event = {headers["smaregi-event"]: (headers, body) for headers, body in deliveries}
    headers, body = by_event["pos:transactions"]
    assert body == {
        "contractId": credentials.SMAREGI_CONTRACT_ID,
        "event": "pos:transactions",
        "action": "created",
        "transactionHeadIds": [sale],
    }
    assert headers["smaregi-contract-id"] == credentials.SMAREGI_CONTRACT_ID
    assert UUID.match(headers["smaregi-event-id"])
    assert headers["x-smaregi-webhook-secret"] == "s3cret"
    assert headers["content-type"] == "application/json"
    assert "hmac" not in " ".join(headers)
    stock_headers, stock_body = by_event["pos:stock"]
    assert stock_body["action"] == "edited"
    assert stock_body["ids"] == [
        {"id": stock_body["ids"][0]["id"], "productId": product, "storeId": "1"},
    ]
    assert stock_headers["smaregi-event-id"] != headers["smaregi-event-id"]


def test_product_edit_delete_void_and_dispose_actions(served: Served, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    sandbox = served.sandbox
    sandbox.configure_webhooks(
        url, secret="x", secret_header="X-App-Secret", events=["pos:transactions", "pos:products"]
    )
    products = list(sandbox.state.products)
    sandbox.product_edit(products[0], {"productName": "変更"})
    sandbox.product_delete(products[1])
    sale = sandbox.ring_up_sale("1", [(products[2], 1)])
    sandbox.register_void(sale)
    other = sandbox.ring_up_sale("1", [(products[2], 1)])
    reversal = sandbox.register_dispose(other)
    deliveries = _deliveries(served, target)
    actions = sorted(
        (b["event"], b["action"], json.dumps(b.get("productIds") or b.get("transactionHeadIds")))
        for _, b in deliveries
    )
    assert actions == sorted([
        ("pos:products", "edited", json.dumps([products[0]])),
        ("pos:products", "deleted", json.dumps([products[1]])),
        ("pos:transactions", "created", json.dumps([sale])),
        ("pos:transactions", "canceled", json.dumps([sale])),
        ("pos:transactions", "created", json.dumps([other])),
        ("pos:transactions", "disposed", json.dumps([other, reversal])),
    ])  # fmt: skip
    assert all(h["x-app-secret"] == "x" for h, _ in deliveries)


def test_duplicates_repeat_the_same_event_id(served: Served, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    served.sandbox.configure_webhooks(url, events=["pos:products"], duplicates=1.0, seed=1)
    served.sandbox.product_edit(next(iter(served.sandbox.state.products)), {"productName": "二重"})
    deliveries = _deliveries(served, target)
    assert len(deliveries) == 2
    assert deliveries[0][0]["smaregi-event-id"] == deliveries[1][0]["smaregi-event-id"]
    assert deliveries[0][1] == deliveries[1][1]


def test_reordering_on_request_delivers_everything(served: Served, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    served.sandbox.configure_webhooks(url, events=["pos:products"], reorder=True, seed=4)
    products = list(served.sandbox.state.products)[:6]
    for product in products:
        served.sandbox.product_edit(product, {"productName": "順不同"})
    served.sandbox.clock.advance(5)
    deliveries = _deliveries(served, target)
    assert sorted(b["productIds"][0] for _, b in deliveries) == sorted(products)


def test_api_writes_fire_webhooks_too(
    served: Served, api: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    served.sandbox.configure_webhooks(url, events=["pos:stock"])
    product = next(iter(served.sandbox.state.products))
    answer = api.post(f"/stock/{product}/add", json={"storeId": "2", "stockAmount": "3"}).json()
    deliveries = _deliveries(served, target)
    assert [b["ids"] for _, b in deliveries] == [
        [{"id": answer["stockHistory"]["id"], "productId": product, "storeId": "2"}]
    ]


def test_transaction_edit_over_the_api_is_an_edited_event(
    served: Served, api: httpx.Client, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    sale = served.sandbox.ring_up_sale("1", [(next(iter(served.sandbox.state.products)), 1)])
    served.sandbox.configure_webhooks(url, events=["pos:transactions"])
    assert api.patch(f"/transactions/{sale}", json={"memo": "訂正"}).status_code == 200
    deliveries = _deliveries(served, target)
    assert [(b["action"], b["transactionHeadIds"]) for _, b in deliveries] == [("edited", [sale])]
