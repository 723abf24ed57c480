"""``@idempotent(key:)`` as Shopify applies it from 2026-04 to inventory and refund mutations.

The same key with the same arguments answers with the first call's result (success or userErrors) without
applying anything again; the payload is re-resolved against the current state, as Shopify rebuilds replays
from the resulting objects. The same key with other arguments is ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``.
Keys are forgotten after :data:`choices.IDEMPOTENCY_KEY_TTL_SECONDS`. Calls are serialized by the state lock,
so ``IDEMPOTENCY_CONCURRENT_REQUEST`` (a duplicate arriving while the first is still running) cannot occur.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, get_directive_values

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.common import user_error
from smapify_pipeline.sandbox.shopify.state import IdempotencyRecord, ShopState

CODED_MISMATCH_PAYLOADS: dict[str, str] = {
    "inventorySetQuantities": "inventoryAdjustmentGroup",
    "inventoryAdjustQuantities": "inventoryAdjustmentGroup",
}
"""Mutations whose userErrors carry a ``code``: they report a key mismatch as a userError (others: top-level)."""


def idempotency_key(info: GraphQLResolveInfo) -> str | None:
    directive = info.schema.get_directive("idempotent")
    if directive is None:
        return None
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values)
    return values["key"] if values else None


def fingerprint(mutation: str, arguments: dict[str, Any]) -> str:
    text = json.dumps([mutation, arguments], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def run_idempotent(
    state: ShopState,
    info: GraphQLResolveInfo,
    mutation: str,
    arguments: dict[str, Any],
    apply: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """Apply a keyed mutation once per key; replay or refuse repeats. Call with the state lock held."""
    key = idempotency_key(info)
    if key is None:
        raise GraphQLError(
            choices.MISSING_IDEMPOTENCY_MESSAGE,
            nodes=info.field_nodes,
            extensions={"code": choices.MISSING_IDEMPOTENCY_CODE},
        )
    now = state.now()
    ttl = timedelta(seconds=choices.IDEMPOTENCY_KEY_TTL_SECONDS)
    for stale in [k for k, r in state.idempotency.items() if now - r.created_at >= ttl]:
        del state.idempotency[stale]
    print_ = fingerprint(mutation, arguments)
    record = state.idempotency.get(key)
    if record is not None:
        if record.fingerprint == print_:
            return record.result  # type: ignore[no-any-return]
        if mutation in CODED_MISMATCH_PAYLOADS:
            return {
                CODED_MISMATCH_PAYLOADS[mutation]: None,
                "userErrors": [
                    user_error(None, choices.KEY_MISMATCH_MESSAGE, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")
                ],
            }
        raise GraphQLError(
            choices.KEY_MISMATCH_MESSAGE,
            nodes=info.field_nodes,
            extensions={"code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"},
        )
    result = apply()
    state.idempotency[key] = IdempotencyRecord(key=key, fingerprint=print_, created_at=now, result=result)
    return result
