"""The published field surface: what a real extraction client names is served, and what is not modelled
answers as a shop without that feature does."""

from __future__ import annotations

import json
from typing import Any

import graphql
import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.shopify.choices import ACCESS_SCOPES, UNMODELLED_FIELDS
from smapify_pipeline.sandbox.shopify.schema import load_schema

from .conftest import Shopify
from .test_bulk import RUN, _finish

SEED_ORDER = """
mutation($order: OrderCreateOrderInput!) {
  orderCreate(order: $order) { order { id lineItems(first: 5) { nodes { id } } } userErrors { message } }
}"""
SEED_REFUND = """
mutation($input: RefundInput!) {
  refundCreate(input: $input) @idempotent(key: "surface-refund") { userErrors { message } }
}"""

NAMED_IN_THE_ISSUE = """
{
  products(first: 3) {
    nodes {
      templateSuffix category { id name }
      media(first: 5) {
        nodes {
          mediaContentType
          ... on MediaImage { image { url } }
          ... on Video { sources { url } }
          ... on ExternalVideo { embedUrl }
          ... on Model3d { sources { url } }
        }
      }
      variants(first: 3) {
        nodes { inventoryItem { measurement { id } countryHarmonizedSystemCodes(first: 3) { nodes { countryCode } } } }
      }
    }
  }
  locations(first: 3) { nodes { isFulfillmentService } }
  orders(first: 3) {
    nodes {
      customer { id email } shippingAddress { city countryCodeV2 } fulfillments { id status }
      additionalFees { id name }
      discountApplications(first: 5) {
        nodes {
          __typename
          value { ... on MoneyV2 { amount } ... on PricingPercentageValue { percentage } }
          ... on AutomaticDiscountApplication { title }
          ... on DiscountCodeApplication { code }
          ... on ManualDiscountApplication { title }
          ... on ScriptDiscountApplication { title }
        }
      }
      lineItems(first: 5) { nodes { discountAllocations { allocatedAmountSet { shopMoney { amount } } } duties { id } } }
      taxLines { source title }
      refunds { orderAdjustments(first: 5) { nodes { id amountSet { shopMoney { amount } } } } }
      transactions { paymentDetails { __typename ... on CardPaymentDetails { company number } } }
    }
  }
}"""


def _seed_order(shopify: Shopify) -> None:
    variants = shopify.data("{ productVariants(first: 2) { nodes { id } } }")["productVariants"]["nodes"]
    order = {
        "lineItems": [{"variantId": v["id"], "quantity": 2} for v in variants],
        "shippingLines": [
            {"title": "Standard", "priceSet": {"shopMoney": {"amount": "800", "currencyCode": "JPY"}}}
        ],
        "taxLines": [{"title": "Consumption tax", "rate": 0.1}],
        "financialStatus": "PAID",
        "discountCode": {"itemPercentageDiscountCode": {"code": "TENOFF", "percentage": 10}},
    }
    created = shopify.data(SEED_ORDER, {"order": order})["orderCreate"]
    assert created["userErrors"] == []
    line = created["order"]["lineItems"]["nodes"][0]["id"]
    refund = {
        "orderId": created["order"]["id"],
        "refundLineItems": [{"lineItemId": line, "quantity": 1, "restockType": "NO_RESTOCK"}],
        "transactions": [
            {"orderId": created["order"]["id"], "kind": "REFUND", "gateway": "manual", "amount": "100"}
        ],
    }
    assert shopify.data(SEED_REFUND, {"input": refund})["refundCreate"]["userErrors"] == []


def test_the_fields_and_types_a_real_extraction_client_names_are_served(shopify: Shopify) -> None:
    _seed_order(shopify)
    data = shopify.data(NAMED_IN_THE_ISSUE)
    order = data["orders"]["nodes"][0]
    assert (order["customer"], order["shippingAddress"], order["fulfillments"], order["additionalFees"]) == (
        None,
        None,
        [],
        [],
    )
    assert order["discountApplications"]["nodes"] == [
        {"__typename": "DiscountCodeApplication", "value": {"percentage": 10.0}, "code": "TENOFF"}
    ]
    assert all(line["discountAllocations"] for line in order["lineItems"]["nodes"])
    # the seeded refund pays back ¥100 for a line worth more: one discrepancy of what it did not pay back
    (refund,) = order["refunds"]
    (adjustment,) = refund["orderAdjustments"]["nodes"]
    assert float(adjustment["amountSet"]["shopMoney"]["amount"]) > 0
    assert order["transactions"][0]["paymentDetails"] is None
    assert {t["source"] for t in order["taxLines"]} == {None}
    product = data["products"]["nodes"][0]
    assert (product["templateSuffix"], product["category"], product["media"]) == (None, None, {"nodes": []})
    assert data["locations"]["nodes"][0] == {"isFulfillmentService": False}


def test_a_field_the_real_api_does_not_have_is_refused(shopify: Shopify) -> None:
    answer = shopify.gql("{ orders(first: 1) { nodes { loyaltyPoints } } }")
    assert answer["errors"][0]["message"] == "Cannot query field 'loyaltyPoints' on type 'Order'."
    assert "data" not in answer or answer["data"] is None


def test_current_app_installation_answers_the_token_scopes(shopify: Shopify) -> None:
    data = shopify.data("{ currentAppInstallation { id accessScopes { handle } app { apiKey title } } }")
    installation = data["currentAppInstallation"]
    assert [s["handle"] for s in installation["accessScopes"]] == list(ACCESS_SCOPES)
    token = httpx.post(
        f"{shopify.url}/admin/oauth/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.SHOPIFY_CLIENT_ID,
            "client_secret": credentials.SHOPIFY_CLIENT_SECRET,
        },
    ).json()
    assert token["scope"].split(",") == list(ACCESS_SCOPES)


def test_a_bulk_query_naming_the_published_fields_runs(shopify: Shopify) -> None:
    _seed_order(shopify)
    query = (
        "{ orders { edges { node { id additionalFees { id } customer { id } "
        "discountApplications { edges { node { __typename ... on DiscountCodeApplication { code } } } } "
        "lineItems { edges { node { id discountAllocations { allocatedAmountSet { shopMoney { amount } } } } } } } } } }"
    )
    started = shopify.data(RUN, {"query": query})["bulkOperationRunQuery"]
    assert started["userErrors"] == []
    finished = _finish(shopify, started["bulkOperation"]["id"])
    assert finished["status"] == "COMPLETED"
    lines = [json.loads(line) for line in httpx.get(finished["url"]).text.splitlines()]
    orders = [line for line in lines if "additionalFees" in line]
    assert [(o["additionalFees"], o["customer"]) for o in orders] == [([], None)]
    assert [line["code"] for line in lines if line.get("__typename") == "DiscountCodeApplication"] == [
        "TENOFF"
    ]


# ------------------------------------------------------------------------------------ unmodelled fields

PATHS = {
    "Shop": "shop { %s }",
    "AppInstallation": "currentAppInstallation { %s }",
    "Location": "locations(first: 1) { nodes { %s } }",
    "Product": "products(first: 1) { nodes { %s } }",
    "ProductVariant": "productVariants(first: 1) { nodes { %s } }",
    "InventoryItem": "inventoryItems(first: 1) { nodes { %s } }",
    "InventoryLevel": "inventoryItems(first: 1) { nodes { inventoryLevels(first: 1) { nodes { %s } } } }",
    "Order": "orders(first: 1) { nodes { %s } }",
    "LineItem": "orders(first: 1) { nodes { lineItems(first: 1) { nodes { %s } } } }",
    "ShippingLine": "orders(first: 1) { nodes { shippingLines(first: 1) { nodes { %s } } } }",
    "TaxLine": "orders(first: 1) { nodes { taxLines { %s } } }",
    "OrderTransaction": "orders(first: 1) { nodes { transactions { %s } } }",
    "Refund": "orders(first: 1) { nodes { refunds { %s } } }",
}


def _literal(type_: graphql.GraphQLInputType) -> str:
    """Some valid literal of a required argument's type."""
    if isinstance(type_, graphql.GraphQLNonNull):
        return _literal(type_.of_type)  # type: ignore[arg-type]
    if isinstance(type_, graphql.GraphQLList):
        return f"[{_literal(type_.of_type)}]"
    if isinstance(type_, graphql.GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, graphql.GraphQLInputObjectType):
        required = [
            f"{n}: {_literal(f.type)}" for n, f in type_.fields.items() if graphql.is_required_input_field(f)
        ]
        return "{" + ", ".join(required) + "}"
    return {"ID": '"gid://shopify/Thing/1"', "Int": "1", "Boolean": "false", "Float": "1.0"}.get(
        type_.name, '"x"'
    )


def _selection(name: str, field: graphql.GraphQLField) -> str:
    args = [
        f"{a}: {_literal(arg.type)}" for a, arg in field.args.items() if graphql.is_required_argument(arg)
    ]
    if "first" in field.args and not graphql.is_required_argument(field.args["first"]):
        args.append("first: 1")
    head = f"{name}({', '.join(args)})" if args else name
    named = graphql.get_named_type(field.type)
    if isinstance(named, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
        return head
    return (
        head + " { __typename }" if not named.name.endswith("Connection") else head + " { edges { cursor } }"
    )


def _expected(field: graphql.GraphQLField, currency: str) -> Any:
    type_ = field.type
    if not isinstance(type_, graphql.GraphQLNonNull):
        return None
    inner = type_.of_type
    if isinstance(inner, graphql.GraphQLList):
        return []
    name = graphql.get_named_type(inner).name
    if name.endswith("Connection"):
        return {"edges": []}
    if isinstance(inner, graphql.GraphQLObjectType):
        return {"__typename": name}
    return {"Boolean": False, "Int": 0, "Float": 0.0, "String": "", "UnsignedInt64": "0"}[name]


@pytest.mark.parametrize("type_name", sorted(PATHS))
def test_every_unmodelled_field_answers_as_a_shop_without_the_feature(
    shopify: Shopify, type_name: str
) -> None:
    _seed_order(shopify)
    schema = load_schema()
    owner = schema.type_map[type_name]
    assert isinstance(owner, graphql.GraphQLObjectType)
    listed = sorted(
        name.split(".")[1]
        for names in UNMODELLED_FIELDS.values()
        for name in names
        if name.startswith(f"{type_name}.")
    )
    assert listed, type_name
    query = "{ " + PATHS[type_name] % " ".join(_selection(n, owner.fields[n]) for n in listed) + " }"
    data = shopify.data(query)
    while not (isinstance(data, dict) and listed[0] in data):
        data = next(iter(data.values())) if isinstance(data, dict) else data[0]
        data = data["nodes"][0] if isinstance(data, dict) and "nodes" in data else data
    currency = shopify.sandbox.state.shop.currency
    for name in listed:
        expected = _expected(owner.fields[name], currency)
        assert data[name] == expected, f"{type_name}.{name}: {data[name]!r}"
