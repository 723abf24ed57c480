"""Stock: rows only after a move, absolute and relative writes, history ids and kinds, errors."""

from __future__ import annotations

import httpx

from smapify_pipeline.sandbox.smaregi import SmaregiSandbox


def _never_moved(sandbox: SmaregiSandbox) -> tuple[str, str]:
    """A new product: it has no stock row anywhere until its stock first moves."""
    code = f"NEW-{len(sandbox.state.products)}"
    product = sandbox.product_create(
        {"categoryId": "1", "productCode": code, "productName": "新商品", "price": "500"}
    )
    return product["productId"], "1"


def test_absolute_then_relative_update(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product_id = next(iter(sandbox.state.products))
    absolute = api.patch(
        f"/stock/{product_id}", json={"storeId": "1", "stockAmount": "10", "stockHistory": {"memo": "棚卸"}}
    )
    assert absolute.status_code == 200
    body = absolute.json()
    assert body["productId"] == product_id
    assert body["storeId"] == "1"
    assert body["stockAmount"] == "10"
    assert body["stockHistory"]["memo"] == "棚卸"
    first_history = body["stockHistory"]["id"]
    relative = api.post(f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "-3"}).json()
    assert relative["stockAmount"] == "7"
    assert int(relative["stockHistory"]["id"]) > int(first_history)
    rows = api.get("/stock", params={"product_id": product_id, "store_id": "1"}).json()
    assert [(r["stockAmount"], r["layawayStockAmount"]) for r in rows] == [("7", "0")]


def test_stock_row_appears_only_after_the_first_move(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product_id, store_id = _never_moved(sandbox)
    assert api.get("/stock", params={"product_id": product_id, "store_id": store_id}).json() == []
    assert api.get(f"/stock/changes/{product_id}/{store_id}").json() == []
    api.post(f"/stock/{product_id}/add", json={"storeId": store_id, "stockAmount": "4"})
    rows = api.get("/stock", params={"product_id": product_id, "store_id": store_id}).json()
    assert [r["stockAmount"] for r in rows] == ["4"]


def test_history_records_every_change_with_its_kind(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product_id, store_id = _never_moved(sandbox)
    api.patch(f"/stock/{product_id}", json={"storeId": store_id, "stockAmount": "10"})
    api.post(f"/stock/{product_id}/add", json={"storeId": store_id, "stockAmount": "5"})
    sale = sandbox.ring_up_sale(store_id, [(product_id, 2)])
    sandbox.register_return(sale, [(product_id, 1)])
    sandbox.stock_count(product_id, store_id, 20)
    history = api.get(f"/stock/changes/{product_id}/{store_id}").json()
    assert [(h["stockDivision"], h["amount"], h["stockAmount"]) for h in history] == [
        ("01", "10", "10"),
        ("15", "5", "15"),
        ("02", "-2", "13"),
        ("12", "1", "14"),
        ("08", "6", "20"),
    ]
    ids = [int(h["id"]) for h in history]
    assert ids == sorted(ids) and len(set(ids)) == 5
    only_sales = api.get(f"/stock/changes/{product_id}/{store_id}", params={"stock_division": "02"}).json()
    assert len(only_sales) == 1


def test_stock_errors_are_the_documented_ones(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    product_id = next(iter(sandbox.state.products))
    unknown_store = api.patch(f"/stock/{product_id}", json={"storeId": "99", "stockAmount": "1"})
    assert unknown_store.status_code == 400
    assert unknown_store.json() == {
        "type": "about:blank",
        "title": "Bad Request",
        "detail": "指定された店舗IDのリソースが見つかりません",
        "status": 400,
    }
    unknown_product = api.patch("/stock/999999999", json={"storeId": "1", "stockAmount": "1"})
    assert unknown_product.status_code == 404
    assert unknown_product.json()["title"] == "NotFound"
    api.patch(f"/stock/{product_id}", json={"storeId": "1", "stockAmount": "999999999"})
    overflow = api.post(f"/stock/{product_id}/add", json={"storeId": "1", "stockAmount": "1"})
    assert overflow.status_code == 400
    assert overflow.json()["detail"] == "更新後の在庫数は[999999999]以下である必要があります"
    assert api.patch(f"/stock/{product_id}", json={"storeId": "1", "stockAmount": 5}).status_code == 400
    assert (
        api.patch(f"/stock/{product_id}", json={"storeId": "1", "stockAmount": "1000000000"}).status_code
        == 400
    )


def test_stock_list_paging_and_range(api: httpx.Client, sandbox: SmaregiSandbox) -> None:
    everything = api.get("/stock", params={"limit": 1000}).json()
    assert len(everything) == len(sandbox.state.stock)
    keys = [(int(r["productId"]), int(r["storeId"])) for r in everything]
    assert keys == sorted(keys)
    too_long = api.get("/stock", params={"upd_date_time-from": "2026-01-01T00:00:00+09:00",
                                          "upd_date_time-to": "2026-03-01T00:00:00+09:00"})  # fmt: skip
    assert too_long.status_code == 400
