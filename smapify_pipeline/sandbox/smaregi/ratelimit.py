"""Per-contract token buckets, one for reads and one for writes, on the sandbox clock."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.smaregi import choices


@dataclass
class _Bucket:
    rate: float
    tokens: float
    updated: float


class RateLimiter:
    """``take(contract, is_write)`` returns ``None`` when allowed, else seconds to wait (Retry-After)."""

    def __init__(
        self,
        clock: SandboxClock,
        reads_per_second: float = choices.READ_REQUESTS_PER_SECOND,
        writes_per_second: float = choices.WRITE_REQUESTS_PER_SECOND,
    ) -> None:
        self._clock = clock
        self.reads_per_second = reads_per_second
        self.writes_per_second = writes_per_second
        self._buckets: dict[tuple[str, bool], _Bucket] = {}
        self._lock = threading.Lock()
        self.enabled = True

    def configure(self, reads_per_second: float, writes_per_second: float) -> None:
        with self._lock:
            self.reads_per_second = reads_per_second
            self.writes_per_second = writes_per_second
            self._buckets.clear()

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def take(self, contract_id: str, is_write: bool) -> int | None:
        if not self.enabled:
            return None
        now = self._clock.monotonic()
        rate = self.writes_per_second if is_write else self.reads_per_second
        with self._lock:
            bucket = self._buckets.get((contract_id, is_write))
            if bucket is None:
                bucket = self._buckets[(contract_id, is_write)] = _Bucket(rate, rate, now)
            bucket.tokens = min(bucket.rate, bucket.tokens + (now - bucket.updated) * bucket.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return None
            return max(1, math.ceil((1.0 - bucket.tokens) / bucket.rate))
