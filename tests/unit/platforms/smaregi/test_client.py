from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.platforms.smaregi.convert import JST
from smapify_pipeline.platforms.smaregi.errors import (
    OutcomeUnknown,
    SmaregiAuthError,
    SmaregiNotFound,
    SmaregiRateLimited,
)
from smapify_pipeline.platforms.smaregi.ratelimit import RateBudget

from ..fakes import FakeClock, Recorder, retry_policy

API = "https://api.example"
ID = "https://id.example"


class FakeSmaregi:
    """Token endpoint plus a handler for API calls; counts tokens issued."""

    def __init__(self, api: Any, expires_in: int = 3600) -> None:
        self.api = api
        self.expires_in = expires_in
        self.tokens: list[str] = []
        self.token_forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request, n: int) -> httpx.Response:
        if request.url.host == "id.example":
            assert request.url.path == "/app/sb_contract/token"
            assert request.headers["Authorization"] == "Basic " + base64.b64encode(b"cid:csecret").decode()
            self.token_forms.append(dict(httpx.QueryParams(request.content.decode())))
            self.tokens.append(f"tok{len(self.tokens) + 1}")
            return httpx.Response(
                200,
                json={
                    "access_token": self.tokens[-1],
                    "token_type": "Bearer",
                    "expires_in": self.expires_in,
                    "scope": "pos.products:read",
                },
            )
        assert request.url.path.startswith("/sb_contract/pos/")
        return self.api(request)


def make_client(fake: FakeSmaregi, clock: FakeClock, **kwargs: Any) -> tuple[SmaregiClient, Recorder]:
    recorder = Recorder(fake)
    client = SmaregiClient(
        API, ID, "sb_contract", "cid", "csecret", transport=recorder.transport, retry=retry_policy(clock), clock=clock,
        reads_per_second=kwargs.pop("reads_per_second", 1000.0), writes_per_second=kwargs.pop("writes_per_second", 1000.0), **kwargs,
    )  # fmt: skip
    return client, recorder


def api_calls(recorder: Recorder) -> list[httpx.Request]:
    return [r for r in recorder.requests if r.url.host == "api.example"]


def test_token_is_cached_until_shortly_before_expiry() -> None:
    clock = FakeClock()
    fake = FakeSmaregi(lambda r: httpx.Response(200, json={"productId": "1"}))
    client, recorder = make_client(fake, clock)
    client.get("/products/1")
    clock.now += 3600 - 61
    client.get("/products/1")
    assert fake.tokens == ["tok1"]
    clock.now += 2  # now within 60 s of expiry
    client.get("/products/1")
    assert fake.tokens == ["tok1", "tok2"]
    assert fake.token_forms[0]["grant_type"] == "client_credentials"
    assert "pos.products:read" in fake.token_forms[0]["scope"].split(" ")
    assert [r.headers["Authorization"] for r in api_calls(recorder)] == [
        "Bearer tok1",
        "Bearer tok1",
        "Bearer tok2",
    ]


def test_a_401_renews_the_token_once() -> None:
    clock = FakeClock()

    def api(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == "Bearer tok1":
            return httpx.Response(
                401,
                json={
                    "type": "https://api.smaregi.jp/problems/oauth2/access_denied",
                    "title": "Access Denied",
                    "status": 401,
                    "error": "access_denied",
                },
            )
        return httpx.Response(200, json={"productId": "1", "price": "1100"})

    fake = FakeSmaregi(api)
    client, _ = make_client(fake, clock)
    assert client.get("/products/1") == {"productId": 1, "price": 1100}
    assert fake.tokens == ["tok1", "tok2"]


def test_a_401_with_a_fresh_token_is_an_auth_error() -> None:
    fake = FakeSmaregi(
        lambda r: httpx.Response(401, json={"title": "Access Denied", "error_description": "denied"})
    )
    client, _ = make_client(fake, FakeClock())
    with pytest.raises(SmaregiAuthError, match="Access Denied"):
        client.get("/products/1")
    assert len(fake.tokens) == 2


def page_api(total: int, link: bool = False) -> Any:
    def api(request: httpx.Request) -> httpx.Response:
        limit, page = int(request.url.params["limit"]), int(request.url.params["page"])
        rows = [{"productId": str(i)} for i in range((page - 1) * limit + 1, min(total, page * limit) + 1)]
        headers = {}
        if link and page * limit < total:
            next_url = request.url.copy_set_param("page", str(page + 1))
            headers["Link"] = f'<{next_url}>; rel="next"'
        return httpx.Response(200, json=rows, headers=headers)

    return api


@pytest.mark.parametrize(("total", "calls"), [(0, 1), (5, 1), (10, 2), (25, 3)])
def test_lists_are_read_until_a_short_page(total: int, calls: int) -> None:
    client, recorder = make_client(FakeSmaregi(page_api(total)), FakeClock())
    rows = list(client.get_list("/products", {"sort": "productId"}, limit=10))
    assert [r["productId"] for r in rows] == list(range(1, total + 1))
    assert len(api_calls(recorder)) == calls
    assert api_calls(recorder)[0].url.params["sort"] == "productId"


def test_link_next_is_followed_when_present() -> None:
    client, recorder = make_client(FakeSmaregi(page_api(25, link=True)), FakeClock())
    assert len(list(client.get_list("/products", limit=10))) == 25
    assert [r.url.params["page"] for r in api_calls(recorder)] == ["1", "2", "3"]


def test_parallel_pages_come_back_in_order() -> None:
    client, recorder = make_client(FakeSmaregi(page_api(95)), FakeClock(), max_concurrency=4)
    rows = list(client.get_list_parallel("/products", limit=10))
    assert [r["productId"] for r in rows] == list(range(1, 96))
    assert len(api_calls(recorder)) <= 10 + 3
    client.close()


def test_windowed_reads_send_jst_ranges_per_window() -> None:
    seen: list[tuple[str, str]] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append((request.url.params["upd_date_time-from"], request.url.params["upd_date_time-to"]))
        return httpx.Response(200, json=[])

    client, recorder = make_client(FakeSmaregi(api), FakeClock())
    start = datetime(2026, 1, 1, tzinfo=JST)
    assert (
        list(client.get_windowed("/transactions", "upd_date_time", start, datetime(2026, 3, 1, tzinfo=JST)))
        == []
    )
    assert sorted(seen) == [
        ("2026-01-01T00:00:00+09:00", "2026-01-31T23:59:59+09:00"),
        ("2026-02-01T00:00:00+09:00", "2026-03-01T00:00:00+09:00"),
    ]
    assert "%2B09%3A00" in str(api_calls(recorder)[0].url)
    client.close()


def test_429_retry_after_pauses_the_budget() -> None:
    clock = FakeClock()

    def api(request: httpx.Request) -> httpx.Response:
        if len(seen) == 0:
            seen.append(1)
            return httpx.Response(
                429,
                json={"type": "about:blank", "title": "Too Many Requests", "status": 429},
                headers={"Retry-After": "3"},
            )
        return httpx.Response(200, json={"productId": "1"})

    seen: list[int] = []
    client, _ = make_client(FakeSmaregi(api), clock)
    client.get("/products/1")
    assert sum(clock.sleeps) == pytest.approx(3.0, abs=0.01)
    assert client.rate_limited["GET /products/{id}"] == 1


def test_429_to_the_end_raises() -> None:
    fake = FakeSmaregi(lambda r: httpx.Response(429, json={"title": "Too Many Requests"}))
    client, _ = make_client(fake, FakeClock())
    with pytest.raises(SmaregiRateLimited):
        client.get("/products/1")


def test_a_post_whose_answer_is_lost_is_not_resent() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("dropped")

    client, recorder = make_client(FakeSmaregi(api), FakeClock())
    with pytest.raises(OutcomeUnknown) as caught:
        client.post("/transactions", {"transactionHeadDivision": "1", "subtotal": 1100})
    assert caught.value.operation == "POST /transactions"
    assert len(api_calls(recorder)) == 1


def test_a_post_after_5xx_is_an_unknown_outcome_but_a_patch_is_retried() -> None:
    calls: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) in (1, 2):
            return httpx.Response(503, json={"title": "Service Unavailable"})
        return httpx.Response(200, json={"productId": "1", "storeId": "1", "stockAmount": "7"})

    client, _ = make_client(FakeSmaregi(api), FakeClock())
    with pytest.raises(OutcomeUnknown):
        client.post("/stock/1/add", {"storeId": 1, "stockAmount": -3})
    assert client.patch("/stock/1", {"storeId": 1, "stockAmount": 7})["stockAmount"] == 7
    assert calls == ["POST", "PATCH", "PATCH"]


def test_writes_are_sent_as_strings_and_answers_typed() -> None:
    bodies: list[Any] = []

    def api(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json={"transactionHeadId": "31", "total": "1100"})

    client, _ = make_client(FakeSmaregi(api), FakeClock())
    result = client.post(
        "/transactions", {"subtotal": 1100, "terminalTranDateTime": datetime(2026, 2, 10, 16, 0, tzinfo=JST)}
    )
    assert bodies == [{"subtotal": "1100", "terminalTranDateTime": "2026-02-10T16:00:00+09:00"}]
    assert result == {"transactionHeadId": 31, "total": 1100}


def test_delete_accepts_an_empty_body_and_404_is_typed() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/2"):
            return httpx.Response(
                404,
                json={
                    "type": "about:blank",
                    "title": "NotFound",
                    "detail": "指定されたIDのリソースが見つかりません",
                    "status": 404,
                },
            )
        return httpx.Response(200)

    client, _ = make_client(FakeSmaregi(api), FakeClock())
    client.delete("/products/1")
    with pytest.raises(SmaregiNotFound) as caught:
        client.delete("/products/2")
    assert caught.value.detail == "指定されたIDのリソースが見つかりません"


def test_reads_and_writes_have_separate_budgets() -> None:
    clock = FakeClock()
    client, _ = make_client(
        FakeSmaregi(lambda r: httpx.Response(200, json={})), clock, reads_per_second=10, writes_per_second=4
    )
    for _ in range(5):
        client.get("/products/1")
    assert sum(clock.sleeps) == pytest.approx(0.4)
    for _ in range(3):
        client.patch("/products/1", {})
    assert sum(clock.sleeps) == pytest.approx(0.4 + 0.5)


def test_rate_budget_spaces_calls_evenly_and_pauses() -> None:
    clock = FakeClock()
    budget = RateBudget(rate=4, clock=clock, sleep=clock.sleep)
    waits = [budget.acquire() for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.25, 0.25, 0.25])
    budget.pause(2.0)
    assert budget.acquire() == pytest.approx(2.0)
    assert budget.acquire() == pytest.approx(0.25)


def test_a_failing_token_endpoint_is_retried() -> None:
    clock = FakeClock()
    answers = iter([httpx.Response(503, json={"title": "Service Unavailable"}), None])

    class FlakyTokens(FakeSmaregi):
        def __call__(self, request: httpx.Request, n: int) -> httpx.Response:
            if request.url.host == "id.example":
                failure = next(answers)
                if failure is not None:
                    return failure
            return super().__call__(request, n)

    fake = FlakyTokens(lambda r: httpx.Response(200, json={"productId": "1"}))
    client, _ = make_client(fake, clock)
    assert client.get("/products/1") == {"productId": 1}
    assert fake.tokens == ["tok1"]
    assert clock.sleeps == [0.5]


def test_a_delete_resent_after_a_lost_answer_accepts_404() -> None:
    def api(request: httpx.Request) -> httpx.Response:
        if not deleted:
            deleted.append(1)
            raise httpx.ReadTimeout("answer lost after the delete")
        return httpx.Response(404, json={"title": "NotFound", "status": 404})

    deleted: list[int] = []
    client, recorder = make_client(FakeSmaregi(api), FakeClock())
    client.delete("/products/1")
    assert len(api_calls(recorder)) == 2


def test_listing_with_details_pages_by_100_at_most() -> None:
    client, recorder = make_client(FakeSmaregi(page_api(150)), FakeClock())
    rows = list(client.get_list("/transactions", {"with_details": "all"}, limit=1000))
    assert len(rows) == 150
    assert [r.url.params["limit"] for r in api_calls(recorder)] == ["100", "100"]
