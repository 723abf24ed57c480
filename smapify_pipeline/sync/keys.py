"""Idempotency keys of the ledger (docs/architecture.md, "Ledger and exactly-once"): deterministic from the source event, so a re-run plans the same
key and the ledger refuses to apply it twice.

Shopify numeric ids (not GIDs) keep keys short. The Shopify ``@idempotent(key:)`` value is derived from a ledger
key and an attempt number: an unknown outcome is retried with the same attempt (same key, same variables); only
an answer proving nothing was applied moves to the next attempt (docs/architecture.md, "Ledger and exactly-once").
"""

from __future__ import annotations

import hashlib
import uuid

from smapify_pipeline.sync import choices
from smapify_pipeline.sync.gids import numeric_id

_NAMESPACE = uuid.UUID(choices.IDEMPOTENCY_NAMESPACE)


# --- documents from Smaregi ---------------------------------------------------------------------------------


def sale_order_key(contract_id: str, transaction_head_id: str) -> str:
    """POS sale → Shopify orderCreate."""
    return f"smaregi:{contract_id}:txn:{transaction_head_id}:order"


def sale_stock_key(contract_id: str, transaction_head_id: str) -> str:
    """The −quantity inventoryAdjustQuantities that follows that order."""
    return f"smaregi:{contract_id}:txn:{transaction_head_id}:stock"


def return_restock_key(contract_id: str, transaction_head_id: str) -> str:
    """+quantity on Shopify for a Smaregi return that is linked to no mirrored sale (only its stock mirrors)."""
    return f"smaregi:{contract_id}:txn:{transaction_head_id}:restock"


def smaregi_refund_key(contract_id: str, transaction_head_id: str, event: str) -> str:
    """Smaregi return / reversal record / void → Shopify refundCreate.

    For a return or a reversal ``transaction_head_id`` is the new (return / negative) record; for a void it is
    the cancelled sale itself, which is why the event is part of the key.
    """
    if event not in ("return", "reversal", "void"):
        raise ValueError(f"unknown Smaregi refund event {event!r}")
    return f"smaregi:{contract_id}:txn:{transaction_head_id}:{event}"


def undo_restock_key(contract_id: str, transaction_head_id: str, event: str) -> str:
    """+quantity on Shopify for the units a Smaregi void or reversal put back beyond what its refund restocks
    (the sale was partly returned before: Smaregi puts every unit of the sale back again)."""
    return f"{smaregi_refund_key(contract_id, transaction_head_id, event)}:restock"


# --- documents from Shopify ---------------------------------------------------------------------------------


def order_transaction_key(order_id: str) -> str:
    """Online order → Smaregi POST /transactions."""
    return f"shopify:order:{numeric_id(order_id)}:txn"


def order_stock_key(order_id: str) -> str:
    """Smaregi stock adds that move an online order's stock effect to the paired store of its location."""
    return f"shopify:order:{numeric_id(order_id)}:stock"


def order_dispose_key(order_id: str) -> str:
    """Cancellation of an online order already on Smaregi → 打消 (dispose) of its mirrored sale; one per order."""
    return f"shopify:order:{numeric_id(order_id)}:dispose"


def order_dispose_stock_key(order_id: str) -> str:
    """Smaregi stock adds that move the reversal's restock to where Shopify's cancellation left the units."""
    return f"shopify:order:{numeric_id(order_id)}:dispose:stock"


def refund_transaction_key(refund_id: str) -> str:
    """Shopify refund → Smaregi return transaction."""
    return f"shopify:refund:{numeric_id(refund_id)}:txn"


def refund_stock_key(refund_id: str) -> str:
    """Compensating Smaregi stock adds of that return (NO_RESTOCK lines, other locations)."""
    return f"shopify:refund:{numeric_id(refund_id)}:stock"


def stock_add_key(document_key: str, product_id: str, store_id: str) -> str:
    """One ``POST /stock/{id}/add`` of a document's compensation (one call per product and store)."""
    return f"{document_key}:{product_id}@{store_id}"


# --- products and stock -------------------------------------------------------------------------------------


def product_create_key(source: str, source_id: str) -> str:
    """Create on the other side of a product first seen on ``source`` ("shopify" variant id / "smaregi" id)."""
    _check_side(source)
    return f"{source}:product:{_short(source_id)}:create"


def product_update_key(target: str, target_id: str, changes: dict[str, object], generation: int = 0) -> str:
    """Copy of mapped fields to ``target``; the changed values are part of the key, so the same change is
    never applied twice, and so is ``generation`` — how many updates of this product were applied before
    (:func:`product_update_prefix`) — so a value that comes back (A → B → A → B) is a new key each time."""
    _check_side(target)
    digest = hashlib.sha256(repr(sorted(changes.items())).encode()).hexdigest()[:16]
    return f"{product_update_prefix(target, target_id)}{generation}:{digest}"


def product_update_prefix(target: str, target_id: str) -> str:
    """What every update key of one product on ``target`` starts with."""
    _check_side(target)
    return f"{target}:product:{_short(target_id)}:update:"


def product_delete_key(target: str, target_id: str, policy: str) -> str:
    """Archive / delete on ``target`` of a product deleted on the other side."""
    _check_side(target)
    return f"{target}:product:{_short(target_id)}:{policy}"


def stock_push_key(
    secondary: str, store_id: str, location_id: str, product_id: str, primary_count: int, observed: int | None
) -> str:
    """Stock push to ``secondary`` for one linked product at one location pair and the counts it saw.

    The same observation plans the same key (a re-run after a lost answer retries, not re-adds); a new
    observation is a new key.
    """
    _check_side(secondary)
    seen = "none" if observed is None else str(observed)
    return f"stock:{secondary}:{store_id}@{numeric_id(location_id)}:{product_id}:p{primary_count}:s{seen}"


# --- Shopify @idempotent ------------------------------------------------------------------------------------


def shopify_idempotency_key(ledger_key: str, attempt: int) -> str:
    """``@idempotent(key:)`` for attempt ``attempt`` (1, 2, …) of a ledger key: a name-based UUID (uuid5).

    Deterministic, so a process that dies after sending can resend the very same key.
    """
    if attempt < 1:
        raise ValueError("attempts count from 1")
    return str(uuid.uuid5(_NAMESPACE, f"{ledger_key}#{attempt}"))


def _check_side(side: str) -> None:
    if side not in ("shopify", "smaregi"):
        raise ValueError(f"unknown platform {side!r}")


def _short(any_id: str) -> str:
    return numeric_id(any_id) if any_id.startswith("gid://") else any_id
