"""Fixtures: a seeded Shopify sandbox served over real HTTP on a free port, a GraphQL client, a receiver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

API_PATH = f"/admin/api/{credentials.SHOPIFY_API_VERSION}/graphql.json"


class Shopify:
    """A thin GraphQL client for the tests: posts documents, returns the decoded answer."""

    def __init__(
        self, sandbox: ShopifySandbox, url: str, token: str = credentials.SHOPIFY_ACCESS_TOKEN
    ) -> None:
        self.sandbox = sandbox
        self.url = url
        self.http = httpx.Client(base_url=url, headers={"X-Shopify-Access-Token": token}, timeout=30)

    def post(self, query: str, variables: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.post(API_PATH, json={"query": query, "variables": variables or {}})

    def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.gql(query, variables)
        assert "errors" not in answer, answer["errors"]
        return answer["data"]  # type: ignore[no-any-return]

    def hook(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post(f"/_sandbox/{name}", json=body or {})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def close(self) -> None:
        self.http.close()


def serve(sandbox: ShopifySandbox) -> Iterator[Shopify]:
    with SandboxServer(sandbox.app) as server:
        client = Shopify(sandbox, server.url)
        try:
            yield client
        finally:
            client.close()
            sandbox.close()


@pytest.fixture
def shopify() -> Iterator[Shopify]:
    """A small seeded shop (about 24 variants, 2 locations)."""
    yield from serve(ShopifySandbox.create(seed_size="small", seed=3))


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP endpoint that records every webhook POST it gets."""
    holder: list[Receiver] = []

    async def hook(request: Request) -> Response:
        body = await request.body()
        recorder = holder[0]
        with recorder.arrived:
            recorder.received.append(Received({k.lower(): v for k, v in request.headers.items()}, body))
            recorder.arrived.notify_all()
        return Response(status_code=200)

    with SandboxServer(Starlette(routes=[Route("/hooks", hook, methods=["POST"])])) as server:
        holder.append(Receiver(f"{server.url}/hooks"))
        yield holder[0]
