"""Access tokens for the Shopify Admin API: a fixed token, or the client-credentials grant.

Client-credentials tokens (``POST {shop}/admin/oauth/access_token``, form ``grant_type=client_credentials``,
``client_id``, ``client_secret``) last about a day (``expires_in``); renewal is :mod:`..tokens`.
"""

from __future__ import annotations

import time
from typing import Protocol

import httpx

from smapify_pipeline.platforms.http import Clock, RetryPolicy, body_excerpt
from smapify_pipeline.platforms.shopify.errors import AuthError
from smapify_pipeline.platforms.tokens import RenewedToken


class TokenProvider(Protocol):
    def token(self) -> str:
        """A token to send now."""
        ...

    def invalidate(self, token: str) -> bool:
        """The API refused ``token``; return True if a different token can be tried."""
        ...


class StaticToken:
    """An admin-created app's permanent token: nothing to renew, so a 401 is final."""

    def __init__(self, access_token: str) -> None:
        if not access_token:
            raise ValueError("a Shopify access token is required")
        self._token = access_token

    def token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> bool:
        return False

    def __repr__(self) -> str:
        return "StaticToken([redacted])"


class ClientCredentialsToken(RenewedToken):
    """Tokens from the client-credentials grant, renewed before they expire and after a 401."""

    def __init__(
        self,
        shop_url: str,
        client_id: str,
        client_secret: str,
        *,
        http: httpx.Client,
        clock: Clock = time.monotonic,
        refresh_margin: float = 300.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret are required for the client-credentials grant")
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        url = f"{shop_url.rstrip('/')}/admin/oauth/access_token"
        super().__init__(url, form, http=http, clock=clock, refresh_margin=refresh_margin, retry=retry)
        self._client_id = client_id

    def _unreachable(self, cause: str) -> Exception:
        return AuthError(f"token request to {self._url} failed: {cause}")

    def _granted(self, response: httpx.Response) -> tuple[str, float | None]:
        if response.status_code != 200:
            raise AuthError(
                f"token request refused with HTTP {response.status_code}: {body_excerpt(response)}"
            )
        payload = response.json()
        token = payload.get("access_token")
        if not token:
            raise AuthError("token answer carries no access_token")
        expires_in = payload.get("expires_in")
        return str(token), float(expires_in) if expires_in is not None else None

    def __repr__(self) -> str:
        return f"ClientCredentialsToken({self._url!r}, client_id={self._client_id!r}, secret=[redacted])"
