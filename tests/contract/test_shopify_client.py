"""The Shopify client against the Shopify sandbox over real HTTP: paging, pacing, faults, auth, bulk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.platforms.http import RetryPolicy
from smapify_pipeline.platforms.shopify.bulk import BulkRunner
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import BulkOperationError, OutcomeUnknown, ShopifyUserError
from smapify_pipeline.sandbox.faults import FaultKind, FaultPlan
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.shopify import choices as shopify_choices
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

VARIANTS = """
query Variants($after: String) {
  productVariants(first: 25, after: $after) { nodes { id sku } pageInfo { hasNextPage endCursor } }
}
"""
PRODUCTS = """
query Products($after: String) {
  products(first: 10, after: $after) { nodes { id title } pageInfo { hasNextPage endCursor } }
}
"""
LOCATIONS = "query Locations($after: String) { locations(first: 5, after: $after) { nodes { id name } pageInfo { hasNextPage endCursor } } }"
ORDERS = """
query Orders($after: String, $query: String) {
  orders(first: 5, after: $after, query: $query) { nodes { id sourceIdentifier } pageInfo { hasNextPage endCursor } }
}
"""
ORDER_CREATE = """
mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id } userErrors { field message code } }
}
"""
ADJUST = """
mutation Adjust($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}
"""
BULK_EXPORT = "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }"


def fast_retry(max_attempts: int = 10) -> RetryPolicy:
    return RetryPolicy(max_attempts=max_attempts, base=0.02, cap=0.2)


@pytest.fixture
def sandbox() -> Iterator[ShopifySandbox]:
    shop = ShopifySandbox.create(seed_size="small", seed=3, time_scale=50.0)
    try:
        yield shop
    finally:
        shop.close()


@pytest.fixture
def url(sandbox: ShopifySandbox) -> Iterator[str]:
    with SandboxServer(sandbox.app) as server:
        yield server.url


def make_client(url: str, **kwargs: Any) -> ShopifyClient:
    kwargs.setdefault("retry", fast_retry())
    if "client_id" not in kwargs:
        kwargs.setdefault("access_token", sandboxes.SHOPIFY_ACCESS_TOKEN)
    return ShopifyClient(url, api_version=sandboxes.SHOPIFY_API_VERSION, **kwargs)


def first_level(sandbox: ShopifySandbox) -> tuple[str, str, Any]:
    item_id, by_location = next(iter(sandbox.state.levels.items()))
    location_id, level = next(iter(by_location.items()))
    return f"gid://shopify/InventoryItem/{item_id}", f"gid://shopify/Location/{location_id}", level


def adjust_input(item: str, location: str, delta: int, change_from: int) -> dict[str, Any]:
    return {
        "name": "available",
        "reason": "correction",
        "referenceDocumentUri": "smapify://push/contract",
        "changes": [
            {
                "inventoryItemId": item,
                "locationId": location,
                "delta": delta,
                "changeFromQuantity": change_from,
            }
        ],
    }


def an_order(sandbox: ShopifySandbox, identifier: str) -> dict[str, Any]:
    variant = next(iter(sandbox.state.variants.values()))
    return {
        "lineItems": [
            {
                "variantId": f"gid://shopify/ProductVariant/{variant.id}",
                "quantity": 1,
                "priceSet": {"shopMoney": {"amount": "1100", "currencyCode": "JPY"}},
                "taxLines": [
                    {
                        "title": "消費税",
                        "rate": "0.1",
                        "priceSet": {"shopMoney": {"amount": "100", "currencyCode": "JPY"}},
                    }
                ],
            }
        ],
        "sourceName": "smapify",
        "sourceIdentifier": identifier,
        "tags": ["smapify", identifier],
        "currency": "JPY",
        "taxesIncluded": True,
        "financialStatus": "PAID",
    }


def test_pagination_reaches_every_product_variant_and_location(sandbox: ShopifySandbox, url: str) -> None:
    with make_client(url) as client:
        variants = list(client.paginate(VARIANTS, {}, "productVariants"))
        products = list(client.paginate(PRODUCTS, {}, "products"))
        locations = list(client.paginate(LOCATIONS, {}, "locations"))
    state = sandbox.state
    assert sorted(v["id"] for v in variants) == sorted(
        f"gid://shopify/ProductVariant/{i}" for i in state.variants
    )
    assert len({p["id"] for p in products}) == len(state.products)
    assert len(locations) == len(state.locations)
    assert client.calls["productVariants"] == -(-len(state.variants) // 25)


@pytest.fixture
def still_sandbox() -> Iterator[ShopifySandbox]:
    """A sandbox with a 60-point bucket refilling at 50/s, whose clock all but stands still in real time.

    The client under test keeps time and waits on this clock (``sleep`` advances it), so the bucket refills only
    by the client's own waits: the pacing is exercised the same way however fast or loaded the machine is.
    """
    shop = ShopifySandbox.create(
        seed_size="small", seed=3, time_scale=0.001, bucket_size=60.0, restore_rate=50.0
    )
    try:
        yield shop
    finally:
        shop.close()


def test_pacing_keeps_a_small_bucket_from_throttling(still_sandbox: ShopifySandbox) -> None:
    clock = still_sandbox.clock
    retry = RetryPolicy(max_attempts=10, base=0.02, cap=0.2, sleep=clock.advance)
    with (
        SandboxServer(still_sandbox.app) as server,
        make_client(server.url, retry=retry, clock=clock.monotonic) as client,
    ):
        variants = [v["id"] for _ in range(3) for v in client.paginate(VARIANTS, {}, "productVariants")]
    pages = -(-len(still_sandbox.state.variants) // 25)
    assert len(variants) == 3 * len(still_sandbox.state.variants)
    # Together the queries cost more than the 60-point bucket holds, so they only fit if the client waits for
    # it to refill. It does, before every query the bucket it last saw cannot cover, and is never throttled.
    assert client.last_cost is not None
    assert 3 * pages * client.last_cost["requestedQueryCost"] > 60
    assert client.throttled["productVariants"] == 0
    assert client.calls["productVariants"] == 3 * pages
    assert client.pacer.waited_seconds > 0
    # Simulated time moved by the client's waits alone (plus a thousandth of the real time the test took).
    assert clock.monotonic() == pytest.approx(client.pacer.waited_seconds, abs=0.1)


def test_a_throttled_answer_is_retried_until_it_succeeds(url: str, sandbox: ShopifySandbox) -> None:
    sandbox.faults.script("products", FaultKind.THROTTLE, times=2)
    with make_client(url) as client:
        products = list(client.paginate(PRODUCTS, {}, "products"))
    assert len(products) == len(sandbox.state.products)
    assert client.throttled["products"] == 2


def test_a_fault_plan_of_throttles_and_5xx_gives_the_same_results(url: str, sandbox: ShopifySandbox) -> None:
    small_pages = VARIANTS.replace("first: 25", "first: 3")
    with make_client(url) as client:
        clean = list(client.paginate(small_pages, {}, "productVariants"))
    sandbox.faults.set_plan(FaultPlan(seed=7, throttle=0.1, server_error=0.1))
    with make_client(url, retry=fast_retry(max_attempts=15)) as client:
        walks = [list(client.paginate(small_pages, {}, "productVariants")) for _ in range(3)]
    assert walks == [clean, clean, clean]
    assert {d.kind for d in sandbox.faults.log} == {FaultKind.THROTTLE, FaultKind.SERVER_ERROR}


def test_an_expired_client_credentials_token_is_renewed(url: str, sandbox: ShopifySandbox) -> None:
    with make_client(
        url, client_id=sandboxes.SHOPIFY_CLIENT_ID, client_secret=sandboxes.SHOPIFY_CLIENT_SECRET
    ) as client:
        client.execute("{ shop { name } }")
        sandbox.clock.advance(86_400)  # the sandbox's token is now expired; the client cannot know yet
        client.execute("{ shop { name } }")
        assert client.auth.grants == 2  # type: ignore[attr-defined]


def test_a_lost_order_create_answer_is_an_unknown_outcome_not_a_duplicate(
    url: str, sandbox: ShopifySandbox
) -> None:
    sandbox.faults.script("orderCreate", FaultKind.ANSWER_LOST)
    with make_client(url) as client:
        with pytest.raises(OutcomeUnknown) as caught:
            client.execute(
                ORDER_CREATE,
                {
                    "order": an_order(sandbox, "smaregi:c1:txn:77"),
                    "options": {"inventoryBehaviour": "BYPASS"},
                },
            )
        assert caught.value.idempotent is False
        assert client.calls["orderCreate"] == 1
        found = list(client.paginate(ORDERS, {"query": "tag:'smaregi:c1:txn:77'"}, "orders"))
    assert [o["sourceIdentifier"] for o in found] == ["smaregi:c1:txn:77"]


def test_a_lost_idempotent_adjustment_is_replayed_once(url: str, sandbox: ShopifySandbox) -> None:
    item, location, level = first_level(sandbox)
    before = level.quantities["available"]
    sandbox.faults.script("inventoryAdjustQuantities", FaultKind.ANSWER_LOST)
    with make_client(url) as client:
        variables = {"input": adjust_input(item, location, -2, before), "key": "smapify:test:adjust:1"}
        data = client.execute(ADJUST, variables, idempotent=True)
        assert client.calls["inventoryAdjustQuantities"] == 2
    assert data["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"] is not None
    assert level.quantities["available"] == before - 2


def test_user_errors_arrive_typed(url: str, sandbox: ShopifySandbox) -> None:
    item, location, level = first_level(sandbox)
    stale = level.quantities["available"] + 5
    with make_client(url) as client, pytest.raises(ShopifyUserError) as caught:
        client.execute(
            ADJUST, {"input": adjust_input(item, location, -1, stale), "key": "k-stale"}, idempotent=True
        )
    assert caught.value.code == "CHANGE_FROM_QUANTITY_STALE"


def test_bulk_export_joins_variants_under_products(url: str, sandbox: ShopifySandbox) -> None:
    with make_client(url) as client:
        runner = BulkRunner(client, poll_interval=0.05, max_poll_interval=0.2)
        rows = list(runner.run(BULK_EXPORT))
    state = sandbox.state
    assert len(rows) == len(state.products)
    assert sum(len(r.get("ProductVariant", [])) for r in rows) == len(state.variants)
    runner.close()


def test_bulk_failure_surfaces_error_code_and_partial_data(url: str, sandbox: ShopifySandbox) -> None:
    sandbox.bulk.script_failure("INTERNAL_SERVER_ERROR", partial_fraction=0.5)
    with make_client(url) as client:
        runner = BulkRunner(client, poll_interval=0.05, max_poll_interval=0.2)
        with pytest.raises(BulkOperationError) as caught:
            list(runner.run(BULK_EXPORT))
        assert caught.value.error_code == "INTERNAL_SERVER_ERROR"
        assert caught.value.partial_data_url
        sandbox.bulk.script_failure("INTERNAL_SERVER_ERROR", partial_fraction=0.5)
        partial = list(runner.run(BULK_EXPORT, flat=True, accept_partial=True))
    assert 0 < len(partial) < len(sandbox.state.products) + len(sandbox.state.variants)
    runner.close()


def test_a_bulk_query_already_running_is_waited_for(url: str, sandbox: ShopifySandbox) -> None:
    with make_client(url) as client:
        runner = BulkRunner(client, poll_interval=0.05, max_poll_interval=0.2)
        blocking = runner.start(BULK_EXPORT)
        rows = list(runner.run(BULK_EXPORT))
        assert runner.last_operation is not None and runner.last_operation.id != blocking.id
    assert len(rows) == len(sandbox.state.products)
    runner.close()


def test_an_answer_from_another_api_version_is_noticed(url: str) -> None:
    with ShopifyClient(url, api_version="2025-01", access_token=sandboxes.SHOPIFY_ACCESS_TOKEN) as client:
        assert client.execute("{ shop { name } }")["shop"]["name"]
        assert client.served_versions == {shopify_choices.OLDEST_SUPPORTED_API_VERSION}
    with make_client(url) as client:
        client.execute("{ shop { name } }")
        assert client.served_versions == frozenset()
