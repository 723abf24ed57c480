from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import (
    AuthError,
    GraphQLError,
    MaxCostExceeded,
    OutcomeUnknown,
    ShopifyUserError,
    ThrottledError,
)
from smapify_pipeline.platforms.shopify.idempotency import idempotency_key

from ..fakes import FakeClock, Recorder, retry_policy

SHOP = "https://shop.example"
ENDPOINT = "/admin/api/2026-10/graphql.json"
PRODUCTS = "query Products($after: String) { products(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }"
ORDER_CREATE = "mutation Create($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { field message code } } }"
ADJUST = """mutation Adjust($input: InventoryAdjustQuantitiesInput!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: "ledger-1-attempt-1") {
    inventoryAdjustmentGroup { id } userErrors { field message code }
  }
}"""


def answer(
    data: Any = None,
    errors: list[dict[str, Any]] | None = None,
    available: float = 1990,
    requested: float = 10,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": None if errors else requested,
                "throttleStatus": {
                    "maximumAvailable": 2000,
                    "currentlyAvailable": available,
                    "restoreRate": 100,
                },
            }
        }
    }
    if data is not None:
        body["data"] = data
    if errors is not None:
        body["errors"] = errors
    return httpx.Response(status, json=body, headers={"X-Shopify-API-Version": "2026-10", **(headers or {})})


THROTTLED = [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}]


def make_client(recorder: Recorder, clock: FakeClock, **kwargs: Any) -> ShopifyClient:
    kwargs.setdefault("access_token", "shpat_secret")
    return ShopifyClient(SHOP, transport=recorder.transport, retry=retry_policy(clock), clock=clock, **kwargs)


def test_query_is_posted_to_the_pinned_version_with_the_token() -> None:
    clock = FakeClock()
    recorder = Recorder(lambda request, n: answer({"shop": {"name": "x"}}))
    client = make_client(recorder, clock)
    assert client.execute("{ shop { name } }") == {"shop": {"name": "x"}}
    request = recorder.requests[0]
    assert request.url.path == ENDPOINT
    assert request.headers["X-Shopify-Access-Token"] == "shpat_secret"
    assert request.headers["User-Agent"] == "smapify-pipeline"
    assert client.calls["shop"] == 1


def test_throttled_answer_waits_for_the_missing_points_then_succeeds() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return answer(errors=THROTTLED, available=100, requested=600)
        return answer(
            {"products": {"nodes": [], "pageInfo": {"hasNextPage": False}}}, available=1400, requested=600
        )

    client = make_client(Recorder(handler), clock)
    client.execute(PRODUCTS)
    assert clock.sleeps == [pytest.approx(5.0)]  # (600 - 100) / 100 per second
    assert client.throttled["products"] == 1


def test_throttled_until_the_last_attempt_raises() -> None:
    clock = FakeClock()
    client = make_client(Recorder(lambda r, n: answer(errors=THROTTLED, available=0, requested=10)), clock)
    with pytest.raises(ThrottledError):
        client.execute(PRODUCTS)
    assert client.calls["products"] == 5


def test_http_429_honours_retry_after() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return httpx.Response(429, json={"errors": "Exceeded"}, headers={"Retry-After": "7.0"})
        return answer({"shop": {"name": "x"}})

    make_client(Recorder(handler), clock).execute("{ shop { name } }")
    assert clock.sleeps == [7.0]


def test_queries_are_retried_after_5xx_and_dropped_connections() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return httpx.Response(503, text="unavailable")
        if n == 2:
            raise httpx.RemoteProtocolError("dropped")
        return answer({"shop": {"name": "x"}})

    client = make_client(Recorder(handler), clock)
    assert client.execute("{ shop { name } }")["shop"]["name"] == "x"
    assert clock.sleeps == [0.5, 1.0]  # base 1 × 2^(n-1) × jitter factor 0.5


@pytest.mark.parametrize(
    "failure", [lambda: httpx.Response(502, text="bad gateway"), lambda: httpx.RemoteProtocolError("dropped")]
)
def test_a_mutation_without_idempotency_key_is_not_resent_after_its_answer_is_lost(failure: Any) -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        result = failure()
        if isinstance(result, Exception):
            raise result
        return result

    recorder = Recorder(handler)
    client = make_client(recorder, clock)
    with pytest.raises(OutcomeUnknown) as caught:
        client.execute(ORDER_CREATE, {"order": {"lineItems": []}})
    assert caught.value.operation == "orderCreate"
    assert caught.value.idempotent is False
    assert len(recorder.requests) == 1


def test_a_mutation_is_resent_after_a_failed_connect() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            raise httpx.ConnectError("refused")
        return answer({"orderCreate": {"order": {"id": "gid://shopify/Order/1"}, "userErrors": []}})

    client = make_client(Recorder(handler), clock)
    assert (
        client.execute(ORDER_CREATE, {"order": {}})["orderCreate"]["order"]["id"] == "gid://shopify/Order/1"
    )


def test_a_mutation_is_resent_after_throttling_since_nothing_ran() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            return answer(errors=THROTTLED, available=0, requested=10)
        return answer({"orderCreate": {"order": {"id": "gid://shopify/Order/1"}, "userErrors": []}})

    recorder = Recorder(handler)
    make_client(recorder, clock).execute(ORDER_CREATE, {"order": {}})
    assert len(recorder.requests) == 2


def test_an_idempotent_mutation_is_resent_with_the_same_key_and_variables() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            raise httpx.RemoteProtocolError("answer lost")
        return answer(
            {"inventoryAdjustQuantities": {"inventoryAdjustmentGroup": {"id": "g1"}, "userErrors": []}}
        )

    recorder = Recorder(handler)
    client = make_client(recorder, clock)
    variables = {"input": {"name": "available", "changes": [{"delta": -2, "changeFromQuantity": 10}]}}
    data = client.execute(ADJUST, variables, idempotent=True)
    assert data["inventoryAdjustQuantities"]["inventoryAdjustmentGroup"]["id"] == "g1"
    first, second = recorder.bodies()
    assert first == second
    assert 'idempotent(key: "ledger-1-attempt-1")' in second["query"]


def test_an_idempotent_mutation_whose_answers_keep_getting_lost_is_an_unknown_outcome() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        raise httpx.ReadTimeout("no answer")

    client = make_client(Recorder(handler), clock)
    with pytest.raises(OutcomeUnknown) as caught:
        client.execute(ADJUST, {"input": {}}, idempotent=True)
    assert caught.value.idempotent is True


def test_idempotent_flag_requires_the_directive() -> None:
    client = make_client(Recorder(lambda r, n: answer({})), FakeClock())
    with pytest.raises(ValueError, match="@idempotent"):
        client.execute(ORDER_CREATE, {"order": {}}, idempotent=True)


def test_concurrent_request_with_the_same_key_is_retried() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if n == 1:
            errors = [{"field": None, "message": "in flight", "code": "IDEMPOTENCY_CONCURRENT_REQUEST"}]
            return answer(
                {"inventoryAdjustQuantities": {"inventoryAdjustmentGroup": None, "userErrors": errors}}
            )
        return answer(
            {"inventoryAdjustQuantities": {"inventoryAdjustmentGroup": {"id": "g1"}, "userErrors": []}}
        )

    recorder = Recorder(handler)
    make_client(recorder, clock).execute(ADJUST, {"input": {}}, idempotent=True)
    assert len(recorder.requests) == 2


def test_user_errors_are_raised_typed_with_their_codes() -> None:
    errors = [
        {
            "field": ["input", "changes", "0", "changeFromQuantity"],
            "message": "stale",
            "code": "CHANGE_FROM_QUANTITY_STALE",
        },
        {"field": None, "message": "other", "code": "INVALID_REASON"},
    ]
    client = make_client(
        Recorder(
            lambda r, n: answer(
                {"inventoryAdjustQuantities": {"inventoryAdjustmentGroup": None, "userErrors": errors}}
            )
        ),
        FakeClock(),
    )
    with pytest.raises(ShopifyUserError) as caught:
        client.execute(ADJUST, {"input": {}}, idempotent=True)
    error = caught.value
    assert error.code == "CHANGE_FROM_QUANTITY_STALE"
    assert error.field == ("input", "changes", "0", "changeFromQuantity")
    assert error.codes == ["CHANGE_FROM_QUANTITY_STALE", "INVALID_REASON"]
    assert error.mutation == "inventoryAdjustQuantities"


def test_user_errors_can_be_returned_instead_of_raised() -> None:
    errors = [{"field": ["order"], "message": "bad", "code": "INVALID"}]
    client = make_client(
        Recorder(lambda r, n: answer({"orderCreate": {"order": None, "userErrors": errors}})), FakeClock()
    )
    data = client.execute(ORDER_CREATE, {"order": {}}, raise_user_errors=False)
    assert data["orderCreate"]["userErrors"][0]["code"] == "INVALID"


def test_other_graphql_errors_are_not_retried() -> None:
    recorder = Recorder(
        lambda r, n: answer(
            errors=[{"message": "Field 'x' doesn't exist", "extensions": {"code": "undefinedField"}}]
        )
    )
    with pytest.raises(GraphQLError) as caught:
        make_client(recorder, FakeClock()).execute("{ shop { x } }")
    assert caught.value.code == "undefinedField"
    assert len(recorder.requests) == 1


def test_max_cost_exceeded_is_its_own_error() -> None:
    errors = [{"message": "Query cost is 1500", "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 1500}}]
    with pytest.raises(MaxCostExceeded):
        make_client(Recorder(lambda r, n: answer(errors=errors)), FakeClock()).execute(PRODUCTS)


def test_client_credentials_token_is_renewed_before_expiry_and_after_401() -> None:
    clock = FakeClock()
    tokens: list[str] = []
    uses: dict[str, int] = {}

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        if request.url.path == "/admin/oauth/access_token":
            assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
            form = dict(httpx.QueryParams(request.content.decode()))
            assert form == {
                "grant_type": "client_credentials",
                "client_id": "cid",
                "client_secret": "csecret",
            }
            tokens.append(f"shpat_{len(tokens) + 1}")
            return httpx.Response(
                200, json={"access_token": tokens[-1], "scope": "read_products", "expires_in": 86399}
            )
        used = request.headers["X-Shopify-Access-Token"]
        uses[used] = uses.get(used, 0) + 1
        if used == "shpat_2" and uses[used] == 2:  # revoked after its first use
            return httpx.Response(401, json={"errors": "[API] Invalid API key or access token"})
        return answer({"shop": {"name": "x"}})

    recorder = Recorder(handler)
    client = make_client(recorder, clock, access_token=None, client_id="cid", client_secret="csecret")
    client.execute("{ shop { name } }")
    client.execute("{ shop { name } }")
    assert tokens == ["shpat_1"]
    clock.now += 86399 - 299  # inside the 300 s refresh margin
    client.execute("{ shop { name } }")
    assert tokens == ["shpat_1", "shpat_2"]
    client.execute("{ shop { name } }")  # shpat_2 revoked: 401, new grant, resent
    assert tokens == ["shpat_1", "shpat_2", "shpat_3"]
    sent = [r.headers.get("X-Shopify-Access-Token") for r in recorder.requests if r.url.path == ENDPOINT]
    assert sent == ["shpat_1", "shpat_1", "shpat_2", "shpat_2", "shpat_3"]


def test_a_static_token_refused_is_an_auth_error_without_the_token_in_it() -> None:
    client = make_client(
        Recorder(lambda r, n: httpx.Response(401, json={"errors": "Invalid API key"})), FakeClock()
    )
    with pytest.raises(AuthError) as caught:
        client.execute("{ shop { name } }")
    assert "shpat_secret" not in str(caught.value)


def test_a_different_served_version_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request, n: int) -> httpx.Response:
        return answer({"shop": {"name": "x"}}, headers={"X-Shopify-API-Version": "2027-01"})

    client = make_client(Recorder(handler), FakeClock())
    with caplog.at_level(logging.WARNING, logger="smapify_pipeline.platforms.shopify.client"):
        client.execute("{ shop { name } }")
        client.execute("{ shop { name } }")
    assert [r.getMessage() for r in caplog.records if "2027-01" in r.getMessage()] != []
    assert len([r for r in caplog.records if "2027-01" in r.getMessage()]) == 1
    assert client.served_versions == {"2027-01"}


def test_paginate_follows_end_cursors() -> None:
    pages = {
        None: ([{"id": "1"}, {"id": "2"}], True, "c2"),
        "c2": ([{"id": "3"}, {"id": "4"}], True, "c4"),
        "c4": ([{"id": "5"}], False, None),
    }

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        after = json.loads(request.content).get("variables", {}).get("after")
        nodes, more, cursor = pages[after]
        return answer({"products": {"nodes": nodes, "pageInfo": {"hasNextPage": more, "endCursor": cursor}}})

    client = make_client(Recorder(handler), FakeClock())
    assert [node["id"] for node in client.paginate(PRODUCTS, {}, "products")] == ["1", "2", "3", "4", "5"]
    assert client.calls["products"] == 3


def test_paginate_reads_edges_too() -> None:
    def handler(request: httpx.Request, n: int) -> httpx.Response:
        return answer(
            {"shop": {"orders": {"edges": [{"node": {"id": "o1"}}], "pageInfo": {"hasNextPage": False}}}}
        )

    client = make_client(Recorder(handler), FakeClock())
    assert list(client.paginate(PRODUCTS, None, "shop.orders")) == [{"id": "o1"}]


def test_paginate_halves_the_page_size_when_a_page_costs_too_much() -> None:
    sizes: list[int] = []

    def handler(request: httpx.Request, n: int) -> httpx.Response:
        first = json.loads(request.content)["variables"]["first"]
        sizes.append(first)
        if first > 60:
            errors = [
                {"message": "Query cost is 1500", "extensions": {"code": "MAX_COST_EXCEEDED", "cost": 1500}}
            ]
            return answer(errors=errors)
        return answer({"products": {"nodes": [{"id": "1"}], "pageInfo": {"hasNextPage": False}}})

    query = PRODUCTS.replace("$after: String)", "$after: String, $first: Int!)").replace(
        "first: 2", "first: $first"
    )
    client = make_client(Recorder(handler), FakeClock())
    assert list(client.paginate(query, {"first": 250}, "products", page_size_variable="first")) == [
        {"id": "1"}
    ]
    assert sizes == [250, 125, 62, 31]


def test_idempotency_keys_are_stable_per_ledger_key_and_attempt() -> None:
    first = idempotency_key("smaregi:c1:txn:9:stock", 1)
    assert first == idempotency_key("smaregi:c1:txn:9:stock", 1)
    assert first != idempotency_key("smaregi:c1:txn:9:stock", 2)
    assert first != idempotency_key("smaregi:c1:txn:10:stock", 1)
    assert len(first) == 36
    with pytest.raises(ValueError):
        idempotency_key("x", 0)
