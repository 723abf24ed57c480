"""Bearer tokens from a client-credentials grant, shared by both platforms' clients.

A token is kept until ``refresh_margin`` seconds before it expires and dropped when the API answers 401, so
the next call asks for a new one. Each platform supplies only how a grant is requested (:meth:`_request`).
"""

from __future__ import annotations

import threading

import httpx

from smapify_pipeline.platforms.http import USER_AGENT, Clock, RetryPolicy


class RenewedToken:
    """Thread-safe token cache around a platform's grant request."""

    def __init__(
        self,
        *,
        http: httpx.Client | None,
        transport: httpx.BaseTransport | None,
        clock: Clock,
        refresh_margin: float,
        timeout: float,
        retry: RetryPolicy | None,
    ) -> None:
        self._http = http or httpx.Client(
            transport=transport, timeout=timeout, headers={"User-Agent": USER_AGENT}
        )
        self._clock = clock
        self._margin = refresh_margin
        self._retry = retry or RetryPolicy()
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.grants = 0
        """How many tokens were obtained (tests and benchmarks read it)."""

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                started = self._clock()
                token, expires_in = self._request()
                self._token = token
                self._expires_at = started + expires_in if expires_in is not None else float("inf")
                self.grants += 1
            return self._token

    def invalidate(self, token: str) -> bool:
        """Forget ``token`` after the API refused it; a new grant can always be tried."""
        with self._lock:
            if self._token == token:
                self._token = None
        return True

    def _request(self) -> tuple[str, float | None]:
        """Ask the platform for a token: (token, seconds it lasts, or None when it does not expire)."""
        raise NotImplementedError
