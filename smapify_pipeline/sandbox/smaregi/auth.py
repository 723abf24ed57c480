"""The token endpoint (client credentials) and the bearer/scope check of API calls."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Any
from urllib.parse import parse_qsl

from smapify_pipeline.sandbox.smaregi import choices
from smapify_pipeline.sandbox.smaregi.errors import (
    access_denied,
    bad_request,
    insufficient_scope,
    invalid_client,
    invalid_scope,
    unsupported_grant_type,
)
from smapify_pipeline.sandbox.smaregi.state import SmaregiState


def issue_token(
    state: SmaregiState, contract_id: str, authorization: str | None, body: bytes
) -> dict[str, Any]:
    """``POST /app/{contract_id}/token`` with Basic client auth and a form body."""
    if contract_id != state.contract_id or not _client_ok(state, authorization):
        raise invalid_client()
    try:
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError as exc:
        raise bad_request("リクエストボディが不正です") from exc
    if form.get("grant_type") != "client_credentials":
        raise unsupported_grant_type()
    requested = form.get("scope", "").split()
    if not requested and choices.OMITTED_SCOPE_GRANTS_ALL:
        scopes = state.enabled_scopes
    else:
        unknown = [s for s in requested if s not in state.enabled_scopes]
        if unknown or not requested:
            raise invalid_scope(" ".join(unknown))
        scopes = frozenset(requested)
    token = state.issue_token(frozenset(scopes))
    return {
        "scope": " ".join(sorted(token.scopes)),
        "token_type": "Bearer",
        "expires_in": choices.TOKEN_LIFETIME_SECONDS,
        "access_token": token.value,
    }


def _client_ok(state: SmaregiState, authorization: str | None) -> bool:
    if not authorization or not authorization.startswith("Basic "):
        return False
    try:
        decoded = base64.b64decode(authorization[len("Basic ") :].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    client_id, _, secret = decoded.partition(":")
    return hmac.compare_digest(client_id, state.client_id) and hmac.compare_digest(
        secret, state.client_secret
    )


def authorize(state: SmaregiState, contract_id: str, authorization: str | None, scope: str) -> None:
    """Raise the OAuth problem for a missing/expired/foreign token (401) or a missing scope (403)."""
    if not authorization or not authorization.startswith("Bearer "):
        raise access_denied()
    token = state.valid_token(authorization[len("Bearer ") :].strip())
    if token is None or contract_id != state.contract_id:
        raise access_denied()
    if scope not in token.scopes:
        raise insufficient_scope(choices.INSUFFICIENT_SCOPE_STATUS, scope)
