"""What both platform clients share: the retry loop and its policy, the user agent, closing, header
redaction, Retry-After.

The retry policy is exponential backoff with jitter: attempt n waits ``min(cap, base × 2^(n-1))`` scaled by
a random factor in ``[1 - jitter, 1]`` (``jitter=1`` is "full jitter"). ``sleep`` and ``random`` are
injectable so tests never wait and always see the same delays.

The retry loop (:meth:`RetryingClient._send`) holds the rules both platforms follow:

* A connection that never opened proves nothing was sent: every call is sent again.
* 429 means the platform did not run the call: it is sent again after its ``Retry-After`` (or a backoff).
* After anything that may have reached the server (a dropped connection, a read timeout, any 5xx) a read is
  sent again, and so is a write that may be applied twice (``may_resend``); any other write raises
  :class:`~smapify_pipeline.platforms.errors.OutcomeUnknown` at once, and so does the last attempt of any write.
* A 401 drops the token and the call is sent once more with a new one (not counted as an attempt).

Each platform declares only what differs: its errors, how a throttle is waited out and what it makes of an
answer (which may ask for the call to be sent again, as Shopify's ``THROTTLED`` does).
"""

from __future__ import annotations

import functools
import logging
import random as _random
import ssl
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import ClassVar, Generic, Protocol, Self, TypeVar

import httpx

from smapify_pipeline.platforms.errors import PlatformError

USER_AGENT = "smapify-pipeline"

Sleep = Callable[[float], None]
Clock = Callable[[], float]


@functools.cache
def verified_tls() -> ssl.SSLContext:
    """The one certificate-verifying TLS context every platform client shares.

    httpx builds a new context, reading the whole CA bundle, for each client it makes; the pipeline makes
    clients per step, so sharing one saves that work on every step (a context is safe to share across clients
    and threads).
    """
    return httpx.create_ssl_context()


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


class TokenSource(Protocol):
    def token(self) -> str: ...

    def invalidate(self, token: str) -> bool:
        """Forget a refused token; whether a new one may be asked for."""
        ...


@dataclass(frozen=True)
class Attempt:
    """One try of a call, as the answer's reader sees it."""

    number: int
    last: bool
    may_have_applied: bool
    """Whether an earlier try may have reached the server (a resent DELETE then answering 404 is done)."""
    retry: RetryPolicy

    def back_off(self, at_least: float = 0.0) -> None:
        self.retry.wait(self.number, at_least)


class Resend:
    """What an answer's reader returns to have the call sent again (it has waited as it sees fit)."""


RESEND = Resend()

T = TypeVar("T")


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Call(Generic[T]):
    """One logical request to a platform: what the retry loop needs to send it and read its answers."""

    operation: str
    """Names the call in counters, logs and errors (``"products"``, ``"POST /transactions"``)."""
    send: Callable[[str], httpx.Response]
    """One try, with this bearer token."""
    read: Callable[[httpx.Response, Attempt], T | Resend]
    """The result of an answer that is not retried by the loop, or :data:`RESEND`; raises the platform's error."""
    writes: bool = False
    """Whether a lost answer may leave a change applied."""
    may_resend: bool = True
    """Whether a write may be applied twice without harm (same body, same end state; an idempotency key)."""
    pace: Callable[[], object] = _nothing
    """Waits for rate budget before every try."""
    hold: Callable[[float], None] | None = None
    """Stops sending for a throttle's ``Retry-After``; without it, the backoff lasts at least that long."""


class RetryingClient(Closing):
    """Base of the platform clients: counters, a token source and the one retry loop."""

    platform: ClassVar[str]
    error: ClassVar[type[PlatformError]]
    """What a call whose transport failed on every try raises."""
    logger: ClassVar[logging.Logger]
    auth: TokenSource

    def __init__(self, retry: RetryPolicy | None) -> None:
        self.retry = retry or RetryPolicy()
        self._lock = threading.Lock()
        self.calls: Counter[str] = Counter()
        """HTTP calls sent, by operation, retries included."""
        self.throttled: Counter[str] = Counter()
        """Throttled answers received (429, Shopify's ``THROTTLED``), by operation."""

    def _outcome_unknown(self, call: Call[T], cause: str) -> PlatformError:
        """The platform's :class:`~smapify_pipeline.platforms.errors.OutcomeUnknown` for a write of ``call``."""
        raise NotImplementedError

    def _count_throttled(self, operation: str) -> None:
        with self._lock:
            self.throttled[operation] += 1

    def _send(self, call: Call[T]) -> T:
        """Send ``call`` until an answer is read, following the rules in this module's docstring."""
        auth_renewed = False
        may_have_applied = False
        number = 0
        while True:
            number += 1
            attempt = Attempt(number, number >= self.retry.max_attempts, may_have_applied, self.retry)
            call.pace()
            token = self.auth.token()
            with self._lock:
                self.calls[call.operation] += 1
            try:
                response = call.send(token)
            except httpx.TransportError as error:
                cause = f"{type(error).__name__}: {error}"
                if call.writes and reached_server(error) and (not call.may_resend or attempt.last):
                    raise self._outcome_unknown(call, cause) from error
                if attempt.last:
                    raise self.error(f"{call.operation}: transport failed {number} times: {cause}") from error
                may_have_applied = may_have_applied or reached_server(error)
                self._retrying(call, cause, attempt)
                continue
            status = response.status_code
            if status == 401 and not auth_renewed and self.auth.invalidate(token):
                auth_renewed = True
                number -= 1
                continue
            if status == 429:
                self._count_throttled(call.operation)
                if not attempt.last:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if call.hold is not None and retry_after is not None:
                        call.hold(retry_after)
                    else:
                        attempt.back_off(at_least=retry_after or 0.0)
                    continue
            elif status >= 500:
                cause = f"HTTP {status}"
                if call.writes and (not call.may_resend or attempt.last):
                    raise self._outcome_unknown(call, cause)
                if not attempt.last:
                    may_have_applied = True
                    self._retrying(call, cause, attempt)
                    continue
            result = call.read(response, attempt)
            if not isinstance(result, Resend):
                return result

    def _retrying(self, call: Call[T], cause: str, attempt: Attempt) -> None:
        self.logger.info(
            "%s %s: %s, retrying (attempt %d)", self.platform, call.operation, cause, attempt.number
        )
        attempt.back_off()
