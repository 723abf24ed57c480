"""Bulk query operations end to end: run, poll, download the JSONL, join children by __parentId."""

from __future__ import annotations

import json
from collections import defaultdict

import httpx

from .conftest import Shopify

RUN = """
mutation Run($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } }
}
"""
EXPORT = (
    "{ products { edges { node { id title variants { edges { node { id sku inventoryQuantity } } } } } } }"
)
POLL = "query($id: ID!) { bulkOperation(id: $id) { id status objectCount rootObjectCount url errorCode } }"


def _finish(shopify: Shopify, gid: str) -> dict:
    assert shopify.sandbox.bulk.wait_until_executed(gid)
    shopify.sandbox.clock.advance(600)
    return shopify.data(POLL, {"id": gid})["bulkOperation"]


def test_a_bulk_export_joins_children_to_parents_by_parent_id(shopify: Shopify) -> None:
    started = shopify.data(RUN, {"query": EXPORT})["bulkOperationRunQuery"]
    assert started["userErrors"] == []
    assert started["bulkOperation"]["status"] == "CREATED"
    finished = _finish(shopify, started["bulkOperation"]["id"])
    assert finished["status"] == "COMPLETED"
    current = shopify.data("{ currentBulkOperation { id status } }")["currentBulkOperation"]
    assert current == {"id": finished["id"], "status": "COMPLETED"}

    lines = [json.loads(line) for line in httpx.get(finished["url"]).text.splitlines()]
    state = shopify.sandbox.state
    assert int(finished["objectCount"]) == len(lines) == len(state.products) + len(state.variants)
    assert int(finished["rootObjectCount"]) == len(state.products)
    products = {line["id"] for line in lines if "__parentId" not in line}
    children: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        if "__parentId" in line:
            assert "edges" not in line and "node" not in line
            children[line["__parentId"]].add(line["id"])
    assert products == {f"gid://shopify/Product/{p}" for p in state.products}
    for product in state.products.values():
        assert children[f"gid://shopify/Product/{product.id}"] == {
            f"gid://shopify/ProductVariant/{v}" for v in product.variant_ids
        }


def test_an_invalid_bulk_query_gets_user_errors(shopify: Shopify) -> None:
    payload = shopify.data(RUN, {"query": "{ shop { name } }"})["bulkOperationRunQuery"]
    assert payload["bulkOperation"] is None
    assert payload["userErrors"][0]["code"] == "INVALID"
    assert payload["userErrors"][0]["field"] == ["query"]


def test_a_running_operation_can_be_cancelled(shopify: Shopify) -> None:
    gid = shopify.data(RUN, {"query": EXPORT})["bulkOperationRunQuery"]["bulkOperation"]["id"]
    cancel = shopify.data(
        "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }",
        {"id": gid},
    )["bulkOperationCancel"]
    assert cancel == {"bulkOperation": {"status": "CANCELING"}, "userErrors": []}
    assert _finish(shopify, gid)["status"] == "CANCELED"
