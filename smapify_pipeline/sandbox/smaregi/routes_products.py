"""Products (商品): list, get, create, PATCH, delete."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.listing import in_range, parse_time_range
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer, one_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Operation

PRODUCT_FILTERS = {
    "product_id": "productId", "category_id": "categoryId", "product_code": "productCode",
    "group_code": "groupCode", "display_flag": "displayFlag", "division": "division",
    "sales_division": "salesDivision", "stock_control_division": "stockControlDivision",
    "supplier_product_no": "supplierProductNo",
}  # fmt: skip


def list_products(call: Call) -> Answer:
    q = call.query
    updated = parse_time_range(q, "upd_date_time", max_days=None)
    predicates = compact([exact(field, q.get(name)) for name, field in PRODUCT_FILTERS.items()])
    if updated:
        predicates.append(lambda row: in_range(row.get("updDateTime"), updated))
    return list_answer(call, "products", lambda: call.state.products.values(), predicates, F.PRODUCT_FIELDS,
                       (("productId", False),))  # fmt: skip


def get_product(call: Call) -> Answer:
    return one_answer(F.PRODUCT_FIELDS, call.state.product(call.params["productId"]))


def create_product(call: Call) -> Answer:
    return one_answer(F.PRODUCT_FIELDS, call.state.create_product(call.object_body()))


def update_product(call: Call) -> Answer:
    return one_answer(
        F.PRODUCT_FIELDS, call.state.update_product(call.params["productId"], call.object_body())
    )


def delete_product(call: Call) -> Answer:
    call.state.delete_product(call.params["productId"])
    return Answer(200, empty=True)


OPERATIONS = [
    Operation("GET", "/products", "pos.products:read", list_products),
    Operation("POST", "/products", "pos.products:write", create_product),
    Operation("GET", "/products/{productId}", "pos.products:read", get_product),
    Operation("PATCH", "/products/{productId}", "pos.products:write", update_product),
    Operation("DELETE", "/products/{productId}", "pos.products:write", delete_product),
]
