"""Endpoint, version and auth: what a client sees before any business logic."""

from __future__ import annotations

import httpx

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.shopify import choices

from .conftest import API_PATH, Shopify


def test_a_wrong_token_gets_shopifys_401_body(shopify: Shopify) -> None:
    response = httpx.post(
        f"{shopify.url}{API_PATH}",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": "nope"},
    )
    assert response.status_code == 401
    assert response.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }


def test_a_retired_version_falls_forward_to_the_oldest_supported_one(shopify: Shopify) -> None:
    response = shopify.http.post(
        "/admin/api/2025-01/graphql.json", json={"query": "{ shop { name currencyCode } }"}
    )
    assert response.status_code == 200
    assert response.headers["X-Shopify-API-Version"] == choices.OLDEST_SUPPORTED_API_VERSION == "2026-01"
    assert response.json()["data"]["shop"] == {"name": "Smapify Demo", "currencyCode": "JPY"}


def test_a_malformed_version_path_is_not_found(shopify: Shopify) -> None:
    response = shopify.http.post("/admin/api/latest/graphql.json", json={"query": "{ shop { name } }"})
    assert response.status_code == 404
    assert response.json() == {"errors": "Not Found"}


def test_client_credentials_token_works_and_expires_after_a_day(shopify: Shopify) -> None:
    grant = httpx.post(
        f"{shopify.url}/admin/oauth/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.SHOPIFY_CLIENT_ID,
            "client_secret": credentials.SHOPIFY_CLIENT_SECRET,
        },
    )
    assert grant.status_code == 200
    token = grant.json()["access_token"]
    assert token.startswith("shpat_")
    assert grant.json()["expires_in"] == 86399
    headers = {"X-Shopify-Access-Token": token}
    query = {"query": "{ shop { name } }"}
    assert httpx.post(f"{shopify.url}{API_PATH}", json=query, headers=headers).status_code == 200
    shopify.sandbox.clock.advance(86400)
    assert httpx.post(f"{shopify.url}{API_PATH}", json=query, headers=headers).status_code == 401


def test_a_wrong_client_secret_gets_no_token(shopify: Shopify) -> None:
    grant = httpx.post(
        f"{shopify.url}/admin/oauth/access_token",
        data={
            "grant_type": "client_credentials",
            "client_id": credentials.SHOPIFY_CLIENT_ID,
            "client_secret": "x",
        },
    )
    assert grant.status_code == 400
    assert "access_token" not in grant.json()


def test_syntax_and_unknown_fields_are_graphql_errors_with_http_200(shopify: Shopify) -> None:
    broken = shopify.gql("{ shop { name ")
    assert "data" not in broken and broken["errors"]
    unknown = shopify.gql("{ shop { nosuchfield } }")
    assert "nosuchfield" in unknown["errors"][0]["message"]


def test_every_answer_carries_a_cost_extension(shopify: Shopify) -> None:
    answer = shopify.gql("{ shop { name } }")
    cost = answer["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1
    assert cost["actualQueryCost"] == 1
    assert cost["throttleStatus"]["maximumAvailable"] == 2000.0
    assert cost["throttleStatus"]["restoreRate"] == 100.0


def test_rest_shop_json_honours_fields(shopify: Shopify) -> None:
    response = shopify.http.get(
        "/admin/api/2026-10/shop.json", params={"fields": "id,currency,iana_timezone"}
    )
    assert response.status_code == 200
    assert response.json() == {"shop": {"id": 1, "currency": "JPY", "iana_timezone": "Asia/Tokyo"}}
