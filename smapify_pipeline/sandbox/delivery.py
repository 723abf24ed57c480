"""Webhook delivery shared by both sandboxes: a queue, a worker thread, retries, duplicates, reordering.

A platform module composes the body and headers (Shopify signs them, Smaregi adds its event headers) and
calls :meth:`WebhookDelivery.send`; delivery happens on a background thread over real HTTP, so a sandbox
request that triggers a webhook never waits for the receiver.

Behaviour, and where it comes from:

* One attempt = one POST with a 1 s connect / 5 s total timeout (Shopify: "1 second to connect, 5 seconds
  total"). Any 2xx is success; anything else — other statuses, redirects (not followed), timeouts, refused
  connections — is a failure. Proxy settings from the environment are ignored: receivers are local.
* Failures are retried with exponential backoff measured in *simulated* seconds (the shared
  :class:`SandboxClock`), with the same body and headers every time. Shopify retries "a total of 8 times over
  4 hours using an exponential backoff schedule" (shopify.dev changelog "Updates to webhook retry mechanism",
  2024-09-10) but does not publish the intervals; the defaults here (8 attempts, first retry after 5 s, ×3.6
  each time: 5 s, 18 s, 65 s, 233 s, 840 s, 3024 s, 10886 s ≈ 4.2 h in total) are a chosen fit to that
  sentence. Smaregi documents no retry at all, so its sandbox uses ``max_attempts=1``.
* Duplicates (``set_duplicates``): with the given probability a delivery is queued twice, byte-identical —
  same ``X-Shopify-Webhook-Id`` — which is how a platform's at-least-once delivery looks to a receiver.
* Reordering (``set_reorder``): each delivery is held back a random 0–``reorder_window`` simulated seconds and
  the worker picks at random among deliveries that are due, so deliveries queued close together arrive out of
  order.

Every attempt is logged in :attr:`WebhookDelivery.attempts` for tests to assert on.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from smapify_pipeline.sandbox.clock import SandboxClock

ATTEMPT_TIMEOUT_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 1.0
DEFAULT_BACKOFF_FACTOR = 3.6
DEFAULT_REORDER_WINDOW_SECONDS = 2.0
_MAX_IDLE_WAIT = 0.05
"""Longest real wait between checks of the clock while a retry is scheduled: ``clock.advance()`` does not
notify anyone, so the worker looks again this often."""


@dataclass(frozen=True)
class DeliveryAttempt:
    """One POST of one delivery, as the receiver saw it (or failed to)."""

    delivery_number: int
    attempt: int
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None
    error: str | None
    at: datetime
    """Simulated time the attempt was made."""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _Job:
    number: int
    url: str
    body: bytes
    headers: dict[str, str]
    due: float
    attempts_made: int = 0
    seq: int = 0


@dataclass(frozen=True)
class FailedDelivery:
    """A delivery that used up every attempt."""

    delivery_number: int
    url: str
    headers: dict[str, str]
    body: bytes
    attempts: int


@dataclass
class _Randomness:
    duplicate_rate: float = 0.0
    duplicate_rng: random.Random = field(default_factory=lambda: random.Random(0))
    reorder: bool = False
    reorder_rng: random.Random = field(default_factory=lambda: random.Random(0))


class WebhookDelivery:
    """Queues webhook POSTs and delivers them from background threads (one by default), retrying failures.

    With one worker, deliveries that are due go out in the order they were sent (unless reordering is on);
    more workers deliver in parallel, as Shopify does, so a slow receiver does not hold up the others."""

    def __init__(
        self,
        clock: SandboxClock,
        max_attempts: int = 8,
        first_retry_seconds: float = 5.0,
        backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
        reorder_window_seconds: float = DEFAULT_REORDER_WINDOW_SECONDS,
        on_give_up: Callable[[FailedDelivery], None] | None = None,
        attempt_timeout: float = ATTEMPT_TIMEOUT_SECONDS,
        workers: int = 1,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.clock = clock
        self.max_attempts = max_attempts
        self.first_retry_seconds = first_retry_seconds
        self.backoff_factor = backoff_factor
        self.reorder_window_seconds = reorder_window_seconds
        self.on_give_up = on_give_up
        self.attempts: list[DeliveryAttempt] = []
        self.failed: list[FailedDelivery] = []
        self._random = _Randomness()
        self._jobs: list[_Job] = []
        self._in_flight = 0
        self._next_number = 0
        self._next_seq = 0
        self._closed = False
        self._condition = threading.Condition()
        timeout = httpx.Timeout(attempt_timeout, connect=min(CONNECT_TIMEOUT_SECONDS, attempt_timeout))
        self._client = httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False)
        self._workers = [
            threading.Thread(target=self._run, name=f"webhook-delivery-{n}", daemon=True)
            for n in range(workers)
        ]
        for worker in self._workers:
            worker.start()

    @property
    def duplicate_rate(self) -> float:
        return self._random.duplicate_rate

    def set_duplicates(self, probability: float, seed: int = 0) -> None:
        """Queue each later delivery twice with this probability (seeded, so runs repeat)."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"duplicate probability must be in [0, 1], got {probability!r}")
        with self._condition:
            self._random.duplicate_rate = probability
            self._random.duplicate_rng = random.Random(seed)

    def set_reorder(self, enabled: bool, seed: int = 0) -> None:
        """Deliver later deliveries in a seeded random order instead of the order they were sent."""
        with self._condition:
            self._random.reorder = enabled
            self._random.reorder_rng = random.Random(seed)

    def send(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """Queue one delivery and return at once."""
        with self._condition:
            if self._closed:
                raise RuntimeError("webhook delivery is closed")
            number = self._next_number
            self._next_number += 1
            copies = 1
            if (
                self._random.duplicate_rate
                and self._random.duplicate_rng.random() < self._random.duplicate_rate
            ):
                copies = 2
            now = self.clock.monotonic()
            for _ in range(copies):
                hold = 0.0
                if self._random.reorder:
                    hold = self._random.reorder_rng.uniform(0.0, self.reorder_window_seconds)
                self._push(_Job(number=number, url=url, body=body, headers=dict(headers), due=now + hold))
            self._condition.notify_all()

    @property
    def pending(self) -> int:
        """Deliveries queued (including those waiting for a retry) or being attempted right now."""
        with self._condition:
            return len(self._jobs) + self._in_flight

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait (real seconds) until nothing is queued or in flight; False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        with self._condition:
            while self._jobs or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(min(remaining, _MAX_IDLE_WAIT))
            return True

    def close(self) -> None:
        """Stop the worker (queued deliveries are dropped) and close the HTTP client."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()
        for worker in self._workers:
            worker.join(10)
        self._client.close()

    def retry_delay(self, attempts_made: int) -> float:
        """Simulated seconds to wait after the ``attempts_made``-th failed attempt."""
        return self.first_retry_seconds * self.backoff_factor ** (attempts_made - 1)

    def _push(self, job: _Job) -> None:
        job.seq = self._next_seq
        self._next_seq += 1
        self._jobs.append(job)

    def _take_due(self) -> _Job | None:
        """Under the lock: remove and return a job that is due, or None after waiting a little."""
        if not self._jobs:
            self._condition.wait()
            return None
        now = self.clock.monotonic()
        due = [job for job in self._jobs if job.due <= now]
        if not due:
            earliest = min(job.due for job in self._jobs)
            self._condition.wait(min(self.clock.real_seconds(earliest - now), _MAX_IDLE_WAIT))
            return None
        if self._random.reorder:
            job = self._random.reorder_rng.choice(due)
        else:
            job = min(due, key=lambda j: (j.due, j.seq))
        self._jobs.remove(job)
        self._in_flight += 1
        return job

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._closed:
                    return
                job = self._take_due()
            if job is None:
                continue
            self._attempt(job)

    def _attempt(self, job: _Job) -> None:
        status: int | None = None
        error: str | None = None
        try:
            response = self._client.post(job.url, content=job.body, headers=job.headers)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        job.attempts_made += 1
        attempt = DeliveryAttempt(
            delivery_number=job.number,
            attempt=job.attempts_made,
            url=job.url,
            headers=job.headers,
            body=job.body,
            status=status,
            error=error,
            at=self.clock.now(),
        )
        gave_up: FailedDelivery | None = None
        with self._condition:
            self.attempts.append(attempt)
            if not attempt.ok:
                if job.attempts_made < self.max_attempts and not self._closed:
                    job.due = self.clock.monotonic() + self.retry_delay(job.attempts_made)
                    self._push(job)
                else:
                    gave_up = FailedDelivery(job.number, job.url, job.headers, job.body, job.attempts_made)
                    self.failed.append(gave_up)
        if gave_up is not None and self.on_give_up is not None:
            self.on_give_up(gave_up)
        with self._condition:
            self._in_flight -= 1
            self._condition.notify_all()
