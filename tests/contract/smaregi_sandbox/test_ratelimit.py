"""429 with Retry-After when a contract's read or write budget is spent; budgets refill on the sandbox clock."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import SmaregiSandbox

from .conftest import ServeFactory


def test_writes_beyond_the_budget_get_429_with_retry_after(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create(writes_per_second=4, reads_per_second=10)
    served = serve_sandbox(sandbox, rate_limits=True)
    product_id = next(iter(sandbox.state.products))
    sandbox.clock.advance(10)  # a full bucket whatever happened during setup
    with served.client() as client:
        statuses = []
        answers = []
        for _ in range(12):
            answer = client.post(f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "1"})
            statuses.append(answer.status_code)
            answers.append(answer)
        throttled = [a for a in answers if a.status_code == 429]
        assert statuses[:4] == [200] * 4
        assert throttled, statuses
        problem = throttled[0].json()
        assert problem["title"] == "Too Many Requests"
        assert problem["status"] == 429
        assert int(throttled[0].headers["Retry-After"]) >= 1
        assert client.get("/products").status_code == 200  # reads have their own budget
        sandbox.clock.advance(int(throttled[0].headers["Retry-After"]))
        assert (
            client.post(f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "1"}).status_code
            == 200
        )


def test_a_throttled_write_is_not_applied(serve_sandbox: ServeFactory) -> None:
    sandbox = SmaregiSandbox.create(writes_per_second=1)
    served = serve_sandbox(sandbox, rate_limits=True)
    product_id = next(iter(sandbox.state.products))
    sandbox.clock.advance(10)
    start = sandbox.stock_of(product_id, "1") or 0
    with served.client() as client:
        results = [
            client.post(f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "1"}).status_code
            for _ in range(5)
        ]
    assert sandbox.stock_of(product_id, "1") == start + results.count(200)
    assert results.count(429) >= 1


def test_production_budgets_are_the_default() -> None:
    sandbox = SmaregiSandbox.create()
    try:
        assert (sandbox.rate_limiter.reads_per_second, sandbox.rate_limiter.writes_per_second) == (50.0, 20.0)
    finally:
        sandbox.close()
