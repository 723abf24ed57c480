"""The API calls one extract made and the seconds it spent reading, for its materialization metadata."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient


class ApiUsage:
    def __init__(self, client: ShopifyClient | SmaregiClient) -> None:
        self._client = client
        self._calls_before = sum(client.calls.values())
        self.read_seconds = 0.0

    @contextmanager
    def reading(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.read_seconds += time.perf_counter() - started

    def timed(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """``records`` as they come, the time spent waiting for each counted as reading."""
        with self.reading():
            iterator = iter(records)
        while True:
            with self.reading():
                record = next(iterator, None)
            if record is None:
                return
            yield record

    @property
    def calls(self) -> int:
        return sum(self._client.calls.values()) - self._calls_before

    def metadata(self) -> dict[str, object]:
        return {"api_calls": self.calls, "api_read_seconds": round(self.read_seconds, 3)}
