"""The raw layer on what the sandboxes really serve over HTTP: clean records load, records made bad are
quarantined with reasons naming the field while the rest load (issue 5: missing SKU, negative price,
unparseable time, duplicate code)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox
from smapify_pipeline.sandbox.smaregi.state import ALL_SCOPES
from smapify_pipeline.schemas.normalize_shopify import (
    normalize_shopify_inventory,
    normalize_shopify_locations,
    normalize_shopify_products,
)
from smapify_pipeline.schemas.normalize_smaregi import (
    normalize_smaregi_categories,
    normalize_smaregi_products,
    normalize_smaregi_stock,
    normalize_smaregi_stores,
)
from smapify_pipeline.schemas.tables import validate_table

EXTRACTED = datetime(2026, 3, 4, tzinfo=UTC)
GRAPHQL = f"/admin/api/{credentials.SHOPIFY_API_VERSION}/graphql.json"

PRODUCTS_BULK_QUERY = """
{ products { edges { node {
    id title handle descriptionHtml productType vendor status tags createdAt updatedAt
    variants { edges { node {
      id title position sku barcode price compareAtPrice taxable inventoryPolicy createdAt updatedAt
      selectedOptions { name value }
      inventoryItem { id sku tracked unitCost { amount currencyCode } } } } } } } } }
"""
RUN_BULK = """
mutation Run($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { field message code } }
}
"""
POLL_BULK = "query($id: ID!) { bulkOperation(id: $id) { status url } }"
INVENTORY_QUERY = """
{ locations(first: 5) { nodes { id inventoryLevels(first: 50) { nodes {
    id item { id } updatedAt
    quantities(names: ["available", "on_hand", "committed", "incoming"]) { name quantity } } } } } }
"""
LOCATIONS_QUERY = (
    "{ locations(first: 50) { nodes { id name isActive fulfillsOnlineOrders createdAt updatedAt } } }"
)


@pytest.fixture
def shopify() -> Iterator[tuple[ShopifySandbox, httpx.Client]]:
    sandbox = ShopifySandbox.create(seed_size="small", seed=3)
    with SandboxServer(sandbox.app) as server:
        client = httpx.Client(
            base_url=server.url,
            headers={"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN},
            timeout=30,
        )
        try:
            yield sandbox, client
        finally:
            client.close()
            sandbox.close()


@pytest.fixture
def smaregi() -> Iterator[tuple[SmaregiSandbox, httpx.Client]]:
    sandbox = SmaregiSandbox.create(seed_size="small", seed=3)
    sandbox.rate_limiter.enabled = False
    with SandboxServer(sandbox.app) as server:
        basic = base64.b64encode(
            f"{credentials.SMAREGI_CLIENT_ID}:{credentials.SMAREGI_CLIENT_SECRET}".encode()
        ).decode()
        token = httpx.post(
            f"{server.url}/app/{credentials.SMAREGI_CONTRACT_ID}/token",
            headers={"Authorization": f"Basic {basic}"},
            data={"grant_type": "client_credentials", "scope": " ".join(ALL_SCOPES)},
        ).json()["access_token"]
        client = httpx.Client(
            base_url=f"{server.url}/{credentials.SMAREGI_CONTRACT_ID}/pos",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        try:
            yield sandbox, client
        finally:
            client.close()
            sandbox.close()


def _graphql(client: httpx.Client, query: str) -> dict[str, Any]:
    answer = client.post(GRAPHQL, json={"query": query}).json()
    assert "errors" not in answer, answer["errors"]
    return answer["data"]  # type: ignore[no-any-return]


def _bulk_products(sandbox: ShopifySandbox, client: httpx.Client) -> list[dict[str, Any]]:
    """The products export as bulk JSONL rows (variants on their own lines with ``__parentId``)."""
    started = client.post(
        GRAPHQL, json={"query": RUN_BULK, "variables": {"query": PRODUCTS_BULK_QUERY}}
    ).json()
    payload = started["data"]["bulkOperationRunQuery"]
    assert payload["userErrors"] == [], payload["userErrors"]
    operation = payload["bulkOperation"]["id"]
    assert sandbox.bulk.wait_until_executed(operation)
    sandbox.clock.advance(600)
    polled = client.post(GRAPHQL, json={"query": POLL_BULK, "variables": {"id": operation}}).json()
    finished = polled["data"]["bulkOperation"]
    assert finished["status"] == "COMPLETED", finished
    return [json.loads(line) for line in httpx.get(finished["url"]).text.splitlines()]


def _list(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 1000})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_seeded_shopify_records_all_load(shopify: tuple[ShopifySandbox, httpx.Client]) -> None:
    sandbox, client = shopify
    rows = _bulk_products(sandbox, client)
    assert any("__parentId" in row for row in rows)
    locations = _graphql(client, LOCATIONS_QUERY)["locations"]["nodes"]
    levels = _graphql(client, INVENTORY_QUERY)["locations"]["nodes"]

    tables = normalize_shopify_products(rows, EXTRACTED)
    tables["raw.shopify_locations"] = normalize_shopify_locations(locations, EXTRACTED)
    tables["raw.shopify_inventory"] = normalize_shopify_inventory(levels, EXTRACTED)

    for name, table in tables.items():
        outcome = validate_table(table)
        assert outcome.quarantined.empty, (name, outcome.quarantined["reason"].tolist())
    assert len(tables["raw.shopify_variants"]) == len(sandbox.state.variants)
    assert len(tables["raw.shopify_inventory"]) == sum(
        len(levels) for levels in sandbox.state.levels.values()
    )
    assert len(tables["raw.shopify_locations"]) == len(sandbox.state.locations)


def test_shopify_variants_made_bad_are_quarantined_and_the_rest_load(
    shopify: tuple[ShopifySandbox, httpx.Client],
) -> None:
    sandbox, client = shopify
    no_sku, negative = sorted(sandbox.state.variants)[:2]
    with sandbox.state.lock:
        no_sku_variant = sandbox.state.variants[no_sku]
        sandbox.state.items[no_sku_variant.inventory_item_id].sku = None
        sandbox.state.variants[negative].price = Decimal("-100")

    rows = _bulk_products(sandbox, client)
    outcome = validate_table(normalize_shopify_products(rows, EXTRACTED)["raw.shopify_variants"])

    reasons = dict(zip(outcome.quarantined["record_key"], outcome.quarantined["reason"], strict=True))
    assert reasons == {
        f"gid://shopify/ProductVariant/{no_sku}": "sku: missing",
        f"gid://shopify/ProductVariant/{negative}": "price: must be ≥ 0 (got -100)",
    }
    assert len(outcome.valid) == len(sandbox.state.variants) - 2


def test_seeded_smaregi_records_all_load(smaregi: tuple[SmaregiSandbox, httpx.Client]) -> None:
    sandbox, client = smaregi
    tables = [
        normalize_smaregi_products(_list(client, "/products"), EXTRACTED),
        normalize_smaregi_stores(_list(client, "/stores"), EXTRACTED),
        normalize_smaregi_categories(_list(client, "/categories"), EXTRACTED),
        normalize_smaregi_stock(_list(client, "/stock"), EXTRACTED),
    ]

    for table in tables:
        outcome = validate_table(table)
        assert outcome.quarantined.empty, (table.table, outcome.quarantined["reason"].tolist())
        assert len(outcome.valid) > 0
    assert len(tables[0]) == len(sandbox.state.products)


def test_smaregi_products_made_bad_are_quarantined_and_the_rest_load(
    smaregi: tuple[SmaregiSandbox, httpx.Client],
) -> None:
    sandbox, client = smaregi
    negative, bad_time, first_twin, second_twin = sorted(sandbox.state.products)[:4]
    with sandbox.state.lock:
        sandbox.state.products[negative]["price"] = "-100"
        sandbox.state.products[bad_time]["updDateTime"] = "2026-13-45T10:00:00+09:00"
        code = sandbox.state.products[first_twin]["productCode"]
        sandbox.state.products[second_twin]["productCode"] = code
        sandbox.state._touch()

    records = _list(client, "/products")
    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    reasons = dict(zip(outcome.quarantined["record_key"], outcome.quarantined["reason"], strict=True))
    assert reasons == {
        negative: "price: must be ≥ 0 (got -100)",
        bad_time: "upd_date_time: not a timestamp ('2026-13-45T10:00:00+09:00')",
        first_twin: f"product_code: duplicate key (2 rows share {code!r})",
        second_twin: f"product_code: duplicate key (2 rows share {code!r})",
    }
    assert len(outcome.valid) == len(records) - 4
    kept = json.loads(outcome.quarantined.set_index("record_key").loc[bad_time, "raw_record"])
    assert kept["updDateTime"] == "2026-13-45T10:00:00+09:00"
