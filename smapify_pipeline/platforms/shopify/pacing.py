"""Cost-aware pacing for the GraphQL Admin API: wait for budget instead of being throttled.

Every answer carries ``extensions.cost.throttleStatus {maximumAvailable, currentlyAvailable, restoreRate}``.
The pacer keeps the last one with the time it was seen, and before a query of estimated cost ``c`` projects
the bucket forward: ``available(t) = min(maximum, currentlyAvailable + restoreRate × (t - seen))``. If that is
below ``c`` it sleeps exactly ``(c - available) / restoreRate`` — no safety factor, so a steady stream of
queries uses the whole restore rate. The cost it sends with is debited locally at once, so concurrent
callers sharing one pacer do not all spend the same points; the next answer replaces the local guess with
Shopify's own figure.

Before the first answer nothing is known and nothing is waited for. A ``THROTTLED`` answer still carries the
bucket state and the query's requested cost, so the retry waits for just enough points.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.platforms.http import Clock, Sleep


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    @classmethod
    def from_cost(cls, cost: Mapping[str, Any] | None) -> ThrottleStatus | None:
        status = (cost or {}).get("throttleStatus")
        if not status:
            return None
        try:
            return cls(
                maximum_available=float(status["maximumAvailable"]),
                currently_available=float(status["currentlyAvailable"]),
                restore_rate=float(status["restoreRate"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


EPSILON = 1e-6
"""Points of slack in the comparison, so float rounding never turns a finished wait into an endless one."""


class CostPacer:
    """One pacer per (app, shop) bucket; share it between every client talking to that shop."""

    def __init__(self, clock: Clock = time.monotonic, sleep: Sleep = time.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._status: ThrottleStatus | None = None
        self._available = 0.0
        self._seen_at = 0.0
        self.waited_seconds = 0.0
        """Total time spent waiting for budget (benchmarks report it)."""

    @property
    def status(self) -> ThrottleStatus | None:
        return self._status

    def projected_available(self, at: float | None = None) -> float | None:
        """Points expected in the bucket at clock time ``at`` (now by default); None before any answer."""
        with self._lock:
            return self._projected(self._clock() if at is None else at)

    def _projected(self, at: float) -> float | None:
        status = self._status
        if status is None:
            return None
        return min(
            status.maximum_available, self._available + status.restore_rate * max(0.0, at - self._seen_at)
        )

    def delay_for(self, cost: float) -> float:
        """Seconds to wait before a query of ``cost`` fits the projected bucket (0 if it fits now)."""
        with self._lock:
            return self._delay(cost, self._clock())

    def _delay(self, cost: float, now: float) -> float:
        status = self._status
        available = self._projected(now)
        if status is None or available is None or available >= cost - EPSILON:
            return 0.0
        if status.restore_rate <= 0:
            return 0.0
        cost = min(cost, status.maximum_available)
        return (cost - available) / status.restore_rate

    def acquire(self, cost: float) -> float:
        """Wait until ``cost`` points are projected to be available, debit them locally; return the wait."""
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                delay = self._delay(cost, now)
                if delay <= 0:
                    available = self._projected(now)
                    if available is not None:
                        self._available = available - cost
                        self._seen_at = now
                    return waited
            self._sleep(delay)
            waited += delay
            with self._lock:
                self.waited_seconds += delay

    def observe(self, cost: Mapping[str, Any] | None) -> None:
        """Take the bucket state from an answer's ``extensions.cost``."""
        status = ThrottleStatus.from_cost(cost)
        if status is None:
            return
        with self._lock:
            self._status = status
            self._available = status.currently_available
            self._seen_at = self._clock()
