"""Stores (店舗) and categories (部門)."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer, one_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Operation


def list_stores(call: Call) -> Answer:
    return list_answer(
        call, "stores", lambda: call.state.stores.values(), [], F.STORE_FIELDS, (("storeId", False),)
    )


def get_store(call: Call) -> Answer:
    return one_answer(F.STORE_FIELDS, call.state.stores.get(call.params["storeId"]))


def list_categories(call: Call) -> Answer:
    q = call.query
    predicates = compact([exact("categoryCode", q.get("category_code")), exact("level", q.get("level"))])
    return list_answer(call, "categories", lambda: call.state.categories.values(), predicates,
                       F.CATEGORY_FIELDS, (("categoryId", False),))  # fmt: skip


def get_category(call: Call) -> Answer:
    return one_answer(F.CATEGORY_FIELDS, call.state.categories.get(call.params["categoryId"]))


def create_category(call: Call) -> Answer:
    return one_answer(F.CATEGORY_FIELDS, call.state.add_category(call.object_body()))


def update_category(call: Call) -> Answer:
    return one_answer(
        F.CATEGORY_FIELDS, call.state.update_category(call.params["categoryId"], call.object_body())
    )


def delete_category(call: Call) -> Answer:
    call.state.delete_category(call.params["categoryId"])
    return Answer(200, empty=True)


OPERATIONS = [
    Operation("GET", "/stores", "pos.stores:read", list_stores),
    Operation("GET", "/stores/{storeId}", "pos.stores:read", get_store),
    Operation("GET", "/categories", "pos.products:read", list_categories),
    Operation("POST", "/categories", "pos.products:write", create_category),
    Operation("GET", "/categories/{categoryId}", "pos.products:read", get_category),
    Operation("PATCH", "/categories/{categoryId}", "pos.products:write", update_category),
    Operation("DELETE", "/categories/{categoryId}", "pos.products:write", delete_category),
]
