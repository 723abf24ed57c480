"""Fixtures: a seeded Smaregi sandbox served over real HTTP, tokens, and an authorised API client."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox
from smapify_pipeline.sandbox.smaregi.state import ALL_SCOPES

CONTRACT = credentials.SMAREGI_CONTRACT_ID


def basic_auth(
    client_id: str = credentials.SMAREGI_CLIENT_ID, secret: str = credentials.SMAREGI_CLIENT_SECRET
) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request_token(
    base_url: str, scopes: tuple[str, ...] = ALL_SCOPES, contract: str = CONTRACT
) -> httpx.Response:
    return httpx.post(
        f"{base_url}/app/{contract}/token",
        headers={"Authorization": basic_auth()},
        data={"grant_type": "client_credentials", "scope": " ".join(scopes)},
    )


@dataclass
class Served:
    sandbox: SmaregiSandbox
    url: str

    def client(self, scopes: tuple[str, ...] = ALL_SCOPES) -> httpx.Client:
        token = request_token(self.url, scopes).json()["access_token"]
        return httpx.Client(
            base_url=f"{self.url}/{CONTRACT}/pos",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            timeout=30,
        )


def serve(sandbox: SmaregiSandbox, rate_limits: bool = False) -> Iterator[Served]:
    sandbox.rate_limiter.enabled = rate_limits
    with SandboxServer(sandbox.app) as server:
        try:
            yield Served(sandbox, server.url)
        finally:
            sandbox.close()


@pytest.fixture
def served() -> Iterator[Served]:
    yield from serve(SmaregiSandbox.create(seed_size="small", seed=3))


@pytest.fixture
def api(served: Served) -> Iterator[httpx.Client]:
    with served.client() as client:
        yield client


@pytest.fixture
def sandbox(served: Served) -> SmaregiSandbox:
    return served.sandbox


ServeFactory = Callable[..., Served]


@pytest.fixture
def serve_sandbox() -> Iterator[ServeFactory]:
    """Serve a sandbox built by the test (``serve_sandbox(sandbox, rate_limits=True)``)."""
    stack: list[Iterator[Served]] = []

    def start(sandbox: SmaregiSandbox, rate_limits: bool = False) -> Served:
        running = serve(sandbox, rate_limits)
        stack.append(running)
        return next(running)

    yield start
    for running in reversed(stack):
        next(running, None)


def first_product_id(sandbox: SmaregiSandbox) -> str:
    return next(iter(sandbox.state.products))
