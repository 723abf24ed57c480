"""Small frozen inputs of the sync rules; plan assets adapt DuckDB rows to them.

Money is integer yen (JPY has no minor unit; Shopify's Decimal amounts are converted by the adapter). Shopify
ids are GIDs; Smaregi ids are the numeric strings Smaregi sends. Datetimes are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from smapify_pipeline.documents.smaregi_totals import TaxDivision, TaxRounding
from smapify_pipeline.settings import SyncSettings


class UnmappableDocument(ValueError):
    """A document the rules cannot mirror faithfully; the message is the quarantine reason."""


@dataclass(frozen=True)
class SyncContext:
    """What every mapping needs from the settings and the Smaregi contract."""

    contract_id: str
    location_pairs: tuple[tuple[str, str], ...]
    """(Smaregi storeId, Shopify location GID) pairs."""
    online_store_id: str
    tax_rounding: TaxRounding = TaxRounding.FLOOR
    unlinked_category_id: str | None = None
    """Smaregi category for 部門売り lines that carry Shopify lines without a linked product."""
    unlinked_product_id: str | None = None
    """A generic, not stock-managed Smaregi product for such lines; preferred over the category when set."""

    @classmethod
    def from_settings(
        cls,
        settings: SyncSettings,
        contract_id: str,
        tax_rounding: TaxRounding = TaxRounding.FLOOR,
        unlinked_category_id: str | None = None,
        unlinked_product_id: str | None = None,
    ) -> SyncContext:
        online = settings.effective_online_store_id
        if online is None:
            raise ValueError("online_store_id is unset and there is no location pair to default to")
        pairs = tuple((p.smaregi_store_id, p.shopify_location_id) for p in settings.location_pairs)
        return cls(contract_id, pairs, online, tax_rounding, unlinked_category_id, unlinked_product_id)

    def location_for(self, store_id: str) -> str | None:
        """The Shopify location paired with a Smaregi store, if any."""
        return next((loc for store, loc in self.location_pairs if store == store_id), None)

    def store_for(self, location_id: str) -> str | None:
        """The Smaregi store paired with a Shopify location, if any."""
        return next((store for store, loc in self.location_pairs if loc == location_id), None)


@dataclass(frozen=True)
class VariantLink:
    """One linked pair: a Smaregi product ↔ a Shopify variant (matched by productCode = SKU/barcode)."""

    smaregi_product_id: str
    product_code: str
    shopify_variant_id: str
    inventory_item_id: str
    stock_managed: bool = True
    """Smaregi ``stockControlDivision`` 0 and a tracked Shopify inventory item."""


@dataclass(frozen=True)
class Links:
    """Lookup of the linked pairs in both directions."""

    by_smaregi_product: Mapping[str, VariantLink] = field(default_factory=lambda: MappingProxyType({}))
    by_shopify_variant: Mapping[str, VariantLink] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(cls, links: Iterable[VariantLink]) -> Links:
        items = list(links)
        return cls(
            MappingProxyType({link.smaregi_product_id: link for link in items}),
            MappingProxyType({link.shopify_variant_id: link for link in items}),
        )


# --- Smaregi ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmaregiLine:
    """A transaction detail row."""

    detail_id: str
    product_id: str | None
    product_code: str | None
    product_name: str
    sales_price: int
    """Unit selling price (tax-included for taxDivision 0), positive also on return lines."""
    quantity: int
    """Negative on return lines."""
    tax_rate: int
    unit_discount: int = 0
    detail_division: str = "1"
    """``transactionDetailDivision``: 1 normal, 2 return, 3 category sale."""
    tax_division: TaxDivision = TaxDivision.INCLUDED
    category_id: str | None = None

    @property
    def is_return(self) -> bool:
        return self.detail_division == "2" or self.quantity < 0

    @property
    def net_unit_price(self) -> int:
        return self.sales_price - self.unit_discount


@dataclass(frozen=True)
class SmaregiTransaction:
    """A Smaregi transaction head with its details: a sale, a line return, a voided sale or a reversal record;
    :mod:`smapify_pipeline.documents.classify` tells which."""

    transaction_head_id: str
    store_id: str
    terminal_tran_date_time: datetime
    lines: tuple[SmaregiLine, ...]
    subtotal: int
    total: int
    tax_include: int | None = None
    subtotal_discount: int = 0
    point_discount: int = 0
    coupon_discount: int = 0
    rounding_price: int = 0
    carriage: int = 0
    commission: int = 0
    tax_exclude: int = 0
    transaction_head_division: str = "1"
    cancel_division: str = "0"
    dispose_division: str = "0"
    dispose_server_transaction_head_id: str | None = None
    """On a reversal record (disposeDivision 2): the reversed sale. On a register line return made from a
    receipt (sandbox convention): the sale it returns from."""
    return_sales: str = "0"
    memo: str | None = None
    terminal_tran_id: str | None = None


# --- Shopify ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShopifyOrderLine:
    line_item_id: str
    variant_id: str | None
    sku: str | None
    title: str
    quantity: int
    unit_price: int
    """Original unit price, tax-included when the order is."""
    discounted_total: int
    """The whole line after every discount allocation (line and order level)."""
    tax_rate: int
    """Percent from the line's tax lines (10, 8; 0 untaxed)."""
    refundable_quantity: int | None = None
    """Units not refunded yet; ``None`` means all of ``quantity``."""
    stock_location_id: str | None = None
    """Where Shopify took the units (the location of the line's fulfilment orders) when it is one location;
    ``None`` when unknown, not stocked or split over several (see ``stock_placements``)."""
    order_discount: int = 0
    """The part of ``unit_price × quantity − discounted_total`` that order-level (ACROSS) discounts took; the
    rest is the line's own discounts."""
    stock_placements: tuple[tuple[str, int], ...] = ()
    """(Shopify location GID, units) where the line's units are assigned now; empty when unknown."""

    @property
    def placements(self) -> tuple[tuple[str, int], ...]:
        """Where the units are: ``stock_placements``, else all of them at ``stock_location_id``."""
        if self.stock_placements:
            return self.stock_placements
        return ((self.stock_location_id, self.quantity),) if self.stock_location_id else ()

    @property
    def remaining(self) -> int:
        return self.quantity if self.refundable_quantity is None else self.refundable_quantity


@dataclass(frozen=True)
class ShopifyOrder:
    order_id: str
    processed_at: datetime
    lines: tuple[ShopifyOrderLine, ...]
    shipping: int = 0
    """Shipping charged after shipping discounts, tax-included."""
    taxes_included: bool = True
    source_name: str | None = None
    source_identifier: str | None = None
    tags: tuple[str, ...] = ()
    cancelled: bool = False
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    parent_transaction_id: str | None = None
    """The SALE/CAPTURE transaction a refund's money refers to; without it refunds record no money."""
    gateway: str | None = None
    refundable_amount: int | None = None
    """Money not refunded yet (what a full refund returns)."""


@dataclass(frozen=True)
class ShopifyRefundLine:
    line_item_id: str
    quantity: int
    restock_type: str
    """RETURN, CANCEL, NO_RESTOCK (LEGACY_RESTOCK is read as RETURN)."""
    location_id: str | None
    subtotal: int
    """Money refunded for the line (after its discounts), tax-included."""


@dataclass(frozen=True)
class ShopifyRefund:
    refund_id: str
    order_id: str
    created_at: datetime
    lines: tuple[ShopifyRefundLine, ...]
    shipping: int = 0
    """Shipping money refunded."""
    note: str | None = None
    money: int | None = None
    """What its SUCCESS REFUND transactions paid back; ``None`` when it has no transaction (it moved no
    money, so its lines and shipping are mirrored at their value)."""
    adjustments: int = 0
    """Its order adjustments (calculated − refunded): Shopify's record of a refund discrepancy."""
