"""API versions as Shopify resolves them, and ``X-Request-Id`` on every answer, over HTTP."""

from __future__ import annotations

import uuid

import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.versions import served_version

from .conftest import API_PATH, Shopify

SHOP = {"query": "{ shop { name } }"}
RUN_BULK = """
mutation Run($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { message } }
}
"""
POLL = "query($id: ID!) { bulkOperation(id: $id) { status url } }"


def _graphql(shopify: Shopify, version: str) -> httpx.Response:
    return shopify.http.post(f"/admin/api/{version}/graphql.json", json=SHOP)


def _shop_json(shopify: Shopify, version: str) -> httpx.Response:
    return shopify.http.get(f"/admin/api/{version}/shop.json", params={"fields": "id"})


def _request_id(response: httpx.Response) -> str:
    value = response.headers["X-Request-Id"]
    assert str(uuid.UUID(value)) == value
    return value


def test_the_version_list_is_declared_once_oldest_first() -> None:
    versions = choices.SUPPORTED_API_VERSIONS
    assert versions == tuple(sorted(versions)) and len(versions) == 4
    assert versions[-1] == choices.API_VERSION == credentials.SHOPIFY_API_VERSION
    assert versions[0] == choices.OLDEST_SUPPORTED_API_VERSION
    assert choices.RELEASE_CANDIDATE_API_VERSION > choices.API_VERSION


@pytest.mark.parametrize(
    ("asked", "served"),
    [
        *((version, version) for version in choices.SUPPORTED_API_VERSIONS),
        ("unstable", "unstable"),
        (choices.RELEASE_CANDIDATE_API_VERSION, choices.RELEASE_CANDIDATE_API_VERSION),
        ("2019-01", choices.OLDEST_SUPPORTED_API_VERSION),
        ("2025-10", choices.OLDEST_SUPPORTED_API_VERSION),
        ("2030-01", None),
        ("2027-04", None),
        ("2026-05", None),
        ("latest", None),
        ("2026-1", None),
    ],
)
def test_graphql_and_shop_json_follow_the_version_rules(
    shopify: Shopify, asked: str, served: str | None
) -> None:
    assert served_version(asked) == served
    for response in (_graphql(shopify, asked), _shop_json(shopify, asked)):
        if served is None:
            assert response.status_code == choices.UNSERVED_VERSION_STATUS == 404
            assert response.json() == {"errors": "Not Found"}
            assert "X-Shopify-API-Version" not in response.headers
        else:
            assert response.status_code == 200, response.text
            assert response.headers["X-Shopify-API-Version"] == served
        _request_id(response)
    if served is not None:
        assert _graphql(shopify, asked).json()["data"]["shop"]["name"] == "Smapify Demo"
        assert _shop_json(shopify, asked).json() == {"shop": {"id": 1}}


def test_a_bulk_result_is_labelled_with_the_version_that_created_it(shopify: Shopify) -> None:
    retired = "2024-04"
    run = shopify.http.post(
        f"/admin/api/{retired}/graphql.json",
        json={"query": RUN_BULK, "variables": {"query": "{ products { edges { node { id } } } }"}},
    )
    assert run.headers["X-Shopify-API-Version"] == choices.OLDEST_SUPPORTED_API_VERSION
    gid = run.json()["data"]["bulkOperationRunQuery"]["bulkOperation"]["id"]
    assert shopify.sandbox.bulk.wait_until_executed(gid)
    shopify.sandbox.clock.advance(600)
    url = shopify.data(POLL, {"id": gid})["bulkOperation"]["url"]
    download = httpx.get(url)
    assert download.status_code == 200
    assert download.headers["X-Shopify-API-Version"] == choices.OLDEST_SUPPORTED_API_VERSION
    assert len(download.text.splitlines()) == len(shopify.sandbox.state.products)
    _request_id(download)
    missing = httpx.get(url.replace(f"/{gid.rsplit('/', 1)[1]}.jsonl", "/999.jsonl"))
    assert missing.status_code == 404
    _request_id(missing)


def test_every_answer_carries_its_own_request_id(shopify: Shopify) -> None:
    answers = [
        shopify.post("{ shop { name } }"),
        shopify.post("{ shop { name } }"),
        shopify.http.get("/admin/api/2026-10/shop.json"),
        httpx.post(f"{shopify.url}{API_PATH}", json=SHOP, headers={"X-Shopify-Access-Token": "nope"}),
        httpx.get(f"{shopify.url}/admin/api/2026-10/shop.json"),
        shopify.http.post(API_PATH, content=b"not json", headers={"content-type": "application/json"}),
        shopify.http.get("/admin/api/2026-10/nothing-here.json"),
        httpx.post(f"{shopify.url}/admin/oauth/access_token", data={"grant_type": "password"}),
        shopify.http.get("/_sandbox/state"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 401, 401, 400, 404, 400, 200]
    ids = [_request_id(answer) for answer in answers]
    assert len(set(ids)) == len(ids)
    assert answers[3].headers["X-Shopify-API-Version"] == choices.API_VERSION


@pytest.mark.parametrize(("kind", "status"), [("server_error", 503), ("throttle", 200)])
def test_fault_answers_carry_a_request_id_and_the_asked_version(
    shopify: Shopify, kind: str, status: int
) -> None:
    shopify.sandbox.faults.script("shop", kind)
    response = _graphql(shopify, "2026-04")
    assert response.status_code == status
    assert response.headers["X-Shopify-API-Version"] == "2026-04"
    _request_id(response)
    if kind == "throttle":
        assert response.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
