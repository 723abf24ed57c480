"""Client-side rate budgets for one Smaregi contract: one for reads (GET), one for writes.

Smaregi limits calls per second per (app, contract), reads and writes separately; over the limit it answers
429, with ``Retry-After``. Each budget is a token bucket refilled at ``rate`` per second holding at most
``burst`` tokens; a call takes one token, waiting exactly as long as needed (no safety factor, so a busy client
runs at the full rate). A 429's ``Retry-After`` pauses the whole budget, not just the call that got it.

The rates come from the one table in ``platforms/rate_limits.py``. ``burst=1`` spaces calls evenly, which any
server-side window accepts.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from smapify_pipeline.platforms.http import Clock, Sleep


class RateBudget:
    """A token bucket: ``acquire()`` blocks until a call may be sent."""

    def __init__(
        self, rate: float, burst: float = 1.0, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = burst
        self._updated = clock()
        self._paused_until = 0.0
        self.waited_seconds = 0.0

    def acquire(self) -> float:
        """Take one call's worth of budget, sleeping as needed; return the time waited."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            start = max(now, self._paused_until)
            # Reserve the token now (the count may go negative) so concurrent callers queue in order.
            tokens_at_start = min(self.burst, self._tokens + max(0.0, start - self._updated) * self.rate)
            delay = (start - now) + max(0.0, (1.0 - tokens_at_start) / self.rate)
            self._tokens -= 1.0
            self.waited_seconds += delay
        if delay > 0:
            self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (a 429's ``Retry-After``): one call may go when the pause ends, then the
        bucket refills from there."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            self._paused_until = max(self._paused_until, now + seconds)
            self._tokens = min(self._tokens + 1.0, 1.0)
            self._updated = self._paused_until

    def _refill(self, now: float) -> None:
        if now > self._updated:
            self._tokens = min(self.burst, self._tokens + (now - self._updated) * self.rate)
            self._updated = now


@dataclass
class ContractBudgets:
    """The read and write budgets of one contract."""

    read: RateBudget
    write: RateBudget

    @classmethod
    def create(
        cls,
        reads_per_second: float,
        writes_per_second: float,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> ContractBudgets:
        return cls(
            read=RateBudget(reads_per_second, clock=clock, sleep=sleep),
            write=RateBudget(writes_per_second, clock=clock, sleep=sleep),
        )

    def for_method(self, method: str) -> RateBudget:
        return self.read if method.upper() in {"GET", "HEAD"} else self.write
