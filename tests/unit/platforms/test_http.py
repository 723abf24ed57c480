from __future__ import annotations

import logging
import ssl
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms.errors import PlatformError
from smapify_pipeline.platforms.http import (
    Attempt,
    Call,
    RetryingClient,
    RetryPolicy,
    parse_retry_after,
    reached_server,
    redact_headers,
    verified_tls,
)


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


class Tokens:
    def __init__(self) -> None:
        self.issued = 0

    def token(self) -> str:
        return f"t{self.issued}"

    def invalidate(self, token: str) -> bool:
        self.issued += 1
        return True


class Unknown(PlatformError):
    pass


class TinyClient(RetryingClient):
    """The shared retry loop with the least a platform must declare."""

    platform = "tiny"
    error = PlatformError
    logger = logging.getLogger(__name__)

    def __init__(self, answers: list[httpx.Response | httpx.TransportError], sleeps: list[float]) -> None:
        super().__init__(RetryPolicy(max_attempts=3, base=1.0, jitter=0.0, sleep=sleeps.append))
        self.auth = Tokens()
        self.answers = answers
        self.tokens_sent: list[str] = []

    def _outcome_unknown(self, call: Call[Any], cause: str) -> PlatformError:
        return Unknown(cause)

    def send(self, **options: Any) -> int:
        def send(token: str) -> httpx.Response:
            self.tokens_sent.append(token)
            answer = self.answers.pop(0)
            if isinstance(answer, httpx.TransportError):
                raise answer
            return answer

        def read(response: httpx.Response, attempt: Attempt) -> int:
            if response.status_code >= 300:
                raise PlatformError(f"HTTP {response.status_code}")
            return attempt.number

        return self._send(Call(operation="op", send=send, read=read, **options))


def test_a_read_is_resent_after_5xx_and_a_dropped_connection() -> None:
    sleeps: list[float] = []
    client = TinyClient([httpx.Response(503), httpx.ReadError("dropped"), httpx.Response(200)], sleeps)
    assert client.send() == 3
    assert sleeps == [1.0, 2.0]
    assert client.calls["op"] == 3


def test_a_write_that_may_not_be_resent_is_an_unknown_outcome_at_once() -> None:
    client = TinyClient([httpx.Response(502), httpx.Response(200)], [])
    with pytest.raises(Unknown, match="HTTP 502"):
        client.send(writes=True, may_resend=False)
    assert client.calls["op"] == 1


def test_a_resendable_write_is_an_unknown_outcome_after_the_last_attempt() -> None:
    client = TinyClient([httpx.ReadTimeout("late")] * 3, [])
    with pytest.raises(Unknown, match="ReadTimeout"):
        client.send(writes=True, may_resend=True)
    assert client.calls["op"] == 3


def test_a_connect_failure_is_resent_even_for_a_write_and_reported_after_the_last_attempt() -> None:
    client = TinyClient([httpx.ConnectError("refused")] * 3, [])
    with pytest.raises(PlatformError, match="transport failed 3 times") as caught:
        client.send(writes=True, may_resend=False)
    assert not isinstance(caught.value, Unknown)


def test_a_401_renews_the_token_once_without_spending_an_attempt() -> None:
    client = TinyClient([httpx.Response(401), httpx.Response(200)], [])
    assert client.send() == 1
    assert client.tokens_sent == ["t0", "t1"]
    client.answers = [httpx.Response(401), httpx.Response(401)]
    with pytest.raises(PlatformError, match="HTTP 401"):
        client.send()


def test_a_429_holds_for_its_retry_after_or_backs_off_at_least_that_long() -> None:
    held: list[float] = []
    sleeps: list[float] = []
    throttled = [httpx.Response(429, headers={"Retry-After": "4"}), httpx.Response(200)]
    assert TinyClient(list(throttled), sleeps).send(hold=held.append) == 2
    assert (held, sleeps) == ([4.0], [])
    client = TinyClient(list(throttled), sleeps)
    assert client.send() == 2
    assert sleeps == [4.0]
    assert client.throttled["op"] == 1
    with pytest.raises(PlatformError, match="HTTP 429"):
        TinyClient([httpx.Response(429)] * 3, sleeps).send()


def test_the_shared_tls_context_verifies_certificates_and_host_names() -> None:
    context = verified_tls()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0
    assert verified_tls() is context
