"""Smaregi app access tokens (client-credentials grant), one per contract.

``POST {id_base_url}/app/{contract_id}/token`` with ``Authorization: Basic base64(client_id:client_secret)``
and form ``grant_type=client_credentials&scope=<space-separated>`` answers
``{"access_token", "token_type": "Bearer", "expires_in": 3600, "scope"}``. There is no refresh token: the
provider keeps a token until ``refresh_margin`` seconds before it expires, and forgets it when the API answers
401 so the next call asks for a new one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import httpx

from smapify_pipeline.platforms.http import USER_AGENT, Clock, RetryPolicy, send_safely_repeatable
from smapify_pipeline.platforms.smaregi.errors import SmaregiAuthError

DEFAULT_SCOPES = (
    "pos.products:read",
    "pos.products:write",
    "pos.stores:read",
    "pos.stock:read",
    "pos.stock:write",
    "pos.stock-changes:read",
    "pos.transactions:read",
    "pos.transactions:write",
)


class SmaregiToken:
    def __init__(
        self,
        id_base_url: str,
        contract_id: str,
        client_id: str,
        client_secret: str,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        *,
        http: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.monotonic,
        refresh_margin: float = 60.0,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not (contract_id and client_id and client_secret):
            raise ValueError("contract_id, client_id and client_secret are required")
        self._url = f"{id_base_url.rstrip('/')}/app/{contract_id}/token"
        self._auth = httpx.BasicAuth(client_id, client_secret)
        self._scope = " ".join(scopes)
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
        """How many tokens were obtained (tests read it)."""

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires_at - self._margin:
                self._grant()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None

    def _grant(self) -> None:
        started = self._clock()
        try:
            response = send_safely_repeatable(
                lambda: self._http.post(
                    self._url,
                    data={"grant_type": "client_credentials", "scope": self._scope},
                    auth=self._auth,
                    headers={"Accept": "application/json"},
                ),
                self._retry,
            )
        except httpx.TransportError as error:
            raise SmaregiAuthError(
                0, "POST", self._url, None, f"token request failed: {type(error).__name__}"
            ) from None
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        if response.status_code != 200 or not payload.get("access_token"):
            raise SmaregiAuthError(
                response.status_code, "POST", self._url, payload if isinstance(payload, dict) else None
            )
        self._token = str(payload["access_token"])
        self._expires_at = started + float(payload.get("expires_in") or 3600)
        self.grants += 1

    def __repr__(self) -> str:
        return f"SmaregiToken({self._url!r}, secret=[redacted])"
