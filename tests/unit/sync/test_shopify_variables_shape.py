"""The Shopify variables the rules build are valid input for the mutations they are meant for.

Checked against the project's Shopify sandbox SDL (the emulated 2026-10 subset; the 2024-04 reference schema
predates orderCreate and changeFromQuantity). This catches a misspelt field or a wrong type before any e2e run.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLSchema, OperationDefinitionNode, build_schema, parse
from graphql.execution.values import get_variable_values

from smapify_pipeline.documents.orders import sale_to_order
from smapify_pipeline.documents.refunds import smaregi_to_refund
from smapify_pipeline.products.bodies import shopify_create_for, shopify_product_update
from smapify_pipeline.stock.rules import StockObservation, plan_stock_correction
from smapify_pipeline.sync.records import SmaregiLine
from tests.unit.products.test_merge import SHOPIFY_X, SMAREGI_X
from tests.unit.scenario import (
    CTX,
    LINKS,
    LOCATION_L,
    X_ITEM,
    X_PRODUCT,
    online_order,
    order_line,
    sale,
    x_line,
)

SDL = Path(__file__).resolve().parents[3] / "smapify_pipeline" / "sandbox" / "shopify" / "schema.graphql"

MUTATIONS = {
    "orderCreate": "mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) "
    "{ orderCreate(order: $order, options: $options) { userErrors { message } } }",
    "refundCreate": "mutation($input: RefundInput!) { refundCreate(input: $input) { userErrors { message } } }",
    "inventoryAdjustQuantities": "mutation($input: InventoryAdjustQuantitiesInput!) "
    "{ inventoryAdjustQuantities(input: $input) { userErrors { message } } }",
    "inventorySetQuantities": "mutation($input: InventorySetQuantitiesInput!) "
    "{ inventorySetQuantities(input: $input) { userErrors { message } } }",
    "productSet": "mutation($input: ProductSetInput!, $synchronous: Boolean) "
    "{ productSet(input: $input, synchronous: $synchronous) { userErrors { message } } }",
    "productUpdate": "mutation($product: ProductUpdateInput) { productUpdate(product: $product) { userErrors { message } } }",
    "productVariantsBulkUpdate": "mutation($productId: ID!, $variants: [ProductVariantsBulkInput!]!) "
    "{ productVariantsBulkUpdate(productId: $productId, variants: $variants) { userErrors { message } } }",
}


@cache
def schema() -> GraphQLSchema:
    return build_schema(SDL.read_text(encoding="utf-8"))


def assert_valid(mutation: str, variables: dict[str, Any]) -> None:
    operation = parse(MUTATIONS[mutation]).definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    coerced = get_variable_values(schema(), operation.variable_definitions or (), variables)
    assert not isinstance(coerced, list), [error.message for error in coerced]


pytestmark = pytest.mark.skipif(not SDL.exists(), reason="the Shopify sandbox SDL is not in this checkout")


def test_order_create_variables() -> None:
    food = SmaregiLine("2", "8000099", "4900000000001", "手ぬぐい", 660, 1, 10)
    plan = sale_to_order(sale(x_line(2), food, total=2_900, carriage=500, subtotal_discount=300), CTX, LINKS)
    assert_valid("orderCreate", plan.variables)
    assert plan.stock is not None
    assert_valid("inventoryAdjustQuantities", plan.stock.variables({(X_ITEM, LOCATION_L): 10}))


def test_refund_create_variables() -> None:
    order = online_order(
        order_line(2), parent_transaction_id="gid://shopify/OrderTransaction/1", shipping=500
    )
    plan = smaregi_to_refund(sale(x_line(2), cancel_division="1"), "void", order, CTX, LINKS)
    assert_valid("refundCreate", plan.variables)


def test_stock_push_variables() -> None:
    observation = StockObservation("smaregi", X_PRODUCT, X_ITEM, "1", LOCATION_L, 10, 15, 10)
    correction = plan_stock_correction(observation)
    assert correction is not None and correction.shopify is not None
    assert_valid("inventorySetQuantities", correction.shopify.variables())


def test_product_variables() -> None:
    create = shopify_create_for([SMAREGI_X], stock={SMAREGI_X.product_id: {LOCATION_L: 4}})
    assert_valid("productSet", create.variables)
    update = shopify_product_update(SHOPIFY_X, {"title": "新", "visible": False, "price": 990, "size": "L"})
    assert update.product is not None
    assert_valid("productUpdate", {"product": update.product})
    assert update.variants is not None
    assert_valid("productVariantsBulkUpdate", update.variants)


def test_a_wrong_field_is_caught() -> None:
    with pytest.raises(AssertionError):
        assert_valid("refundCreate", {"input": {"orderId": "gid://shopify/Order/1", "restock": True}})
