"""Token flow, expiry, client and scope refusals, with the real OAuth-problem bodies."""

from __future__ import annotations

import httpx
import pytest

from .conftest import CONTRACT, Served, basic_auth, request_token

ACCESS_DENIED = {
    "type": "https://api.smaregi.jp/problems/oauth2/access_denied",
    "title": "Access Denied",
    "status": 401,
    "error": "access_denied",
    "error_description": "The resource owner or authorization server denied the request.",
}


def test_token_answer_has_the_four_documented_keys(served: Served) -> None:
    answer = request_token(served.url, ("pos.products:read", "pos.stock:read"))
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"scope", "token_type", "expires_in", "access_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert set(body["scope"].split()) == {"pos.products:read", "pos.stock:read"}


def test_token_opens_the_api(served: Served) -> None:
    with served.client(("pos.products:read",)) as client:
        answer = client.get("/products", params={"limit": 1})
    assert answer.status_code == 200
    assert len(answer.json()) == 1


def test_token_expires_after_an_hour_of_sandbox_time(served: Served) -> None:
    with served.client(("pos.products:read",)) as client:
        assert client.get("/products").status_code == 200
        served.sandbox.clock.advance(3599)
        assert client.get("/products").status_code == 200
        served.sandbox.clock.advance(2)
        expired = client.get("/products")
    assert expired.status_code == 401
    assert expired.json() == ACCESS_DENIED


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_missing_or_unknown_token_is_access_denied(served: Served, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    answer = httpx.get(f"{served.url}/{CONTRACT}/pos/products", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == ACCESS_DENIED


def test_token_of_one_contract_does_not_open_another(served: Served) -> None:
    token = request_token(served.url).json()["access_token"]
    answer = httpx.get(
        f"{served.url}/other_contract/pos/products", headers={"Authorization": f"Bearer {token}"}
    )
    assert answer.status_code == 401


def test_wrong_client_secret_is_invalid_client(served: Served) -> None:
    answer = httpx.post(
        f"{served.url}/app/{CONTRACT}/token",
        headers={"Authorization": basic_auth(secret="wrong")},
        data={"grant_type": "client_credentials", "scope": "pos.products:read"},
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"
    assert "access_token" not in answer.text


def test_unknown_contract_and_bad_grant_and_unknown_scope(served: Served) -> None:
    assert request_token(served.url, ("pos.products:read",), contract="nobody").status_code == 401
    bad_grant = httpx.post(
        f"{served.url}/app/{CONTRACT}/token",
        headers={"Authorization": basic_auth()},
        data={"grant_type": "password", "scope": "pos.products:read"},
    )
    assert bad_grant.status_code == 400
    assert bad_grant.json()["error"] == "unsupported_grant_type"
    unknown = request_token(served.url, ("pos.products:read", "pos.spaceships:write"))
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/products", "pos.products:read"),
        ("POST", "/products", "pos.products:write"),
        ("GET", "/categories", "pos.products:read"),
        ("GET", "/stores", "pos.stores:read"),
        ("GET", "/stock", "pos.stock:read"),
        ("POST", "/stock/8000001/add", "pos.stock:write"),
        ("PATCH", "/stock/8000001", "pos.stock:write"),
        ("GET", "/stock/changes/8000001/1", "pos.stock-changes:read"),
        ("GET", "/transactions", "pos.transactions:read"),
        ("POST", "/transactions", "pos.transactions:write"),
    ],
)
def test_each_route_refuses_a_token_without_its_scope(
    served: Served, method: str, path: str, scope: str
) -> None:
    every_other = tuple(s for s in served.sandbox.state.enabled_scopes if s != scope)
    with served.client(every_other) as client:
        answer = client.request(method, path, json={})
    assert answer.status_code == 403
    body = answer.json()
    assert body["error"] == "insufficient_scope"
    assert body["status"] == 403
    assert body["scope"] == scope


def test_read_scope_does_not_allow_writes(served: Served) -> None:
    with served.client(("pos.stock:read",)) as client:
        assert client.get("/stock").status_code == 200
        assert client.post("/stock/8000001/add", json={"storeId": "1", "stockAmount": "1"}).status_code == 403
