"""Smaregi app access tokens (client-credentials grant), one per contract.

``POST {id_base_url}/app/{contract_id}/token`` with ``Authorization: Basic base64(client_id:client_secret)``
and form ``grant_type=client_credentials&scope=<space-separated>`` answers
``{"access_token", "token_type": "Bearer", "expires_in": 3600, "scope"}``. There is no refresh token: the
provider keeps a token until ``refresh_margin`` seconds before it expires, and forgets it when the API answers
401 so the next call asks for a new one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import httpx

from smapify_pipeline.platforms.http import Clock, RetryPolicy, send_safely_repeatable
from smapify_pipeline.platforms.smaregi.errors import SmaregiAuthError
from smapify_pipeline.platforms.tokens import RenewedToken

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


class SmaregiToken(RenewedToken):
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
        super().__init__(
            http=http,
            transport=transport,
            clock=clock,
            refresh_margin=refresh_margin,
            timeout=timeout,
            retry=retry,
        )
        self._url = f"{id_base_url.rstrip('/')}/app/{contract_id}/token"
        self._auth = httpx.BasicAuth(client_id, client_secret)
        self._scope = " ".join(scopes)

    def _request(self) -> tuple[str, float | None]:
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
        return str(payload["access_token"]), float(payload.get("expires_in") or 3600)

    def __repr__(self) -> str:
        return f"SmaregiToken({self._url!r}, secret=[redacted])"
