"""Behaviours chosen where Smaregi's documentation is unsure."""

from __future__ import annotations

import httpx
import pytest

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox

from .conftest import CONTRACT, Served, ServeFactory, basic_auth, request_token


def test_created_transaction_defaults(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    sale = sandbox.ring_up_sale("1", [(next(iter(sandbox.state.products)), 1)])
    head = api.get(f"/transactions/{sale}").json()
    assert (head["sumDivision"], head["taxRounding"], head["roundingDivision"]) == ("2", "1", "00")
    assert head["sumDate"] == head["terminalTranDateTime"][:10]
    assert head["terminalTranId"] == sale
    assert (head["cancelDivision"], head["disposeDivision"], head["returnSales"]) == ("0", "0", "0")


def test_summary_details_equal_all(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    sale = sandbox.ring_up_sale("1", [(next(iter(sandbox.state.products)), 2)])
    summary = api.get(f"/transactions/{sale}", params={"with_details": "summary"}).json()
    full = api.get(f"/transactions/{sale}", params={"with_details": "all"}).json()
    assert summary["details"] == full["details"]
    assert api.get(f"/transactions/{sale}", params={"with_details": "some"}).status_code == 400


def test_deleting_a_product_deletes_its_stock(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product_id = next(key[0] for key in sandbox.state.stock)
    assert api.get("/stock", params={"product_id": product_id}).json()
    assert api.delete(f"/products/{product_id}").status_code == 200
    assert api.get("/stock", params={"product_id": product_id}).json() == []


def test_numbers_in_transaction_bodies_are_refused(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = next(iter(sandbox.state.products.values()))
    body = {
        "transactionHeadDivision": "1", "storeId": "1", "terminalId": "1", "terminalTranId": "1",
        "terminalTranDateTime": "2026-11-01T10:00:00+09:00", "subtotal": int(product["price"]),
        "total": product["price"], "details": [{"productId": product["productId"], "salesPrice": product["price"],
                                                "quantity": "1"}],
    }  # fmt: skip
    answer = api.post("/transactions", json=body)
    assert answer.status_code == 400
    assert "subtotal" in answer.json()["detail"]


def test_token_endpoint_gets_faults_only_when_named(serve_sandbox: ServeFactory) -> None:
    quiet = SmaregiSandbox.create(faults=FaultPlan(seed=1, server_error=1.0))
    served = serve_sandbox(quiet)
    assert request_token(served.url).status_code == 200
    named = SmaregiSandbox.create(
        faults=FaultPlan(seed=1, server_error=1.0, operations=frozenset({"POST /app/{contract_id}/token"}))
    )
    served_named = serve_sandbox(named)
    assert request_token(served_named.url).status_code == 503


@pytest.mark.parametrize("header", ["Basic {%s}", "Bearer %s"])
def test_only_plain_basic_client_auth(served: Served, header: str) -> None:
    encoded = basic_auth().removeprefix("Basic ")
    answer = httpx.post(
        f"{served.url}/app/{CONTRACT}/token",
        headers={"Authorization": header % encoded},
        data={"grant_type": "client_credentials"},
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
