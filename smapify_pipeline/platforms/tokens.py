"""Bearer tokens from a client-credentials grant, shared by both platforms' clients.

A grant is one form POST to the platform's token URL, sent through the client's own HTTP connection pool and
retried like any safely repeatable request. A token is kept until ``refresh_margin`` seconds before it expires
and dropped when the API answers 401, so the next call asks for a new one. Each platform supplies only how an
answer is read (:meth:`_granted`) and which error a failed grant raises. Tokens and secrets never appear in
errors or logs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

import httpx

from smapify_pipeline.platforms.http import Clock, RetryPolicy, send_safely_repeatable


class RenewedToken:
    """Thread-safe token cache around a platform's grant request."""

    def __init__(
        self,
        url: str,
        form: Mapping[str, str],
        *,
        http: httpx.Client,
        refresh_margin: float,
        auth: httpx.Auth | None = None,
        clock: Clock = time.monotonic,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._url = url
        self._form = dict(form)
        self._auth = auth
        self._http = http
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
        try:
            response = send_safely_repeatable(
                lambda: self._http.post(
                    self._url,
                    data=self._form,
                    auth=self._auth or httpx.USE_CLIENT_DEFAULT,
                    headers={"Accept": "application/json"},
                ),
                self._retry,
            )
        except httpx.TransportError as error:
            raise self._unreachable(type(error).__name__) from None
        return self._granted(response)

    def _unreachable(self, cause: str) -> Exception:
        """The platform's error for a grant request that never got an answer."""
        raise NotImplementedError

    def _granted(self, response: httpx.Response) -> tuple[str, float | None]:
        """The token and its lifetime from the grant's answer, or the platform's error."""
        raise NotImplementedError
