"""Products (商品): list, get, create, PATCH, delete."""

from __future__ import annotations

from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.listing import in_range, parse_time_range
from smapify_pipeline.sandbox.smaregi.lists import compact, exact, list_answer
from smapify_pipeline.sandbox.smaregi.records import Records
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call
from smapify_pipeline.sandbox.smaregi.state import SmaregiState

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


PRODUCTS = Records("/products", "productId", F.PRODUCT_FIELDS, "pos.products", find=SmaregiState.product,
                   create=lambda state, body: state.create_product(body),
                   update=SmaregiState.update_product, delete=SmaregiState.delete_product)  # fmt: skip

OPERATIONS = PRODUCTS.operations(list_products)
