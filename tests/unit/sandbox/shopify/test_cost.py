"""Calculated query cost, the leaky bucket and the THROTTLED / MAX_COST_EXCEEDED answers."""

from __future__ import annotations

import graphql
import pytest

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.shopify.cost import (
    MAX_SINGLE_QUERY_COST,
    CostBucket,
    actual_query_cost,
    cost_extension,
    max_cost_exceeded_response,
    requested_query_cost,
    throttled_response,
)
from smapify_pipeline.sandbox.shopify.schema import SCHEMA_PATH
from tests.unit.sandbox.shopify._admin_test_schema import admin_test_schema

SCHEMA = admin_test_schema()


def frozen_clock() -> SandboxClock:
    """Simulated time that only moves when the test advances it (real time barely counts)."""
    return SandboxClock(scale=1e-6)


def requested(query: str, variables: dict | None = None, operation_name: str | None = None) -> int:
    document = graphql.parse(query)
    assert graphql.validate(SCHEMA, document) == [], "test queries must be valid"
    return requested_query_cost(SCHEMA, document, variables, operation_name)


def actual(query: str, data: dict | None, variables: dict | None = None) -> int:
    return actual_query_cost(SCHEMA, graphql.parse(query), variables, None, data)


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        pytest.param("{ shop { name } }", 1, id="object"),
        pytest.param("{ shop { __typename } }", 1, id="typename-free"),
        pytest.param(
            "{ products(first: 10) { edges { cursor node { id title status tags } } } }", 12, id="edges"
        ),
        pytest.param("{ products(first: 10) { nodes { id title } } }", 12, id="nodes-same-as-edges"),
        pytest.param(
            "{ products(first: 10) { nodes { id } pageInfo { hasNextPage endCursor } } }", 13, id="pageInfo"
        ),
        pytest.param(
            "{ products(first: 10) { nodes { id variants(first: 5) { nodes { id sku } } } } }",
            2 + 10 * (1 + 2 + 5 * 1),
            id="nested-connection",
        ),
        pytest.param(
            "{ products(first: 2) { nodes { featuredImage { url } variants(first: 3) { nodes { inventoryItem { id } } } } } }",
            2 + 2 * (1 + 1 + 2 + 3 * (1 + 1)),
            id="objects-inside-nodes",
        ),
        pytest.param("{ products(last: 7) { nodes { id } } }", 9, id="last"),
        pytest.param("{ products { nodes { id } } }", 2, id="no-page-size"),
        pytest.param(
            '{ product(id: "gid://shopify/Product/1") { options(first: 3) { name } } }', 1 + 3, id="list"
        ),
        pytest.param(
            '{ product(id: "gid://shopify/Product/1") { options { name } } }', 2, id="list-no-first"
        ),
        pytest.param('{ nodes(ids: ["a", "b", "c"]) { id } }', 3, id="nodes-by-ids"),
        pytest.param(
            '{ node(id: "x") { id ... on Product { variants(first: 4) { nodes { id } } } ... on Order { name } } }',
            1 + 2 + 4,
            id="interface-max-of-types",
        ),
        pytest.param(
            "{ a: products(first: 3) { nodes { id } } b: products(first: 4) { nodes { id } } }",
            (2 + 3) + (2 + 4),
            id="aliases-cost-separately",
        ),
        pytest.param(
            "query { products(first: 5) { ...P } } fragment P on ProductConnection { nodes { id } }",
            7,
            id="named-fragment",
        ),
        pytest.param(
            "{ shop { name } products(first: 50) @skip(if: true) { nodes { id } } }", 1, id="skip-directive"
        ),
        pytest.param(
            "{ shop { name } products(first: 50) @include(if: false) { nodes { id } } }",
            1,
            id="include-directive",
        ),
    ],
)
def test_requested_cost_follows_the_documented_rules(query: str, cost: int) -> None:
    assert requested(query) == cost


def test_page_size_from_variables_and_defaults() -> None:
    query = "query Q($n: Int = 3) { products(first: $n) { nodes { id } } }"
    assert requested(query) == 5
    assert requested(query, {"n": 20}) == 22


def test_operation_name_picks_the_operation() -> None:
    query = "query A { shop { name } } query B { products(first: 9) { nodes { id } } }"
    assert requested(query, operation_name="A") == 1
    assert requested(query, operation_name="B") == 11


def test_mutations_cost_ten_plus_connections_in_the_payload() -> None:
    plain = 'mutation { productCreate(product: {title: "x"}) { product { id title } userErrors { field message } } }'
    assert requested(plain) == 10
    with_connection = (
        'mutation { productCreate(product: {title: "x"}) '
        "{ product { id variants(first: 3) { nodes { id } } } userErrors { message } } }"
    )
    assert requested(with_connection) == 10 + 2 + 3


def test_large_nested_pages_exceed_the_single_query_limit() -> None:
    cost = requested("{ products(first: 250) { nodes { id variants(first: 250) { nodes { id } } } } }")
    assert cost == 2 + 250 * (1 + 2 + 250)
    assert cost > MAX_SINGLE_QUERY_COST


def test_actual_cost_counts_what_came_back() -> None:
    query = "{ products(first: 10) { nodes { id variants(first: 5) { nodes { id } } } } }"
    data = {
        "products": {
            "nodes": [
                {"id": "p1", "variants": {"nodes": [{"id": "v1"}, {"id": "v2"}, {"id": "v3"}]}},
                {"id": "p2", "variants": {"nodes": []}},
            ]
        }
    }
    assert requested(query) == 82
    assert actual(query, data) == 2 + (1 + 2 + 3) + (1 + 2 + 0)


def test_actual_cost_through_edges() -> None:
    query = "{ products(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage } } }"
    data = {
        "products": {"edges": [{"cursor": "c1", "node": {"id": "p1"}}], "pageInfo": {"hasNextPage": False}}
    }
    assert actual(query, data) == 2 + 1 + 1


def test_actual_cost_of_a_null_object_skips_its_children() -> None:
    query = '{ product(id: "x") { id variants(first: 5) { nodes { id } } } }'
    assert requested(query) == 1 + 2 + 5
    assert actual(query, {"product": None}) == 1


def test_actual_cost_never_exceeds_requested() -> None:
    query = '{ product(id: "x") { options { name } } }'
    data = {"product": {"options": [{"name": "Size"}, {"name": "Color"}, {"name": "Material"}]}}
    assert actual(query, data) == requested(query) == 2


def test_actual_cost_of_no_data_is_zero() -> None:
    assert actual("{ shop { name } }", None) == 0


def test_bucket_takes_refunds_and_refills_by_the_clock() -> None:
    clock = frozen_clock()
    bucket = CostBucket(clock, capacity=100.0, restore_rate=10.0)
    assert bucket.take(80)
    assert not bucket.take(30), "only ~20 left"
    assert 19.0 <= bucket.available() <= 21.0
    bucket.refund(50)
    assert bucket.take(70)
    clock.advance(3.0)
    assert bucket.take(30)
    clock.advance(1000.0)
    assert bucket.status() == {"maximumAvailable": 100.0, "currentlyAvailable": 100, "restoreRate": 10.0}


def test_a_refused_take_takes_nothing() -> None:
    clock = frozen_clock()
    bucket = CostBucket(clock, capacity=50.0, restore_rate=1.0)
    assert not bucket.take(51)
    assert bucket.status()["currentlyAvailable"] == 50


def test_refund_never_overfills() -> None:
    bucket = CostBucket(frozen_clock(), capacity=50.0, restore_rate=1.0)
    bucket.refund(500)
    assert bucket.status()["currentlyAvailable"] == 50


def test_throttled_then_success_after_the_bucket_refills() -> None:
    clock = frozen_clock()
    bucket = CostBucket(clock)
    cost = requested("{ products(first: 99) { nodes { id } } }")
    assert cost == 101
    served = 0
    while bucket.take(cost):
        served += 1
    assert served == 2000 // 101
    body = throttled_response(cost, bucket.status())
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert bucket.seconds_until(cost) > 0
    clock.advance(bucket.seconds_until(cost))
    assert bucket.take(cost)


def test_default_bucket_is_standard_plan() -> None:
    status = CostBucket(frozen_clock()).status()
    assert status == {"maximumAvailable": 2000.0, "currentlyAvailable": 2000, "restoreRate": 100.0}


def test_cost_extension_shape() -> None:
    status = {"maximumAvailable": 2000.0, "currentlyAvailable": 1990, "restoreRate": 100.0}
    assert cost_extension(12, 4, status) == {
        "requestedQueryCost": 12,
        "actualQueryCost": 4,
        "throttleStatus": status,
    }


def test_throttled_body_has_no_data_and_null_actual_cost() -> None:
    status = {"maximumAvailable": 2000.0, "currentlyAvailable": 3, "restoreRate": 100.0}
    body = throttled_response(52, status)
    assert "data" not in body
    assert body["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 52,
        "actualQueryCost": None,
        "throttleStatus": status,
    }


def test_max_cost_exceeded_body() -> None:
    body = max_cost_exceeded_response(1066)
    assert "data" not in body
    [error] = body["errors"]
    assert error["message"].startswith(
        "Query cost is 1066, which exceeds the single query max cost limit (1000)."
    )
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 1066, "maxCost": 1000}
    status = {"maximumAvailable": 2000.0, "currentlyAvailable": 2000, "restoreRate": 100.0}
    with_cost = max_cost_exceeded_response(1066, status)
    assert with_cost["extensions"]["cost"]["requestedQueryCost"] == 1066
    assert with_cost["extensions"]["cost"]["actualQueryCost"] is None


def test_costs_against_the_sandbox_schema() -> None:
    schema = graphql.build_schema(SCHEMA_PATH.read_text())
    query = graphql.parse(
        "{ products(first: 10) { pageInfo { hasNextPage endCursor } "
        "edges { cursor node { id title variants(first: 5) { nodes { id sku inventoryItem { id } } } } } } }"
    )
    assert graphql.validate(schema, query) == []
    assert requested_query_cost(schema, query) == 2 + 10 * (1 + 2 + 5 * (1 + 1)) + 1
    mutation = graphql.parse(
        "mutation($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) "
        "{ inventoryAdjustmentGroup { id } userErrors { field message code } } }"
    )
    assert requested_query_cost(schema, mutation, {"input": {}}) == 10
