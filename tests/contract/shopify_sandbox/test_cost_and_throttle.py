"""Calculated query cost, the leaky bucket, THROTTLED and MAX_COST_EXCEEDED, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

from .conftest import Shopify, serve


def test_an_object_costs_one_and_scalars_nothing(shopify: Shopify) -> None:
    cost = shopify.gql("{ shop { name currencyCode ianaTimezone } }")["extensions"]["cost"]
    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (1, 1)


def test_a_connection_costs_two_plus_page_size_times_node_and_refunds_the_unused_part(
    shopify: Shopify,
) -> None:
    products = len(shopify.sandbox.state.products)
    assert products < 50
    cost = shopify.gql("{ products(first: 50) { pageInfo { hasNextPage } nodes { id title } } }")[
        "extensions"
    ]["cost"]
    assert cost["requestedQueryCost"] == 2 + 50 * 1 + 1
    assert cost["actualQueryCost"] == 2 + products * 1 + 1


def test_nested_connections_multiply(shopify: Shopify) -> None:
    query = (
        "{ products(first: 5) { nodes { id variants(first: 10) { nodes { id inventoryItem { id } } } } } }"
    )
    cost = shopify.gql(query)["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 5 * (1 + (2 + 10 * (1 + 1)))


def test_a_mutation_costs_ten(shopify: Shopify) -> None:
    answer = shopify.gql(
        'mutation { productCreate(product: {title: "テスト"}) { product { id } userErrors { message } } }'
    )
    assert answer["extensions"]["cost"]["requestedQueryCost"] == 10


def test_a_query_over_1000_points_is_refused_before_it_runs(shopify: Shopify) -> None:
    query = (
        "{ productVariants(first: 250) { nodes { id product { id } "
        "inventoryItem { id inventoryLevels(first: 2) { nodes { id } } } } } }"
    )
    expected = 2 + 250 * (1 + 1 + 1 + (2 + 2 * 1))
    available_before = shopify.gql("{ shop { id } }")["extensions"]["cost"]["throttleStatus"][
        "currentlyAvailable"
    ]
    answer = shopify.gql(query)
    assert "data" not in answer
    error = answer["errors"][0]
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": expected, "maxCost": 1000}
    assert error["message"].startswith(
        f"Query cost is {expected}, which exceeds the single query max cost limit (1000)."
    )
    assert answer["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] >= available_before - 1


@pytest.fixture
def tight() -> Iterator[Shopify]:
    """A shop whose bucket holds 30 points and refills 10 a second."""
    yield from serve(ShopifySandbox.create(seed_size="small", bucket_size=30, restore_rate=10))


def test_throttled_when_the_bucket_is_short_then_served_after_it_refills(tight: Shopify) -> None:
    query = "{ productVariants(first: 12) { nodes { id } } }"
    assert "data" in tight.gql(query)
    assert "data" in tight.gql(query)
    throttled = tight.post(query)
    assert throttled.status_code == 200
    body = throttled.json()
    assert "data" not in body
    assert body["errors"][0]["message"] == "Throttled"
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 14 and cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < 14
    assert cost["throttleStatus"]["maximumAvailable"] == 30.0
    tight.sandbox.clock.advance(2)
    served = tight.gql(query)
    assert len(served["data"]["productVariants"]["nodes"]) == 12
