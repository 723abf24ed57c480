"""Stores (店舗) and categories (部門)."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.errors import bad_request, not_found
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Route


def list_stores(call: Call) -> Answer:
    return list_answer(
        call, "stores", lambda: call.state.stores.values(), [], F.STORE_FIELDS, (("storeId", False),)
    )


def get_store(call: Call) -> Answer:
    store = call.state.stores.get(call.params["storeId"])
    if store is None:
        raise not_found()
    return Answer(200, {**F.nulls(F.STORE_FIELDS), **store})


def list_categories(call: Call) -> Answer:
    q = call.query
    predicates = compact([exact("categoryCode", q.get("category_code")), exact("level", q.get("level"))])
    return list_answer(call, "categories", lambda: call.state.categories.values(), predicates,
                       F.CATEGORY_FIELDS, (("categoryId", False),))  # fmt: skip


def _body(call: Call) -> dict:
    if not isinstance(call.body, dict):
        raise bad_request("リクエストボディが不正です")
    return call.body


def get_category(call: Call) -> Answer:
    category = call.state.categories.get(call.params["categoryId"])
    if category is None:
        raise not_found()
    return Answer(200, {**F.nulls(F.CATEGORY_FIELDS), **category})


def create_category(call: Call) -> Answer:
    category = call.state.add_category(_body(call))
    return Answer(200, {**F.nulls(F.CATEGORY_FIELDS), **category})


def update_category(call: Call) -> Answer:
    category = call.state.update_category(call.params["categoryId"], _body(call))
    return Answer(200, {**F.nulls(F.CATEGORY_FIELDS), **category})


def delete_category(call: Call) -> Answer:
    call.state.delete_category(call.params["categoryId"])
    return Answer(200, empty=True)


ROUTES = [
    Route("GET", "/stores", "pos.stores:read", list_stores),
    Route("GET", "/stores/{storeId}", "pos.stores:read", get_store),
    Route("GET", "/categories", "pos.products:read", list_categories),
    Route("POST", "/categories", "pos.products:write", create_category),
    Route("GET", "/categories/{categoryId}", "pos.products:read", get_category),
    Route("PATCH", "/categories/{categoryId}", "pos.products:write", update_category),
    Route("DELETE", "/categories/{categoryId}", "pos.products:write", delete_category),
]
