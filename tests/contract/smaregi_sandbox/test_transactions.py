"""Transactions: the 31-day rule, totals by Smaregi's formula, stock moved by sale, return, void, dispose."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from smapify_pipeline.sandbox.smaregi import SmaregiSandbox
from smapify_pipeline.sandbox.smaregi.listing import JST, format_time

from .conftest import ServeFactory


def _range(now: datetime, days: float = 1) -> dict[str, str]:
    return {
        "transaction_date_time-from": format_time(now - timedelta(days=days)),
        "transaction_date_time-to": format_time(now + timedelta(minutes=1)),
    }


def _product(sandbox: SmaregiSandbox, tax_rate: int = 10) -> dict:
    return next(p for p in sandbox.state.products.values() if sandbox.state.tax_rate_of(p) == tax_rate)


def _sale_body(lines: list[dict], subtotal: str, total: str, **head: str) -> dict:
    return {
        "transactionHeadDivision": "1",
        "storeId": "1",
        "terminalId": "1",
        "terminalTranId": "900001",
        "terminalTranDateTime": "2026-11-01T10:00:00+09:00",
        "subtotal": subtotal,
        "total": total,
        "details": lines,
        **head,
    }


def _line(product: dict, quantity: int, price: int | None = None, division: str = "1") -> dict:
    return {
        "transactionDetailId": "1",
        "transactionDetailDivision": division,
        "productId": product["productId"],
        "salesPrice": str(price if price is not None else int(product["price"])),
        "unitDiscountPrice": "0",
        "quantity": str(quantity),
    }


def test_list_needs_a_range_of_at_most_31_days(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    missing = api.get("/transactions")
    assert missing.status_code == 400
    assert missing.json()["title"] == "Bad Request"
    now = sandbox.clock.now()
    assert api.get("/transactions", params=_range(now, days=31.0)).status_code == 400  # 31 days + 1 minute
    start = now.astimezone(JST).replace(microsecond=0)
    exactly = {
        "upd_date_time-from": format_time(start - timedelta(days=31)),
        "upd_date_time-to": format_time(start),
    }
    assert api.get("/transactions", params=exactly).status_code == 200
    one_end = {"transaction_date_time-from": format_time(now)}
    assert api.get("/transactions", params=one_end).status_code == 400
    dates = api.get("/transactions", params={"sum_date-from": "2026-08-01", "sum_date-to": "2026-08-31"})
    assert dates.status_code == 200
    assert (
        api.get(
            "/transactions", params={"sum_date-from": "2026-08-01", "sum_date-to": "2026-09-01"}
        ).status_code
        == 400
    )


def test_limit_is_100_with_details(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    params = _range(sandbox.clock.now())
    assert api.get("/transactions", params={**params, "limit": 1000}).status_code == 200
    assert api.get("/transactions", params={**params, "limit": 101, "with_details": "all"}).status_code == 400
    assert api.get("/transactions", params={**params, "limit": 100, "with_details": "all"}).status_code == 200


def test_created_sale_with_both_tax_rates_is_accepted_and_moves_stock(
    api: httpx.Client, sandbox: SmaregiSandbox
) -> None:
    standard, reduced = _product(sandbox, 10), _product(sandbox, 8)
    before = {p["productId"]: sandbox.stock_of(p["productId"], "1") or 0 for p in (standard, reduced)}
    lines = [_line(standard, 2), {**_line(reduced, 1), "transactionDetailId": "2"}]
    subtotal = 2 * int(standard["price"]) + int(reduced["price"])
    tax_include = 2 * int(standard["price"]) * 10 // 110 + int(reduced["price"]) * 8 // 108
    answer = api.post("/transactions", json=_sale_body(lines, str(subtotal), str(subtotal)))
    assert answer.status_code == 200, answer.text
    created = answer.json()
    assert created["transactionHeadId"].isdigit()
    assert created["taxInclude"] == str(tax_include)
    assert created["taxExclude"] == "0"
    assert created["amount"] == "3"
    assert [d["taxRate"] for d in created["details"]] == ["10", "8"]
    assert sandbox.stock_of(standard["productId"], "1") == before[standard["productId"]] - 2
    assert sandbox.stock_of(reduced["productId"], "1") == before[reduced["productId"]] - 1
    fetched = api.get(f"/transactions/{created['transactionHeadId']}", params={"with_details": "all"}).json()
    assert fetched["total"] == str(subtotal)
    assert len(fetched["details"]) == 2
    assert "details" not in api.get(f"/transactions/{created['transactionHeadId']}").json()
    details = api.get(f"/transactions/{created['transactionHeadId']}/details").json()
    assert [d["productCode"] for d in details] == [standard["productCode"], reduced["productCode"]]


def test_total_with_carriage_and_tax_excluded_goods(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    created = api.post("/products", json={"categoryId": "1", "productCode": "TAXEXCL-1", "productName": "税抜商品",
                                          "price": "1000", "taxDivision": "1"}).json()  # fmt: skip
    body = _sale_body([_line(created, 3)], "3000", str(3000 + 300 + 500), carriage="500")
    answer = api.post("/transactions", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["taxExclude"] == "300"
    assert answer.json()["carriage"] == "500"


@pytest.mark.parametrize(
    ("subtotal", "total", "word"),
    [("2199", "2199", "subtotal"), ("2200", "2100", "total")],
)
def test_wrong_totals_are_refused_with_a_bad_request(
    api: httpx.Client, sandbox: SmaregiSandbox, subtotal: str, total: str, word: str
) -> None:
    product = sandbox.product_create({"categoryId": "1", "productCode": "TOTALS-1", "productName": "検算",
                                      "price": "1100", "taxDivision": "0"})  # fmt: skip
    count = len(sandbox.state.transactions)
    answer = api.post("/transactions", json=_sale_body([_line(product, 2)], subtotal, total))
    assert answer.status_code == 400
    problem = answer.json()
    assert (problem["type"], problem["title"], problem["status"]) == ("about:blank", "Bad Request", 400)
    assert word in problem["detail"]
    assert len(sandbox.state.transactions) == count


def test_negative_subtotal_needs_return_lines(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = _product(sandbox)
    price = int(product["price"])
    negative_price = _sale_body([_line(product, 1, price=-price)], str(-price), str(-price))
    assert api.post("/transactions", json=negative_price).status_code == 400
    before = sandbox.stock_of(product["productId"], "1") or 0
    returned = _sale_body([_line(product, -1, division="2")], str(-price), str(-price))
    answer = api.post("/transactions", json=returned)
    assert answer.status_code == 200, answer.text
    assert answer.json()["returnAmount"] == "1"
    assert sandbox.stock_of(product["productId"], "1") == before + 1


def test_register_sale_return_void_and_dispose_move_stock(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = _product(sandbox)["productId"]
    start = sandbox.stock_of(product, "1") or 0
    sale = sandbox.ring_up_sale("1", [(product, 3)])
    assert sandbox.stock_of(product, "1") == start - 3
    line_return = sandbox.register_return(sale, [(product, 1)])
    assert sandbox.stock_of(product, "1") == start - 2
    returned = api.get(f"/transactions/{line_return}", params={"with_details": "all"}).json()
    assert returned["details"][0]["transactionDetailDivision"] == "2"
    assert returned["details"][0]["quantity"] == "-1"
    assert int(returned["total"]) < 0
    assert returned["disposeServerTransactionHeadId"] == sale

    voided = sandbox.ring_up_sale("1", [(product, 2)])
    sandbox.register_void(voided)
    assert sandbox.stock_of(product, "1") == start - 2
    head = api.get(f"/transactions/{voided}").json()
    assert head["cancelDivision"] == "1"
    assert head["cancelDateTime"]

    reversal = api.post(f"/transactions/{sale}/dispose", json={}).json()
    assert sandbox.stock_of(product, "1") == start + 1
    assert reversal["disposeDivision"] == "2"
    assert reversal["disposeServerTransactionHeadId"] == sale
    assert reversal["total"] == "-" + api.get(f"/transactions/{sale}").json()["total"]
    assert api.get(f"/transactions/{sale}").json()["disposeDivision"] == "1"
    assert api.post(f"/transactions/{sale}/dispose", json={}).status_code == 400
    assert api.post(f"/transactions/{voided}/cancel", json={}).status_code == 400


def test_cancel_over_the_api(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = _product(sandbox)["productId"]
    start = sandbox.stock_of(product, "1") or 0
    sale = sandbox.ring_up_sale("1", [(product, 1)])
    answer = api.post(f"/transactions/{sale}/cancel", json={"cancelDateTime": "2026-11-02T09:00:00+09:00"})
    assert answer.status_code == 200
    assert answer.json()["cancelDivision"] == "1"
    assert answer.json()["cancelDateTime"] == "2026-11-02T09:00:00+09:00"
    assert sandbox.stock_of(product, "1") == start
    assert api.patch(f"/transactions/{sale}", json={"memo": "メモ"}).json()["memo"] == "メモ"


def test_paging_seeded_transactions_with_filters(serve_sandbox: ServeFactory) -> None:
    served = serve_sandbox(SmaregiSandbox.create(seed_size="small", sales=2500, seed=5))
    params = {"sum_date-from": "2026-08-01", "sum_date-to": "2026-08-31", "limit": 1000}
    seen = []
    with served.client(("pos.transactions:read",)) as client:
        page = 1
        while True:
            rows = client.get("/transactions", params={**params, "page": page}).json()
            seen += rows
            if len(rows) < 1000:
                break
            page += 1
        expected = [
            h
            for h in served.sandbox.state.transactions.values()
            if "2026-08-01" <= h["sumDate"] <= "2026-08-31"
        ]
        assert [r["transactionHeadId"] for r in seen] == [h["transactionHeadId"] for h in expected]
        store_two = client.get("/transactions", params={**params, "store_id": "2"}).json()
        assert store_two and all(r["storeId"] == "2" for r in store_two)
        newest_first = client.get(
            "/transactions", params={**params, "sort": "transactionDateTime:desc", "limit": 5}
        ).json()
        times = [r["transactionDateTime"] for r in newest_first]
        assert times == sorted(times, reverse=True)


def test_products_without_stock_control_do_not_move_stock(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = _product(sandbox)["productId"]
    api.patch(f"/products/{product}", json={"stockControlDivision": "1"})
    start = sandbox.stock_of(product, "1")
    sale = sandbox.ring_up_sale("1", [(product, 2)])
    assert sandbox.stock_of(product, "1") == start
    assert api.get(f"/transactions/{sale}").json()["amount"] == "2"


def test_unlisted_filters_are_ignored(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product = _product(sandbox)["productId"]
    sales = [sandbox.ring_up_sale("1", [(product, 1)]) for _ in range(2)]
    params = {**_range(sandbox.clock.now()), "terminal_tran_id": sales[0]}
    listed = [row["transactionHeadId"] for row in api.get("/transactions", params=params).json()]
    assert set(sales) <= set(listed)


def test_category_sale_lines_need_a_category_and_move_no_stock(
    api: httpx.Client, sandbox: SmaregiSandbox
) -> None:
    food = next(c for c in sandbox.state.categories.values() if c["categoryCode"] == "04")
    stock_before = dict((key, row["stockAmount"]) for key, row in sandbox.state.stock.items())
    line = {"transactionDetailDivision": "3", "categoryId": food["categoryId"], "productName": "Shopifyの商品",
            "salesPrice": "1080", "quantity": "2"}  # fmt: skip
    answer = api.post("/transactions", json=_sale_body([line], "2160", "2160"))
    assert answer.status_code == 200, answer.text
    detail = answer.json()["details"][0]
    assert (detail["productId"], detail["productName"], detail["productDivision"]) == (
        None,
        "Shopifyの商品",
        "3",
    )
    assert (detail["taxRate"], answer.json()["taxInclude"]) == ("8", str(2160 * 8 // 108))
    assert {key: row["stockAmount"] for key, row in sandbox.state.stock.items()} == stock_before
    returned = {**line, "transactionDetailDivision": "2", "quantity": "-1"}
    assert api.post("/transactions", json=_sale_body([returned], "-1080", "-1080")).status_code == 200
    without_category = {k: v for k, v in line.items() if k != "categoryId"}
    assert api.post("/transactions", json=_sale_body([without_category], "2160", "2160")).status_code == 400
    plain_line = {**line, "transactionDetailDivision": "1"}
    assert api.post("/transactions", json=_sale_body([plain_line], "2160", "2160")).status_code == 400
