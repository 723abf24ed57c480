"""An endpoint the sandbox does not model answers as an unknown path, not as a missing record; stores are
filled in as a real store's are; no request-id header is invented."""

from __future__ import annotations

import re

import httpx
import pytest

from smapify_pipeline.sandbox.smaregi import choices
from smapify_pipeline.sandbox.smaregi.fields import STORE_FIELDS

from .conftest import CONTRACT, Served

UNKNOWN_PATH = {"type": "about:blank", "title": "Not Found", "status": 404}
MISSING_RECORD = {
    "type": "about:blank",
    "title": "NotFound",
    "detail": "指定されたIDのリソースが見つかりません",
    "status": 404,
}


@pytest.mark.parametrize(
    "path",
    [
        "/customers",  # a real Smaregi endpoint the sandbox does not model
        "/customers/1",
        "/staffs",
        "/products/8000001/images",
        "/stores/1/terminals",
        "/spaceships",
    ],
)
def test_an_unmodelled_endpoint_is_an_unknown_path(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == UNKNOWN_PATH
    assert response.json()["title"] == choices.UNKNOWN_PATH_TITLE


def test_outside_the_pos_api_is_an_unknown_path_too(served: Served) -> None:
    for path in (f"/{CONTRACT}/waiter/orders", "/nothing", f"/{CONTRACT}"):
        response = httpx.get(f"{served.url}{path}")
        assert response.status_code == 404
        assert response.json() == UNKNOWN_PATH


def test_a_missing_record_keeps_its_own_answer(api: httpx.Client) -> None:
    for path in ("/products/9999999", "/transactions/999999", "/categories/999999"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json() == MISSING_RECORD
    assert MISSING_RECORD != UNKNOWN_PATH


def test_a_known_path_with_another_method_is_still_405(api: httpx.Client) -> None:
    assert api.put("/products").status_code == 405


def test_every_store_field_carries_a_realistic_value(api: httpx.Client) -> None:
    stores = api.get("/stores").json()
    assert len(stores) == 2
    for store in stores:
        assert list(store) == list(STORE_FIELDS)
        empty = [name for name, value in store.items() if value in (None, "")]
        assert empty == []
        assert all(isinstance(value, str) for value in store.values())
        assert re.fullmatch(r"\d{3}-\d{4}", store["postCode"])
        assert re.fullmatch(r"0\d{1,3}-\d{2,4}-\d{4}", store["phoneNumber"])
        assert "@" in store["mailAddress"]
        assert (store["taxLabelNormal"], store["taxLabelReduce"]) == choices.STORE_TAX_LABELS
    assert stores[0]["address"] != stores[1]["address"]
    assert api.get("/stores/1").json() == stores[0]


def test_no_request_id_header_is_invented(api: httpx.Client) -> None:
    assert "x-request-id" not in api.get("/stores").headers
