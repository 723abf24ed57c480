from __future__ import annotations

import httpx
import pytest

from smapify_pipeline.platforms.http import RetryPolicy, parse_retry_after, reached_server, redact_headers


def test_backoff_doubles_up_to_the_cap_with_full_jitter_bounds() -> None:
    top = RetryPolicy(base=0.5, cap=4.0, jitter=1.0, random=lambda: 0.999999)
    bottom = RetryPolicy(base=0.5, cap=4.0, jitter=1.0, random=lambda: 0.0)
    assert [round(top.backoff(n), 3) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert [bottom.backoff(n) for n in range(1, 4)] == [0.0, 0.0, 0.0]


def test_partial_jitter_keeps_a_floor() -> None:
    policy = RetryPolicy(base=2.0, cap=100.0, jitter=0.25, random=lambda: 0.0)
    assert policy.backoff(3) == pytest.approx(8.0 * 0.75)


def test_wait_sleeps_at_least_the_server_hint() -> None:
    slept: list[float] = []
    policy = RetryPolicy(base=1.0, cap=10.0, jitter=0.0, sleep=slept.append)
    assert policy.wait(1, at_least=3.5) == 3.5
    assert policy.wait(2) == 2.0
    assert slept == [3.5, 2.0]


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(jitter=1.5)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("2", 2.0), ("2.0", 2.0), (" 0.5 ", 0.5), ("-3", 0.0), ("", None), (None, None), ("soon", None)],
)
def test_retry_after_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header) == expected


def test_retry_after_http_date() -> None:
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=lambda: 1445412480.0) == pytest.approx(10.0)


def test_secrets_are_redacted() -> None:
    headers = {
        "Authorization": "Bearer abc",
        "X-Shopify-Access-Token": "shpat_x",
        "Accept": "application/json",
    }
    assert redact_headers(headers) == {
        "Authorization": "[redacted]",
        "X-Shopify-Access-Token": "[redacted]",
        "Accept": "application/json",
    }


def test_only_connect_failures_prove_nothing_was_sent() -> None:
    assert not reached_server(httpx.ConnectError("refused"))
    assert not reached_server(httpx.ConnectTimeout("slow"))
    assert reached_server(httpx.ReadTimeout("late"))
    assert reached_server(httpx.RemoteProtocolError("dropped"))
