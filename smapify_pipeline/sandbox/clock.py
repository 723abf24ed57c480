"""A clock both sandboxes share, with a time scale.

With ``scale=60`` one real second is one simulated minute: rate-limit buckets refill 60× faster, bulk
operations finish 60× sooner and token lifetimes run out 60× faster, so behaviour that takes minutes on the
real platforms is exercised in seconds. ``advance()`` moves simulated time forward without waiting at all,
which is what tests use to expire a token or refill a bucket deterministically.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class SandboxClock:
    """Simulated time = start + (real elapsed × scale) + manual offset."""

    def __init__(self, scale: float = 1.0, start: datetime | None = None) -> None:
        if scale <= 0:
            raise ValueError(f"time scale must be positive, got {scale!r}")
        self.scale = scale
        self._start_wall = start or datetime.now(UTC)
        self._start_mono = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        """Simulated seconds since the clock started (never goes backwards)."""
        with self._lock:
            return (time.monotonic() - self._start_mono) * self.scale + self._offset

    def now(self) -> datetime:
        """Simulated wall-clock time, timezone-aware (UTC)."""
        return self._start_wall + timedelta(seconds=self.monotonic())

    def advance(self, seconds: float) -> None:
        """Jump simulated time forward (tests: expire tokens, refill buckets, finish bulk jobs)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds

    def real_seconds(self, simulated_seconds: float) -> float:
        """How long a simulated duration takes in real time."""
        return simulated_seconds / self.scale
