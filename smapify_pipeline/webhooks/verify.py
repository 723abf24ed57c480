"""Authenticity checks, both in constant time.

Shopify (shopify.dev "Verify webhook deliveries"): ``X-Shopify-Hmac-Sha256`` is base64 of HMAC-SHA256 over the
raw request body keyed with the app's client secret. Smaregi signs nothing: the app configures a custom header
carrying a shared secret, and ``Smaregi-Contract-Id`` must name our contract.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def shopify_signature(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def shopify_signature_valid(body: bytes, secret: str, header_value: str | None) -> bool:
    """Whether ``header_value`` is the signature of the exact bytes received."""
    if not header_value or not secret:
        return False
    return hmac.compare_digest(shopify_signature(body, secret).encode(), header_value.strip().encode())


def smaregi_delivery_valid(
    secret: str, given_secret: str | None, contract_id: str, given_contract_id: str | None
) -> bool:
    """The shared-secret header matches and the delivery is for our contract."""
    if not secret or given_secret is None or given_contract_id is None:
        return False
    secret_ok = hmac.compare_digest(secret.encode("utf-8"), given_secret.encode("utf-8"))
    contract_ok = hmac.compare_digest(contract_id.encode("utf-8"), given_contract_id.strip().encode("utf-8"))
    return secret_ok and contract_ok
