"""Calculated query cost, the leaky bucket, THROTTLED and MAX_COST_EXCEEDED, over HTTP."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import graphql
import pytest

from smapify_pipeline import sensors
from smapify_pipeline.documents import writers as document_writers
from smapify_pipeline.extract import shopify_queries
from smapify_pipeline.platforms.shopify import bulk as client_bulk
from smapify_pipeline.products import writers as product_writers
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.shopify import cost
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.shopify.connections import MAX_PAGE_SIZE
from smapify_pipeline.sandbox.shopify.schema import load_schema
from smapify_pipeline.stock import writers as stock_writers
from smapify_pipeline.webhooks import register as webhook_register

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


PIPELINE_QUERY_MODULES = (
    sensors,
    shopify_queries,
    product_writers,
    document_writers,
    stock_writers,
    webhook_register,
    client_bulk,
)
ONE_SKU = "<the SKU of one seeded variant>"

# -- honest cost: the requested cost is the bound, the bucket pays what the answer really cost -------------


@pytest.fixture
def still() -> Iterator[Shopify]:
    """A shop whose clock stands still, so the bucket moves only by what queries cost."""
    yield from serve(ShopifySandbox.create(seed_size="small", seed=3, clock=SandboxClock(1e-9)))


def test_the_bucket_pays_the_actual_cost_and_gets_the_rest_back(still: Shopify) -> None:
    query = "{ products(first: 50) { nodes { id variants(first: 10) { nodes { id } } } } }"
    before = still.sandbox.bucket.available()
    cost = still.gql(query)["extensions"]["cost"]
    spent = before - still.sandbox.bucket.available()
    products = len(still.sandbox.state.products)
    variants = len(still.sandbox.state.variants)
    assert cost["requestedQueryCost"] == 2 + 50 * (1 + 2 + 10 * 1)
    assert cost["actualQueryCost"] == 2 + products * (1 + 2) + variants
    assert cost["actualQueryCost"] < cost["requestedQueryCost"]
    assert spent == pytest.approx(cost["actualQueryCost"], abs=1e-6)
    assert cost["throttleStatus"]["currentlyAvailable"] == math.floor(before - cost["actualQueryCost"])


def test_the_throttle_check_uses_the_requested_cost(tight: Shopify) -> None:
    """30 points cannot cover a 52-point request, though what comes back would cost far less."""
    products = len(tight.sandbox.state.products)
    assert 2 + products < 30
    body = tight.post("{ products(first: 50) { nodes { id } } }").json()
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert body["extensions"]["cost"]["requestedQueryCost"] == 52


def _pipeline_documents() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every GraphQL operation the pipeline sends outside bulk operations, with the page size it asks for
    (250, Shopify's largest page, where the pipeline's caller passes ``$first``)."""
    documents: dict[str, tuple[str, dict[str, Any]]] = {}
    for module in PIPELINE_QUERY_MODULES:
        for name, text in vars(module).items():
            if not isinstance(text, str) or not text.lstrip().startswith(("query", "mutation")):
                continue
            try:
                document = graphql.parse(text)
            except graphql.GraphQLError:
                continue
            if not any(isinstance(d, graphql.OperationDefinitionNode) for d in document.definitions):
                continue
            documents[f"{module.__name__}.{name}"] = (text, {"first": MAX_PAGE_SIZE})
    documents["smapify_pipeline.sensors.SHOPIFY_ORDERS_QUERY"] = (
        sensors.SHOPIFY_ORDERS_QUERY,
        {"first": sensors.SHOPIFY_PAGE},
    )
    return documents


def test_the_pipelines_queries_stay_under_the_single_query_cap() -> None:
    schema = load_schema()
    documents = _pipeline_documents()
    assert len(documents) >= 20
    for name, (text, variables) in documents.items():
        document = graphql.parse(text)
        assert graphql.validate(schema, document) == [], name
        requested = cost.requested_query_cost(schema, document, variables)
        assert 0 < requested <= cost.MAX_SINGLE_QUERY_COST, (name, requested)


@pytest.mark.parametrize(
    ("text", "variables"),
    [
        (sensors.SHOPIFY_ORDERS_QUERY, {"first": sensors.SHOPIFY_PAGE, "query": "updated_at:>='2020-01-01'"}),
        (shopify_queries.LOCATIONS, {"first": MAX_PAGE_SIZE}),
        (shopify_queries.DELETED_PRODUCTS, {"first": MAX_PAGE_SIZE}),
        (product_writers.VARIANTS_BY_SKU, {"query": ONE_SKU}),
    ],
)
def test_the_pipelines_reads_are_charged_less_than_they_request(
    still: Shopify, text: str, variables: dict[str, Any]
) -> None:
    if variables.get("query") == ONE_SKU:
        variables = {"query": f"sku:{next(iter(still.sandbox.state.items.values())).sku}"}
    before = still.sandbox.bucket.available()
    answer = still.gql(text, variables)
    assert "errors" not in answer, answer["errors"]
    cost_ = answer["extensions"]["cost"]
    assert cost_["actualQueryCost"] < cost_["requestedQueryCost"] <= cost.MAX_SINGLE_QUERY_COST
    assert before - still.sandbox.bucket.available() == pytest.approx(cost_["actualQueryCost"], abs=1e-6)
