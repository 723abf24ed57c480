"""The /_sandbox hooks over HTTP: seed, reset, sales, returns, voids, stock counts, merchant edits, save/load."""

from __future__ import annotations

from pathlib import Path

import httpx

from smapify_pipeline.sandbox.seed import build_catalogue

from .conftest import Served


def _hook(served: Served, method: str, path: str, body: dict | None = None) -> httpx.Response:
    answer = httpx.request(method, f"{served.url}/_sandbox{path}", json=body, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer


def test_seed_links_to_the_shared_catalogue(served: Served) -> None:
    counts = _hook(served, "POST", "/seed", {"size": 60, "seed": 9, "locations": 3, "sales": 20}).json()
    catalogue = build_catalogue(60, seed=9, locations=3)
    assert counts == {"stores": 3, "products": catalogue.variant_count, "transactions": 20}
    state = _hook(served, "GET", "/state").json()
    assert {p["productCode"] for p in state["products"]} == {v.code for _, v in catalogue.variants()}


def test_reset_empties_everything(served: Served) -> None:
    _hook(served, "POST", "/reset", {"empty": True})
    state = _hook(served, "GET", "/state").json()
    assert state["products"] == [] and state["stores"] == [] and state["transactions"] == []


def _stock_by_code(state: dict) -> dict[tuple[str, str], str]:
    codes = {p["productId"]: p["productCode"] for p in state["products"]}
    return {(codes[row["productId"]], row["storeId"]): row["stockAmount"] for row in state["stock"]}


def test_reset_restores_the_seeded_state(served: Served) -> None:
    seeded = _hook(served, "GET", "/state").json()
    product = next(iter(served.sandbox.state.products))
    served.sandbox.ring_up_sale("1", [(product, 1)])
    assert _stock_by_code(_hook(served, "GET", "/state").json()) != _stock_by_code(seeded)
    _hook(served, "POST", "/reset")
    state = _hook(served, "GET", "/state").json()
    assert _stock_by_code(state) == _stock_by_code(seeded)
    assert state["transactions"] == seeded["transactions"] == []


def test_register_flow_over_hooks(served: Served, api: httpx.Client) -> None:
    product = next(iter(served.sandbox.state.products.values()))
    code = product["productCode"]
    start = served.sandbox.stock_of(code, "1") or 0
    sale = _hook(
        served, "POST", "/sales", {"storeId": "1", "lines": [{"product": code, "quantity": 2}]}
    ).json()
    sale_id = sale["transactionHeadId"]
    assert served.sandbox.stock_of(code, "1") == start - 2
    returned = _hook(
        served,
        "POST",
        "/returns",
        {"transactionHeadId": sale_id, "lines": [{"product": code, "quantity": 1}]},
    )
    assert served.sandbox.stock_of(code, "1") == start - 1
    assert api.get(f"/transactions/{returned.json()['transactionHeadId']}").json()["total"].startswith("-")
    second = _hook(
        served, "POST", "/sales", {"storeId": "1", "lines": [{"product": code, "quantity": 1}]}
    ).json()
    _hook(served, "POST", "/voids", {"transactionHeadId": second["transactionHeadId"]})
    assert served.sandbox.stock_of(code, "1") == start - 1
    reversal = _hook(served, "POST", "/disposals", {"transactionHeadId": sale_id}).json()
    assert (
        api.get(f"/transactions/{reversal['transactionHeadId']}").json()["disposeServerTransactionHeadId"]
        == sale_id
    )
    count = _hook(
        served, "POST", "/stock-counts", {"product": code, "storeId": "1", "stockAmount": 12}
    ).json()
    assert count["stockHistoryId"].isdigit()
    assert served.sandbox.stock_of(code, "1") == 12


def test_merchant_product_edits(served: Served, api: httpx.Client) -> None:
    product = next(iter(served.sandbox.state.products.values()))
    edited = _hook(served, "PATCH", f"/products/{product['productCode']}", {"price": "1320"}).json()
    assert edited["price"] == "1320"
    assert api.get(f"/products/{product['productId']}").json()["price"] == "1320"
    created = _hook(served, "POST", "/products", {"categoryId": "1", "productCode": "HOOK-1", "productName": "Z",
                                                  "price": "990", "taxDivision": "0"}).json()  # fmt: skip
    assert (
        api.get("/products", params={"product_code": "HOOK-1"}).json()[0]["productId"] == created["productId"]
    )
    _hook(served, "DELETE", f"/products/{created['productId']}")
    assert api.get(f"/products/{created['productId']}").status_code == 404
    refused = httpx.patch(f"{served.url}/_sandbox/products/{product['productId']}", json={"price": 5})
    assert refused.status_code == 400


def test_save_and_load_round_trip(served: Served, tmp_path: Path) -> None:
    sandbox = served.sandbox
    product = next(iter(sandbox.state.products))
    sale = sandbox.ring_up_sale("2", [(product, 1)])
    path = tmp_path / "smaregi.json"
    _hook(served, "POST", "/save", {"path": str(path)})
    saved = sandbox.snapshot()
    _hook(served, "POST", "/reset")
    _hook(served, "POST", "/load", {"path": str(path)})
    assert sandbox.snapshot() == saved
    assert sandbox.state.transactions[sale]["storeId"] == "2"
    next_sale = sandbox.ring_up_sale("2", [(product, 1)])
    assert int(next_sale) == int(sale) + 1


def test_clock_rate_limits_and_faults_hooks(served: Served) -> None:
    before = served.sandbox.clock.monotonic()
    _hook(served, "POST", "/clock/advance", {"seconds": 120})
    assert served.sandbox.clock.monotonic() - before >= 120
    _hook(served, "POST", "/rate-limits", {"readsPerSecond": 3, "writesPerSecond": 1})
    assert served.sandbox.rate_limiter.reads_per_second == 3
    _hook(served, "POST", "/faults", {"plan": "seed=3,throttle=0.5"})
    assert served.sandbox.faults.plan.throttle == 0.5


def test_bad_hook_arguments_are_a_400_problem(served: Served) -> None:
    answer = httpx.post(f"{served.url}/_sandbox/sales", json={"lines": []})
    assert answer.status_code == 400
    assert answer.json()["title"] == "Bad Request"
    assert httpx.post(f"{served.url}/_sandbox/nothing-here", json={}).status_code == 404


def test_delivery_hooks_are_the_shared_ones(served: Served) -> None:
    _hook(served, "POST", "/webhooks/delivery", {"duplicates": 0.5, "reorder": True, "seed": 2})
    assert served.sandbox.delivery._random.duplicate_rate == 0.5
    assert served.sandbox.delivery._random.reorder is True
    assert _hook(served, "POST", "/webhooks/drain", {"timeout": 5}).json() == {"drained": True}
