"""The stock principle's correction (docs/architecture.md, "Stock principle").

After documents are mirrored both sides agree; what is left is drift and manual edits on the secondary. For each
linked product at each location pair the secondary is brought to the primary's count:

* Shopify secondary: an absolute ``inventorySetQuantities`` guarded by ``changeFromQuantity`` = the count we
  observed, so a sale that lands between our read and our write makes Shopify refuse it;
* Smaregi secondary: a relative ``POST /stock/{id}/add`` of (primary − observed), so a sale that lands in
  between is kept.

Nothing is pushed while documents for the pair are still pending (mirror first: no lost sale), nor when the
primary's count is impossible (negative, or above what the platforms hold): that pair is reported. When the primary
has no stock row for a newly linked product, the secondary's count seeds the primary once, audited; a
missing row on one side and zero (or a missing row) on the other need nothing.
A secondary count that differs from what the last sync left there is a manual edit and its overwrite is audited
; when only the primary changed, nothing is audited.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.sync import choices, keys
from smapify_pipeline.sync.audit import AuditRecord
from smapify_pipeline.sync.writes import (
    SmaregiStockAdd,
    reference_document_uri,
)


@dataclass(frozen=True)
class StockObservation:
    """One linked product at one location pair, as extracted."""

    primary: str
    """"smaregi" or "shopify"."""
    smaregi_product_id: str
    inventory_item_id: str
    smaregi_store_id: str
    shopify_location_id: str
    primary_count: int | None
    """``None``: the primary has no stock row (Smaregi: never moved; Shopify: not stocked at the location)."""
    secondary_count: int | None
    """``None``: the secondary has no stock row there."""
    last_synced_secondary: int | None = None
    """What our last push or mirror left on the secondary; ``None`` when we never wrote it."""
    pending_documents: bool = False
    """Sales, orders or refunds touching this product and pair still wait to be mirrored."""


@dataclass(frozen=True)
class ShopifyStockSet:
    """``inventorySetQuantities`` of one item at one location (or ``inventoryActivate`` when not stocked)."""

    key: str
    inventory_item_id: str
    location_id: str
    quantity: int
    change_from: int | None
    """The observed count (compare-and-set); ``None`` with ``activate`` when the item is not stocked there."""
    activate: bool = False

    def variables(self) -> dict[str, Any]:
        """``inventorySetQuantities`` variables (use ``inventoryActivate`` instead when ``activate``)."""
        return {
            "input": {
                "name": choices.QUANTITY_NAME,
                "reason": choices.STOCK_PUSH_REASON,
                "referenceDocumentUri": reference_document_uri("StockPush", self.key.replace(":", "-")),
                "quantities": [
                    {
                        "inventoryItemId": self.inventory_item_id,
                        "locationId": self.location_id,
                        "quantity": self.quantity,
                        "changeFromQuantity": self.change_from,
                    }
                ],
            }
        }


@dataclass(frozen=True)
class StockCorrection:
    """What one observation needs: at most one write, and the audit record that goes with it."""

    target: str
    """The platform written: the secondary, or the primary when seeding."""
    shopify: ShopifyStockSet | None = None
    smaregi: SmaregiStockAdd | None = None
    audit: AuditRecord | None = None


NEGATIVE_ON_PRIMARY = "negative stock on the primary"
ABOVE_MAXIMUM_ON_PRIMARY = f"stock on the primary above the maximum of {choices.STOCK_COUNT_MAX}"
NEGATIVE_SEED = "negative stock on the secondary cannot seed the primary"


def withheld_reason(primary_count: int | None, secondary_count: int | None) -> str | None:
    """Why no count is copied for a pair whose counts are impossible, or ``None``.

    A negative count (or one above what both platforms hold) on the primary is not a count the secondary can
    be brought to: it is a mistake or a sale of stock that was never received, and copying it would make
    the secondary oversell too. The pair is left as it is and reported; once the primary is valid again the
    next run corrects the secondary as usual. A negative secondary count never seeds the primary."""
    if primary_count is None:
        return NEGATIVE_SEED if secondary_count is not None and secondary_count < 0 else None
    if primary_count < 0:
        return NEGATIVE_ON_PRIMARY
    if primary_count > choices.STOCK_COUNT_MAX:
        return ABOVE_MAXIMUM_ON_PRIMARY
    return None


def plan_stock_correction(obs: StockObservation) -> StockCorrection | None:
    """The correction for one linked product at one location pair, or ``None`` when nothing is to be done
    (or when it is withheld: :func:`withheld_reason`)."""
    if obs.primary not in ("smaregi", "shopify"):
        raise ValueError(f"unknown primary {obs.primary!r}")
    if obs.pending_documents:
        return None
    if withheld_reason(obs.primary_count, obs.secondary_count) is not None:
        return None
    secondary = "shopify" if obs.primary == "smaregi" else "smaregi"
    if obs.primary_count is None:
        if not obs.secondary_count:
            return None
        return _seed_primary(obs, secondary)
    if obs.secondary_count == obs.primary_count:
        return None
    if obs.secondary_count is None and obs.primary_count == 0:
        return None
    key = keys.stock_push_key(
        secondary,
        obs.smaregi_store_id,
        obs.shopify_location_id,
        obs.smaregi_product_id,
        obs.primary_count,
        obs.secondary_count,
    )
    manual_edit = obs.secondary_count is not None and obs.secondary_count != obs.last_synced_secondary
    audit = None
    if manual_edit:
        audit = AuditRecord(
            kind="stock_overwrite",
            entity="stock",
            entity_key=obs.smaregi_product_id,
            location=_location(obs, secondary),
            old_value=obs.secondary_count,
            new_value=obs.primary_count,
            why=f"{secondary} count differs from what the last sync left "
            f"({obs.last_synced_secondary}); {obs.primary} is primary",
            ledger_key=key,
        )
    return StockCorrection(
        target=secondary, audit=audit, **_write(obs, secondary, key, obs.primary_count, obs.secondary_count)
    )


def _seed_primary(obs: StockObservation, secondary: str) -> StockCorrection:
    count = obs.secondary_count
    assert count is not None
    key = keys.stock_push_key(
        obs.primary, obs.smaregi_store_id, obs.shopify_location_id, obs.smaregi_product_id, count, None
    )
    audit = AuditRecord(
        kind="stock_seed",
        entity="stock",
        entity_key=obs.smaregi_product_id,
        location=_location(obs, obs.primary),
        old_value=None,
        new_value=count,
        why=f"first link: {obs.primary} (primary) had no stock row, seeded from {secondary}",
        ledger_key=key,
    )
    return StockCorrection(target=obs.primary, audit=audit, **_write(obs, obs.primary, key, count, None))


def _write(
    obs: StockObservation, target: str, key: str, quantity: int, observed: int | None
) -> dict[str, Any]:
    if target == "shopify":
        return {
            "shopify": ShopifyStockSet(
                key=key,
                inventory_item_id=obs.inventory_item_id,
                location_id=obs.shopify_location_id,
                quantity=quantity,
                change_from=observed,
                activate=observed is None,
            )
        }
    return {
        "smaregi": SmaregiStockAdd(
            key=key,
            product_id=obs.smaregi_product_id,
            store_id=obs.smaregi_store_id,
            delta=quantity - (observed or 0),
            memo=stock_memo(key),
        )
    }


def stock_memo(key: str) -> str:
    """``stockHistory.memo`` of a stock push: the marker plus a digest of its ledger key, so the add can be
    found in ``GET /stock/changes/{productId}/{storeId}`` after a lost answer (the key itself is too long
    for the 100-character memo)."""
    return f"{choices.MARKER_PREFIX}:stock:{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _location(obs: StockObservation, side: str) -> str:
    return obs.shopify_location_id if side == "shopify" else obs.smaregi_store_id
