"""Stores (店舗) and categories (部門)."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer, one_answer
from smapify_pipeline.sandbox.smaregi.records import Records
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Operation
from smapify_pipeline.sandbox.smaregi.state import SmaregiState


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


CATEGORIES = Records("/categories", "categoryId", F.CATEGORY_FIELDS, "pos.products",
                     find=lambda state, category_id: state.categories.get(category_id),
                     create=lambda state, body: state.add_category(body),
                     update=SmaregiState.update_category, delete=SmaregiState.delete_category)  # fmt: skip

OPERATIONS = [
    Operation("GET", "/stores", "pos.stores:read", list_stores),
    Operation("GET", "/stores/{storeId}", "pos.stores:read", get_store),
    *CATEGORIES.operations(list_categories),
]
