"""Fault injection through the Shopify sandbox: seeded, reproducible, in Shopify's own error shapes."""

from __future__ import annotations

import httpx
import pytest

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

from .conftest import serve

PLAN = "seed=7,throttle=0.25,server_error=0.25"


def _outcomes(plan: str, calls: int = 40) -> list[str]:
    outcomes = []
    for client in serve(ShopifySandbox.create(seed_size="small", faults=FaultPlan.parse(plan))):
        for _ in range(calls):
            response = client.post("{ shop { name } }")
            if response.status_code == 503:
                outcomes.append("503")
            elif response.json().get("errors", [{}])[0].get("extensions", {}).get("code") == "THROTTLED":
                outcomes.append("throttled")
            else:
                assert response.json()["data"]["shop"]["name"] == "Smapify Demo"
                outcomes.append("ok")
    return outcomes


def test_the_same_seed_gives_the_same_faults() -> None:
    first = _outcomes(PLAN)
    assert first == _outcomes(PLAN)
    assert {"ok", "throttled", "503"} <= set(first)
    assert first != _outcomes(PLAN.replace("seed=7", "seed=8"))


def test_faults_are_named_after_the_first_root_field_and_can_be_scripted() -> None:
    for client in serve(ShopifySandbox.create(seed_size="small")):
        client.hook("faults", {"script": {"operation": "products", "kind": "server_error", "times": 1}})
        assert client.post("{ shop { name } }").status_code == 200
        failed = client.post("{ products(first: 1) { nodes { id } } }")
        assert failed.status_code == 503
        assert failed.headers["X-Shopify-API-Version"] == "2026-10"
        assert client.post("{ products(first: 1) { nodes { id } } }").status_code == 200
        log = client.http.get("/_sandbox/faults").json()["log"]
        assert log == [{"operation": "products", "call": 0, "kind": "server_error"}]


def test_a_dropped_connection_applies_nothing() -> None:
    for client in serve(ShopifySandbox.create(seed_size="small")):
        client.sandbox.faults.script("productCreate", "drop_before_write")
        with pytest.raises(httpx.RemoteProtocolError):
            client.post('mutation { productCreate(product: {title: "X"}) { product { id } } }')
        assert all(p.title != "X" for p in client.sandbox.state.products.values())
