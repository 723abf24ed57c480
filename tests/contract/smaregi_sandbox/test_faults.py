"""The shared fault plan on the Smaregi sandbox: determinism by seed, answer lost, before_next."""

from __future__ import annotations

import httpx
import pytest

from smapify_pipeline.sandbox.faults import FaultKind, FaultPlan
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox

from .conftest import ServeFactory

PLAN = "seed=11,throttle=0.2,server_error=0.2,drop_before_write=0.1"


def _outcomes(served_client: httpx.Client, product_id: str) -> list[str]:
    outcomes = []
    for index in range(30):
        try:
            if index % 2:
                answer = served_client.get("/products", params={"limit": 1})
            else:
                answer = served_client.post(
                    f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "1"}
                )
            outcomes.append(str(answer.status_code))
        except httpx.TransportError:
            outcomes.append("dropped")
    return outcomes


def test_same_seed_same_faults(serve_sandbox: ServeFactory) -> None:
    runs = []
    for _ in range(2):
        sandbox = SmaregiSandbox.create(faults=FaultPlan.parse(PLAN))
        served = serve_sandbox(sandbox)
        with served.client() as client:
            runs.append(_outcomes(client, next(iter(sandbox.state.products))))
    assert runs[0] == runs[1]
    assert {"429", "503", "dropped", "200"} <= set(runs[0])


def test_other_seed_other_faults(serve_sandbox: ServeFactory) -> None:
    runs = []
    for seed in (11, 12):
        sandbox = SmaregiSandbox.create(faults=FaultPlan.parse(PLAN.replace("seed=11", f"seed={seed}")))
        with serve_sandbox(sandbox).client() as client:
            runs.append(_outcomes(client, next(iter(sandbox.state.products))))
    assert runs[0] != runs[1]


def test_fault_bodies_are_smaregi_problems(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create()
    served = serve_sandbox(sandbox)
    with served.client() as client:
        sandbox.faults.script("GET /products", FaultKind.THROTTLE)
        throttled = client.get("/products")
        sandbox.faults.script("GET /products", FaultKind.SERVER_ERROR)
        failed = client.get("/products")
    assert throttled.status_code == 429
    assert throttled.json()["title"] == "Too Many Requests"
    assert "Retry-After" in throttled.headers
    assert failed.status_code == 503
    assert failed.json()["status"] == 503


def test_answer_lost_applies_the_transaction_once(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create()
    served = serve_sandbox(sandbox)
    product = next(iter(sandbox.state.products.values()))
    before = len(sandbox.state.transactions)
    body = {
        "transactionHeadDivision": "1", "storeId": "1", "terminalId": "1", "terminalTranId": "77",
        "terminalTranDateTime": "2026-11-01T10:00:00+09:00", "subtotal": product["price"], "total": product["price"],
        "details": [{"productId": product["productId"], "salesPrice": product["price"], "quantity": "1"}],
    }  # fmt: skip
    sandbox.faults.script("POST /transactions", FaultKind.ANSWER_LOST)
    with served.client() as client, pytest.raises(httpx.RemoteProtocolError):
        client.post("/transactions", json=body)
    assert len(sandbox.state.transactions) == before + 1
    stored = list(sandbox.state.transactions.values())[-1]
    assert stored["terminalTranId"] == "77"
    assert [d.operation for d in sandbox.faults.log] == ["POST /transactions"]


def test_drop_before_write_applies_nothing(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create()
    served = serve_sandbox(sandbox)
    product = next(iter(sandbox.state.products))
    start = sandbox.stock_of(product, "1")
    sandbox.faults.script("POST /stock/{productId}/add", FaultKind.DROP_BEFORE_WRITE)
    with served.client() as client, pytest.raises(httpx.RemoteProtocolError):
        client.post(f"/stock/{product}/add", json={"storeId": "1", "stockAmount": "5"})
    assert sandbox.stock_of(product, "1") == start


def test_before_next_runs_a_pos_sale_between_read_and_write(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create()
    served = serve_sandbox(sandbox)
    product = next(iter(sandbox.state.products))
    with served.client() as client:
        observed = int(
            client.get("/stock", params={"product_id": product, "store_id": "1"}).json()[0]["stockAmount"]
        )
        sales: list[str] = []
        sandbox.before_next(
            "POST /stock/{productId}/add", lambda: sales.append(sandbox.ring_up_sale("1", [(product, 1)]))
        )
        answer = client.post(f"/stock/{product}/add", json={"storeId": "1", "stockAmount": "2"}).json()
        assert len(sales) == 1
        assert answer["stockAmount"] == str(observed - 1 + 2)
        again = client.post(f"/stock/{product}/add", json={"storeId": "1", "stockAmount": "0"}).json()
    assert len(sales) == 1  # ran once only
    assert again["stockAmount"] == answer["stockAmount"]
