"""Smaregi app access tokens (client-credentials grant), one per contract.

``POST {id_base_url}/app/{contract_id}/token`` with ``Authorization: Basic base64(client_id:client_secret)``
and form ``grant_type=client_credentials&scope=<space-separated>`` answers
``{"access_token", "token_type": "Bearer", "expires_in": 3600, "scope"}``. There is no refresh token; renewal
is :mod:`..tokens`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import httpx

from smapify_pipeline.platforms.http import Clock, RetryPolicy
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
        http: httpx.Client,
        clock: Clock = time.monotonic,
        refresh_margin: float = 60.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not (contract_id and client_id and client_secret):
            raise ValueError("contract_id, client_id and client_secret are required")
        super().__init__(
            f"{id_base_url.rstrip('/')}/app/{contract_id}/token",
            {"grant_type": "client_credentials", "scope": " ".join(scopes)},
            auth=httpx.BasicAuth(client_id, client_secret),
            http=http,
            clock=clock,
            refresh_margin=refresh_margin,
            retry=retry,
        )

    def _unreachable(self, cause: str) -> Exception:
        return SmaregiAuthError(0, "POST", self._url, None, f"token request failed: {cause}")

    def _granted(self, response: httpx.Response) -> tuple[str, float | None]:
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
