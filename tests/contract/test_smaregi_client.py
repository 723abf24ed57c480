"""The Smaregi client against the Smaregi sandbox over real HTTP: paging, windows, auth, 429, faults, writes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.platforms.http import RetryPolicy
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.platforms.smaregi.convert import JST
from smapify_pipeline.platforms.smaregi.errors import OutcomeUnknown, SmaregiNotFound, SmaregiValidationError
from smapify_pipeline.sandbox.faults import FaultKind, FaultPlan
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox
from smapify_pipeline.sandbox.smaregi.state import ALL_SCOPES

SALES = 40


@pytest.fixture
def sandbox() -> Iterator[SmaregiSandbox]:
    shop = SmaregiSandbox.create(seed_size="small", seed=3, sales=SALES)
    shop.rate_limiter.enabled = False
    try:
        yield shop
    finally:
        shop.close()


@pytest.fixture
def url(sandbox: SmaregiSandbox) -> Iterator[str]:
    with SandboxServer(sandbox.app) as server:
        yield server.url


def make_client(url: str, **kwargs: Any) -> SmaregiClient:
    kwargs.setdefault("retry", RetryPolicy(max_attempts=10, base=0.02, cap=0.2))
    kwargs.setdefault("reads_per_second", 1000.0)
    kwargs.setdefault("writes_per_second", 1000.0)
    return SmaregiClient(
        url,
        url,
        sandboxes.SMAREGI_CONTRACT_ID,
        sandboxes.SMAREGI_CLIENT_ID,
        sandboxes.SMAREGI_CLIENT_SECRET,
        scopes=ALL_SCOPES,
        **kwargs,
    )


def a_product(client: SmaregiClient) -> dict[str, Any]:
    return next(p for p in client.get_list("/products") if p["price"] and p["price"] > 0)


def sale_body(product: dict[str, Any], terminal_tran_id: str) -> dict[str, Any]:
    price = product["price"]
    return {
        "transactionHeadDivision": "1",
        "storeId": 1,
        "terminalId": 1,
        "terminalTranId": terminal_tran_id,
        "terminalTranDateTime": datetime(2026, 11, 1, 10, 0, tzinfo=JST),
        "subtotal": price,
        "total": price,
        "details": [
            {
                "transactionDetailId": 1,
                "transactionDetailDivision": "1",
                "productId": product["productId"],
                "salesPrice": price,
                "unitDiscountPrice": 0,
                "quantity": 1,
            }
        ],
    }


def test_every_list_is_read_to_its_end_with_typed_values(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url, max_concurrency=4) as client:
        products = list(client.get_list("/products", limit=5))
        parallel = list(client.get_list_parallel("/products", limit=5))
        categories = list(client.get_list("/categories", limit=3))
        stores = list(client.get_list("/stores"))
        stock = list(client.get_list("/stock", limit=7))
    assert len(products) == len(sandbox.state.products)
    assert parallel == products
    assert len({p["productId"] for p in products}) == len(products)
    assert all(isinstance(p["productId"], int) and isinstance(p["productCode"], str) for p in products)
    assert len(categories) == len(sandbox.state.categories)
    assert len(stores) == len(sandbox.state.stores)
    assert len(stock) == len(sandbox.state.stock)
    assert all(isinstance(row["stockAmount"], int) for row in stock)


def test_transactions_are_read_in_31_day_windows(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url) as client:
        rows = list(
            client.get_windowed(
                "/transactions",
                "terminal_tran_date_time",
                datetime(2026, 7, 1, tzinfo=JST),
                datetime(2026, 12, 31, tzinfo=JST),
                limit=10,
            )
        )
        with pytest.raises(SmaregiValidationError):
            client.get(
                "/transactions",
                {
                    "terminal_tran_date_time-from": datetime(2026, 7, 1, tzinfo=JST),
                    "terminal_tran_date_time-to": datetime(2026, 9, 1, tzinfo=JST),
                },
            )
    assert len(rows) == SALES
    assert len({r["transactionHeadId"] for r in rows}) == SALES
    assert all(r["terminalTranDateTime"].utcoffset().total_seconds() == 9 * 3600 for r in rows)


def test_an_expired_token_is_renewed_after_a_401(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url) as client:
        client.get_page("/stores")
        sandbox.clock.advance(3600)  # the sandbox's token expired; the client's clock says it is still fresh
        client.get_page("/stores")
        assert client.auth.grants == 2


@pytest.fixture
def still_sandbox() -> Iterator[SmaregiSandbox]:
    """A sandbox allowing 20 reads/s, whose clock all but stands still in real time.

    The client under test keeps time and waits on this clock (``sleep`` advances it), so the sandbox's budget
    refills only by the client's own waits: a client faster than the sandbox allows is refused however slow or
    loaded the machine is.
    """
    shop = SmaregiSandbox.create(
        seed_size="small", seed=3, time_scale=0.001, reads_per_second=20, writes_per_second=4
    )
    try:
        yield shop
    finally:
        shop.close()


def test_429_retry_after_is_honoured_and_every_page_arrives(still_sandbox: SmaregiSandbox) -> None:
    clock = still_sandbox.clock
    retry = RetryPolicy(max_attempts=10, base=0.02, cap=0.2, sleep=clock.advance)
    with (
        SandboxServer(still_sandbox.app) as server,
        make_client(server.url, retry=retry, clock=clock.monotonic, reads_per_second=200.0) as client,
    ):  # far faster than the sandbox allows
        products = list(client.get_list("/products", limit=1))
    assert len(products) == len(still_sandbox.state.products)
    refused = client.rate_limited["GET /products"]
    assert refused > 0
    # Every 429 said "Retry-After: 1" (or more), and the client sent nothing for that long.
    assert client.budgets.read.waited_seconds >= refused * 1.0


def test_a_client_paced_at_the_sandbox_rate_is_rarely_refused(url: str, sandbox: SmaregiSandbox) -> None:
    sandbox.rate_limiter.configure(reads_per_second=20, writes_per_second=4)
    sandbox.rate_limiter.enabled = True
    with make_client(url, reads_per_second=20.0, max_concurrency=4) as client:
        products = list(client.get_list_parallel("/products", limit=1))
    assert len(products) == len(sandbox.state.products)
    assert client.rate_limited["GET /products"] <= 2


def test_a_fault_plan_of_throttles_and_5xx_gives_the_same_results(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url) as client:
        clean = list(client.get_list("/products", limit=2))
    sandbox.faults.set_plan(FaultPlan(seed=7, throttle=0.1, server_error=0.1))
    with make_client(url, retry=RetryPolicy(max_attempts=15, base=0.02, cap=0.2)) as client:
        walks = [list(client.get_list("/products", limit=2)) for _ in range(3)]
    assert walks == [clean, clean, clean]
    assert {d.kind for d in sandbox.faults.log} == {FaultKind.THROTTLE, FaultKind.SERVER_ERROR}


def test_a_lost_transaction_answer_is_an_unknown_outcome_and_applied_once(
    url: str, sandbox: SmaregiSandbox
) -> None:
    with make_client(url) as client:
        product = a_product(client)
        before = len(sandbox.state.transactions)
        sandbox.faults.script("POST /transactions", FaultKind.ANSWER_LOST)
        with pytest.raises(OutcomeUnknown):
            client.post("/transactions", sale_body(product, "880001"))
        assert client.calls["POST /transactions"] == 1
    assert len(sandbox.state.transactions) == before + 1


def test_created_transaction_comes_back_typed(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url) as client:
        product = a_product(client)
        created = client.post("/transactions", sale_body(product, "880002"))
        fetched = client.get(f"/transactions/{created['transactionHeadId']}", {"with_details": "all"})
    assert isinstance(created["transactionHeadId"], int)
    assert fetched["total"] == product["price"]
    assert fetched["details"][0]["quantity"] == 1


def test_an_absolute_stock_write_is_resent_after_a_lost_answer(url: str, sandbox: SmaregiSandbox) -> None:
    with make_client(url) as client:
        row = next(iter(client.get_list("/stock")))
        sandbox.faults.script("PATCH /stock/{productId}", FaultKind.ANSWER_LOST)
        result = client.patch(f"/stock/{row['productId']}", {"storeId": row["storeId"], "stockAmount": 42})
        assert client.calls["PATCH /stock/{id}"] == 2
        assert result["stockAmount"] == 42
        sandbox.faults.script("POST /stock/{productId}/add", FaultKind.ANSWER_LOST)
        with pytest.raises(OutcomeUnknown):
            client.post(f"/stock/{row['productId']}/add", {"storeId": row["storeId"], "stockAmount": -2})
    assert sandbox.stock_of(str(row["productId"]), str(row["storeId"])) == 40


def test_unknown_ids_are_typed_not_found(url: str) -> None:
    with make_client(url) as client, pytest.raises(SmaregiNotFound):
        client.get("/products/999999999")
