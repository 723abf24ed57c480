"""Stock (在庫): list, absolute PATCH, relative add, and the per product×store change history."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.listing import in_range, parse_time_range
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Operation


def list_stock(call: Call) -> Answer:
    q = call.query
    updated = parse_time_range(q, "upd_date_time")
    predicates = compact([exact("storeId", q.get("store_id")), exact("productId", q.get("product_id"))])
    if updated:
        predicates.append(lambda row: in_range(row.get("updDateTime"), updated))
    return list_answer(
        call, "stock", lambda: call.state.stock.values(), predicates, F.STOCK_FIELDS,
        (("productId", False), ("storeId", False)), sort_keys=("productId", "storeId"),
    )  # fmt: skip


def set_stock(call: Call) -> Answer:
    return Answer(200, call.state.write_stock(call.params["productId"], call.object_body(), relative=False))


def add_stock(call: Call) -> Answer:
    return Answer(200, call.state.write_stock(call.params["productId"], call.object_body(), relative=True))


def list_stock_changes(call: Call) -> Answer:
    state = call.state
    product_id, store_id = call.params["productId"], call.params["storeId"]
    state.product(product_id)
    state.store(store_id)
    q = call.query
    predicates = compact([exact("id", q.get("id")), exact("stockDivision", q.get("stock_division"))])
    target_date = q.get("target_date")
    if target_date:
        predicates.append(lambda row: (row.get("targetDateTime") or "").startswith(target_date))
    return list_answer(
        call, f"stock-changes:{product_id}:{store_id}", lambda: state.stock_history.get((product_id, store_id), []),
        predicates, F.STOCK_CHANGE_FIELDS, (("id", False),),
    )  # fmt: skip


OPERATIONS = [
    Operation("GET", "/stock", "pos.stock:read", list_stock),
    Operation("PATCH", "/stock/{productId}", "pos.stock:write", set_stock),
    Operation("POST", "/stock/{productId}/add", "pos.stock:write", add_stock),
    Operation("GET", "/stock/changes/{productId}/{storeId}", "pos.stock-changes:read", list_stock_changes),
]
