"""What both platform clients share: the retry policy, the user agent, closing, header redaction, Retry-After.

The retry policy is exponential backoff with jitter: attempt n waits ``min(cap, base × 2^(n-1))`` scaled by
a random factor in ``[1 - jitter, 1]`` (``jitter=1`` is "full jitter"). ``sleep`` and ``random`` are
injectable so tests never wait and always see the same delays.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self

import httpx

USER_AGENT = "smapify-pipeline"

Sleep = Callable[[float], None]
Clock = Callable[[], float]


class Closing:
    """A client that holds connections: ``with Client(...) as client:`` closes them at the end."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


SECRET_HEADERS = frozenset({"authorization", "x-shopify-access-token", "cookie", "set-cookie"})


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try one call and how long to wait between tries."""

    max_attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    jitter: float = 1.0
    sleep: Sleep = field(default=time.sleep, compare=False)
    random: Callable[[], float] = field(default=_random.random, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be in [0, 1]")

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling: float = min(self.cap, self.base * 2.0 ** (attempt - 1))
        return ceiling * (1 - self.jitter + self.jitter * self.random())

    def wait(self, attempt: int, at_least: float = 0.0) -> float:
        """Sleep the backoff for ``attempt`` (or ``at_least``, e.g. a Retry-After, if longer); return it."""
        delay = max(self.backoff(attempt), at_least)
        if delay > 0:
            self.sleep(delay)
        return delay


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds (``"2"``, ``"2.0"``) or an HTTP date."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - now())
    except (TypeError, ValueError):
        return None


def redact_headers(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    """A copy of ``headers`` fit for logs and error text: secret values replaced by ``[redacted]``."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {k: ("[redacted]" if k.lower() in SECRET_HEADERS else v) for k, v in items}


def reached_server(error: httpx.TransportError) -> bool:
    """Whether the request may have reached the server before ``error``.

    Only a failure to connect proves the server never saw the request; anything later (a write error, a
    read timeout, a dropped connection) leaves a write's outcome unknown.
    """
    return not isinstance(error, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)


def body_excerpt(response: httpx.Response, limit: int = 500) -> str:
    """The start of a response body for error messages (answers never echo our secrets back)."""
    try:
        text = response.text
    except (httpx.ResponseNotRead, UnicodeDecodeError):
        return "<unreadable body>"
    return text if len(text) <= limit else text[:limit] + "…"


def send_safely_repeatable(send: Callable[[], httpx.Response], retry: RetryPolicy) -> httpx.Response:
    """Send a request that may be repeated at will (a token grant, a download), retrying transport errors,
    429 (after its ``Retry-After``) and 5xx. Returns the last answer; raises the last transport error."""
    attempt = 0
    while True:
        attempt += 1
        last_attempt = attempt >= retry.max_attempts
        try:
            response = send()
        except httpx.TransportError:
            if last_attempt:
                raise
            retry.wait(attempt)
            continue
        if last_attempt or not (response.status_code == 429 or response.status_code >= 500):
            return response
        retry.wait(attempt, at_least=parse_retry_after(response.headers.get("Retry-After")) or 0.0)
