"""A fake clock whose sleep advances time instantly, and a recorder for httpx.MockTransport handlers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from smapify_pipeline.platforms.http import RetryPolicy


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def retry_policy(clock: FakeClock, max_attempts: int = 5) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=max_attempts, base=1.0, cap=8.0, jitter=1.0, sleep=clock.sleep, random=lambda: 0.5
    )


class Recorder:
    """Answers requests with a scripted handler and keeps every request it saw."""

    def __init__(self, handler: Callable[[httpx.Request, int], httpx.Response]) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request, len(self.requests))

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self, path_suffix: str = "") -> list[Any]:
        return [
            json.loads(r.content) for r in self.requests if r.url.path.endswith(path_suffix) and r.content
        ]
