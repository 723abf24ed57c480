"""Planned stock writes shared by the document and stock rules, and the small payload helpers they use."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from smapify_pipeline.sync import choices
from smapify_pipeline.sync.keys import stock_add_key


def money(amount: int) -> dict[str, Any]:
    """A ``MoneyBagInput`` in shop currency (JPY, whole yen)."""
    return {"shopMoney": {"amount": str(amount), "currencyCode": choices.CURRENCY}}


def rate_decimal(rate: int) -> str:
    """10 → ``"0.1"``, 8 → ``"0.08"`` (Shopify tax line ``rate`` is a proportion)."""
    return format((Decimal(rate) / 100).normalize(), "f")


def tax_title(rate: int) -> str:
    return choices.TAX_LINE_TITLES.get(rate, f"消費税 {rate}%")


def reference_document_uri(entity: str, identifier: str) -> str:
    """``gid://smapify/<Entity>/<id>``, the format Shopify recommends for an app's own documents."""
    return f"gid://{choices.REFERENCE_DOCUMENT_APP}/{entity}/{identifier}"


@dataclass(frozen=True)
class InventoryChange:
    inventory_item_id: str
    location_id: str
    delta: int


@dataclass(frozen=True)
class InventoryAdjustment:
    """One idempotent ``inventoryAdjustQuantities`` call (docs/architecture.md, "Stock principle").

    ``changeFromQuantity`` is mandatory since 2026-04 but is the count *at push time*, so push reads it just
    before the first attempt and keeps it for every retry of that attempt (docs/architecture.md, "Ledger and exactly-once").
    """

    key: str
    changes: tuple[InventoryChange, ...]
    reason: str
    reference_document_uri: str

    def variables(self, change_from: Mapping[tuple[str, str], int | None]) -> dict[str, Any]:
        """Mutation variables; ``change_from[(inventory item, location)]`` is the observed count (``None``
        sends an explicit null, which skips the compare)."""
        return {
            "input": {
                "name": choices.QUANTITY_NAME,
                "reason": self.reason,
                "referenceDocumentUri": self.reference_document_uri,
                "changes": [
                    {
                        "delta": change.delta,
                        "inventoryItemId": change.inventory_item_id,
                        "locationId": change.location_id,
                        "changeFromQuantity": change_from[(change.inventory_item_id, change.location_id)],
                    }
                    for change in self.changes
                ],
            }
        }


def inventory_changes(deltas: Iterable[tuple[str, str, int]]) -> tuple[InventoryChange, ...]:
    """Sum (item, location, delta) per item and location, drop zeros, in a stable order (one change per pair:
    Shopify refuses duplicates)."""
    total: dict[tuple[str, str], int] = defaultdict(int)
    for item, location, delta in deltas:
        total[(item, location)] += delta
    return tuple(InventoryChange(item, loc, delta) for (item, loc), delta in sorted(total.items()) if delta)


@dataclass(frozen=True)
class SmaregiStockAdd:
    """One relative ``POST /stock/{product_id}/add`` (Smaregi has no compare-and-set)."""

    key: str
    product_id: str
    store_id: str
    delta: int
    memo: str

    def path(self) -> str:
        return f"/stock/{self.product_id}/add"

    def body(self) -> dict[str, Any]:
        return {
            "storeId": self.store_id,
            "stockAmount": str(self.delta),
            "stockHistory": {"memo": self.memo[:100]},
        }


def smaregi_stock_adds(
    document_key: str, memo: str, deltas: Iterable[tuple[str, str, int]]
) -> tuple[SmaregiStockAdd, ...]:
    """Sum (product, store, delta) per product and store into stock adds, dropping zeros."""
    total: dict[tuple[str, str], int] = defaultdict(int)
    for product, store, delta in deltas:
        total[(product, store)] += delta
    return tuple(
        SmaregiStockAdd(stock_add_key(document_key, product, store), product, store, delta, memo)
        for (product, store), delta in sorted(total.items())
        if delta
    )
