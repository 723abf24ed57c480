"""Products and masters: paging, string types, filters, sort, fields, create/PATCH/DELETE, errors."""

from __future__ import annotations

import re

import httpx
import pytest

from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox

from .conftest import Served, ServeFactory

JST_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$")


def assert_scalars_are_strings(value: object) -> None:
    if isinstance(value, dict):
        for item in value.values():
            assert_scalars_are_strings(item)
    elif isinstance(value, list):
        for item in value:
            assert_scalars_are_strings(item)
    else:
        assert value is None or isinstance(value, str), f"not a string: {value!r}"


def test_paging_5000_products_by_1000_ends_on_a_short_page(serve_sandbox: ServeFactory) -> None:
    served = serve_sandbox(SmaregiSandbox.create(seed_size=5000, seed=1))
    seen: list[str] = []
    pages = 0
    with served.client(("pos.products:read",)) as client:
        page = 1
        while True:
            answer = client.get("/products", params={"limit": 1000, "page": page})
            assert answer.status_code == 200
            assert "link" not in answer.headers
            rows = answer.json()
            assert isinstance(rows, list)
            seen += [row["productId"] for row in rows]
            pages += 1
            if len(rows) < 1000:
                break
            page += 1
    assert len(seen) == 5000 == len(set(seen))
    assert seen == sorted(seen, key=int)
    assert pages == 6  # five full pages, then an empty one: 5,000 is a multiple of 1,000


def test_every_scalar_is_a_string_and_times_are_jst(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    sale = sandbox.ring_up_sale("1", [(next(iter(sandbox.state.products)), 1)])
    answers = [
        api.get("/products").json(),
        api.get("/stores").json(),
        api.get("/categories").json(),
        api.get("/stock").json(),
        api.get(f"/transactions/{sale}", params={"with_details": "all"}).json(),
    ]
    for answer in answers:
        assert_scalars_are_strings(answer)
    product = answers[0][0]
    assert JST_TIME.match(product["updDateTime"])
    assert JST_TIME.match(answers[4]["transactionDateTime"])
    assert product["price"].isdigit()


def test_product_fields_follow_the_catalogue(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    catalogue = build_catalogue("small", seed=3)
    product, variant = next(catalogue.variants())
    rows = api.get("/products", params={"product_code": variant.code}).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["productName"] == product.title
    assert row["groupCode"] == product.group_code
    assert row["price"] == str(variant.price)
    assert row["taxDivision"] == "0"
    assert row["stockControlDivision"] == "0"
    assert row["displayFlag"] == "1"
    assert (row["size"], row["color"]) == (variant.size, variant.color)


def test_filters_sort_and_fields(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    group = next(iter(sandbox.state.products.values()))["groupCode"]
    grouped = api.get("/products", params={"group_code": group}).json()
    assert grouped and all(row["groupCode"] == group for row in grouped)
    descending = api.get("/products", params={"sort": "productId:desc"}).json()
    assert [r["productId"] for r in descending] == sorted(
        (r["productId"] for r in descending), key=int, reverse=True
    )
    slim = api.get("/products", params={"fields": "productId,productCode", "limit": 3}).json()
    assert [set(row) for row in slim] == [{"productId", "productCode"}] * 3
    assert api.get("/products", params={"fields": "productId,nope"}).status_code == 400
    assert api.get("/products", params={"sort": "nope:desc"}).status_code == 400


@pytest.mark.parametrize("limit", ["0", "1001", "abc"])
def test_limit_must_be_1_to_1000(api: httpx.Client, limit: str) -> None:
    answer = api.get("/products", params={"limit": limit})
    assert answer.status_code == 400
    assert answer.json()["title"] == "Bad Request"


def test_upd_date_time_filter_and_unencoded_plus(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    sandbox.clock.advance(600)
    edited = next(iter(sandbox.state.products))
    sandbox.product_edit(edited, {"productName": "改名した商品"})
    since = sandbox.state.products[edited]["updDateTime"]
    rows = api.get(
        "/products", params={"upd_date_time-from": since, "upd_date_time-to": "2099-01-01T00:00:00+09:00"}
    )
    assert [row["productId"] for row in rows.json()] == [edited]
    raw = api.get(f"/products?upd_date_time-from={since}&upd_date_time-to=2099-01-01T00:00:00+09:00")
    assert raw.status_code == 400
    assert raw.json()["title"] == "Bad Request"


def test_create_answers_200_with_the_product_and_defaults(api: httpx.Client) -> None:
    body = {"categoryId": "1", "productCode": "SANDBOX-NEW-1", "productName": "新商品", "price": "1200"}
    answer = api.post("/products", json=body)
    assert answer.status_code == 200
    created = answer.json()
    assert created["productId"].isdigit()
    assert created["taxDivision"] == "1"  # tax-excluded unless told otherwise
    assert created["productPriceDivision"] == "1"
    assert api.get(f"/products/{created['productId']}").json()["productCode"] == "SANDBOX-NEW-1"
    duplicate = api.post("/products", json=body)
    assert duplicate.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"categoryId": "1", "productCode": "X1", "productName": "数値", "price": 1200},
        {"categoryId": "1", "productCode": "X2", "productName": "必須なし"},
        {"categoryId": "999", "productCode": "X3", "productName": "部門なし", "price": "1"},
        {"categoryId": "1", "productCode": "商品コード", "productName": "非ASCII", "price": "1"},
        {"categoryId": "1", "productCode": "X4", "productName": "x" * 86, "price": "1"},
        {"categoryId": "1", "productCode": "X5", "productName": "範囲外", "price": "100000000"},
        {"categoryId": "1", "productCode": "X6", "productName": "区分", "price": "1", "taxDivision": "3"},
        {"categoryId": "1", "productCode": "X7", "productName": "不明", "price": "1", "colour": "red"},
    ],
)
def test_create_refuses_invalid_bodies(api: httpx.Client, body: dict) -> None:
    answer = api.post("/products", json=body)
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Bad Request"
    assert problem["status"] == 400
    assert problem["detail"]


def test_patch_changes_only_sent_keys_and_delete_leaves_404(
    api: httpx.Client, sandbox: SmaregiSandbox
) -> None:
    product_id = next(iter(sandbox.state.products))
    before = api.get(f"/products/{product_id}").json()
    sandbox.clock.advance(5)
    patched = api.patch(f"/products/{product_id}", json={"price": "1320"}).json()
    assert patched["price"] == "1320"
    assert {k: v for k, v in patched.items() if k not in {"price", "updDateTime"}} == {
        k: v for k, v in before.items() if k not in {"price", "updDateTime"}
    }
    assert patched["updDateTime"] > before["updDateTime"]
    deleted = api.delete(f"/products/{product_id}")
    assert deleted.status_code == 200
    assert deleted.content == b""
    missing = api.get(f"/products/{product_id}")
    assert missing.status_code == 404
    assert missing.json() == {
        "type": "about:blank",
        "title": "NotFound",
        "detail": "指定されたIDのリソースが見つかりません",
        "status": 404,
    }


def test_stores_and_categories(api: httpx.Client) -> None:
    stores = api.get("/stores").json()
    assert [s["storeId"] for s in stores] == ["1", "2"]
    assert stores[0]["storeName"] == "渋谷本店"
    categories = api.get("/categories", params={"sort": "categoryId:asc"}).json()
    assert {c["categoryCode"] for c in categories} == {"01", "02", "03", "04", "05", "06"}
    food = next(c for c in categories if c["categoryCode"] == "04")
    assert food["reduceTaxId"] is not None
    created = api.post("/categories", json={"categoryCode": "99", "categoryName": "新部門"})
    assert created.status_code == 200
    category_id = created.json()["categoryId"]
    assert api.patch(f"/categories/{category_id}", json={"displayFlag": "0"}).json()["displayFlag"] == "0"
    assert api.delete(f"/categories/{category_id}").status_code == 200
    assert api.get(f"/categories/{category_id}").status_code == 404


def test_unknown_path_and_method(api: httpx.Client, served: Served) -> None:
    assert api.get("/spaceships").status_code == 404
    assert api.put("/products").status_code == 405
