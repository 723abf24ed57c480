"""Keys for ``@idempotent(key:)``: one per (ledger key, attempt number), the same on every resend
(docs/architecture.md, "Ledger and exactly-once").

Shopify's guide recommends a UUID; a UUID5 of the ledger key and attempt is one, is deterministic (so a
resend after a crash uses the same key without storing it), and stays short whatever the ledger key's length.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "smapify-pipeline/shopify-idempotency")
"""Never change it: keys of ledger entries still pending would change with it."""


def idempotency_key(ledger_key: str, attempt: int = 1) -> str:
    """The ``@idempotent`` key of attempt ``attempt`` (1-based) of the ledger entry ``ledger_key``."""
    if attempt < 1:
        raise ValueError("attempt numbers start at 1")
    return str(uuid.uuid5(NAMESPACE, f"{ledger_key}#{attempt}"))
