"""Views of orders: line items, shipping and tax lines, transactions, refunds and their lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import (
    iso,
    legacy_id,
    money_bag,
)
from smapify_pipeline.sandbox.shopify.state import (
    LineItem,
    Order,
    Refund,
    RefundLine,
    ShippingLine,
    ShopState,
    TaxLine,
    Transaction,
    gid,
)
from smapify_pipeline.sandbox.shopify.totals import OrderTotals, fulfillment_status, order_totals
from smapify_pipeline.sandbox.shopify.views import View, connection_page, wrap_nodes
from smapify_pipeline.sandbox.shopify.views_catalogue import LocationView, ProductView, VariantView

# ---------------------------------------------------------------------------------------------- orders


def tax_line(line: TaxLine, currency: str) -> dict[str, Any]:
    return {
        "channelLiable": line.channel_liable,
        "priceSet": money_bag(line.amount, currency),
        "rate": float(line.rate),
        "ratePercentage": float(line.rate * 100),
        "title": line.title,
    }


def merged_tax_lines(lines: list[TaxLine]) -> list[TaxLine]:
    """Tax lines summed per (title, rate), as an order shows the taxes of its lines."""
    merged: dict[tuple[str, Decimal], TaxLine] = {}
    for line in lines:
        key = (line.title, line.rate)
        if key in merged:
            merged[key] = TaxLine(
                line.title, line.rate, merged[key].amount + line.amount, line.channel_liable
            )
        else:
            merged[key] = TaxLine(line.title, line.rate, line.amount, line.channel_liable)
    return list(merged.values())


class OrderView(View):
    typename = "Order"
    obj: Order

    @property
    def _currency(self) -> str:
        return self.obj.currency

    @property
    def id(self) -> str:
        return gid("Order", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def email(self) -> str | None:
        return self.obj.email

    @property
    def note(self) -> str | None:
        return self.obj.note

    @property
    def sourceName(self) -> str | None:
        return self.obj.source_name

    @property
    def sourceIdentifier(self) -> str | None:
        return self.obj.source_identifier

    @property
    def tags(self) -> list[str]:
        return sorted(self.obj.tags)

    @property
    def test(self) -> bool:
        return self.obj.test

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def processedAt(self) -> str | None:
        return iso(self.obj.processed_at)

    @property
    def cancelledAt(self) -> str | None:
        return iso(self.obj.cancelled_at)

    @property
    def cancelReason(self) -> str | None:
        return self.obj.cancel_reason

    @property
    def closed(self) -> bool:
        return self.obj.closed_at is not None

    @property
    def closedAt(self) -> str | None:
        return iso(self.obj.closed_at)

    @property
    def currencyCode(self) -> str:
        return self._currency

    @property
    def presentmentCurrencyCode(self) -> str:
        return self._currency

    @property
    def taxesIncluded(self) -> bool:
        return self.obj.taxes_included

    @property
    def displayFinancialStatus(self) -> str:
        return self.obj.financial_status

    @property
    def displayFulfillmentStatus(self) -> str:
        return fulfillment_status(self.obj)

    @property
    def subtotalLineItemsQuantity(self) -> int:
        return sum(li.quantity for li in self.obj.line_items)

    @property
    def currentSubtotalLineItemsQuantity(self) -> int:
        return sum(li.quantity - li.refunded_quantity for li in self.obj.line_items)

    def _totals(self, current: bool) -> OrderTotals:
        return order_totals(self.obj, current=current)

    @property
    def subtotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).subtotal, self._currency)

    @property
    def currentSubtotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).subtotal, self._currency)

    @property
    def totalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).total, self._currency)

    @property
    def currentTotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).total, self._currency)

    @property
    def totalTaxSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).tax, self._currency)

    @property
    def currentTotalTaxSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).tax, self._currency)

    @property
    def totalShippingPriceSet(self) -> dict[str, Any]:
        return money_bag(sum((s.price for s in self.obj.shipping_lines), Decimal(0)), self._currency)

    @property
    def totalRefundedSet(self) -> dict[str, Any]:
        refunded = sum((self.state.refunds[r].total for r in self.obj.refund_ids), Decimal(0))
        return money_bag(refunded, self._currency)

    @property
    def taxLines(self) -> list[dict[str, Any]]:
        return [tax_line(t, self._currency) for t in self.obj.tax_lines]

    @property
    def currentTaxLines(self) -> list[dict[str, Any]]:
        return [tax_line(t, self._currency) for t in self._totals(True).tax_lines]

    @property
    def shippingLine(self) -> dict[str, Any] | None:
        lines = self.obj.shipping_lines
        return shipping_line(lines[0], self._currency) if lines else None

    def shippingLines(
        self, info: GraphQLResolveInfo, includeRemovals: bool = False, **args: Any
    ) -> dict[str, Any]:
        page = connection_page(info, self.obj.shipping_lines, lambda s: s.id, args, presorted=True)
        return wrap_nodes(page, lambda s: shipping_line(s, self._currency))

    def lineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        page = connection_page(info, self.obj.line_items, lambda li: li.id, args, presorted=True)
        return wrap_nodes(page, lambda li: LineItemView(self.state, li, self.obj))

    def refunds(self, info: GraphQLResolveInfo, first: int | None = None) -> list[RefundView]:
        refunds = [RefundView(self.state, self.state.refunds[r]) for r in self.obj.refund_ids]
        return refunds[:first] if first is not None else refunds

    def transactions(
        self, info: GraphQLResolveInfo, first: int | None = None, **_: Any
    ) -> list[TransactionView]:
        txs = [TransactionView(self.state, self.state.transactions[t]) for t in self.obj.transaction_ids]
        return txs[:first] if first is not None else txs


def shipping_line(line: ShippingLine, currency: str) -> dict[str, Any]:
    return {
        "id": gid("ShippingLine", line.id),
        "code": line.code,
        "custom": True,
        "source": line.source,
        "title": line.title,
        "isRemoved": False,
        "originalPriceSet": money_bag(line.price, currency),
        "discountedPriceSet": money_bag(line.price, currency),
        "taxLines": [tax_line(t, currency) for t in line.tax_lines],
    }


class LineItemView(View):
    typename = "LineItem"
    obj: LineItem

    def __init__(self, state: ShopState, obj: LineItem, order: Order) -> None:
        super().__init__(state, obj)
        self.order = order

    @property
    def id(self) -> str:
        return gid("LineItem", self.obj.id)

    @property
    def name(self) -> str:
        li = self.obj
        return f"{li.title} - {li.variant_title}" if li.variant_title else li.title

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def sku(self) -> str | None:
        return self.obj.sku

    @property
    def variantTitle(self) -> str | None:
        return self.obj.variant_title

    @property
    def vendor(self) -> str | None:
        return self.obj.vendor

    @property
    def quantity(self) -> int:
        return self.obj.quantity

    @property
    def currentQuantity(self) -> int:
        return self.obj.quantity - self.obj.refunded_quantity

    @property
    def refundableQuantity(self) -> int:
        return self.obj.quantity - self.obj.refunded_quantity

    @property
    def unfulfilledQuantity(self) -> int:
        return max(0, self.obj.quantity - self.obj.refunded_quantity - self.obj.fulfilled_quantity)

    @property
    def taxable(self) -> bool:
        return self.obj.taxable

    @property
    def requiresShipping(self) -> bool:
        return self.obj.requires_shipping

    @property
    def restockable(self) -> bool:
        return self.obj.variant_id is not None and self.obj.variant_id in self.state.variants

    @property
    def variant(self) -> VariantView | None:
        variant = self.state.variants.get(self.obj.variant_id) if self.obj.variant_id else None
        return VariantView(self.state, variant) if variant else None

    @property
    def product(self) -> ProductView | None:
        product = self.state.products.get(self.obj.product_id) if self.obj.product_id else None
        return ProductView(self.state, product) if product else None

    @property
    def originalUnitPriceSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price, self.order.currency)

    @property
    def discountedUnitPriceSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price, self.order.currency)

    @property
    def originalTotalSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price * self.obj.quantity, self.order.currency)

    def taxLines(self, info: GraphQLResolveInfo, first: int | None = None) -> list[dict[str, Any]]:
        lines = [tax_line(t, self.order.currency) for t in self.obj.tax_lines]
        return lines[:first] if first is not None else lines


class TransactionView(View):
    typename = "OrderTransaction"
    obj: Transaction

    @property
    def id(self) -> str:
        return gid("OrderTransaction", self.obj.id)

    @property
    def kind(self) -> str:
        return self.obj.kind

    @property
    def status(self) -> str:
        return self.obj.status

    @property
    def gateway(self) -> str | None:
        return self.obj.gateway

    @property
    def amountSet(self) -> dict[str, Any]:
        return money_bag(self.obj.amount, self.state.orders[self.obj.order_id].currency)

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def processedAt(self) -> str | None:
        return iso(self.obj.processed_at)

    @property
    def parentTransaction(self) -> TransactionView | None:
        parent = self.state.transactions.get(self.obj.parent_id) if self.obj.parent_id else None
        return TransactionView(self.state, parent) if parent else None

    @property
    def test(self) -> bool:
        return self.obj.test

    @property
    def order(self) -> OrderView | None:
        order = self.state.orders.get(self.obj.order_id)
        return OrderView(self.state, order) if order else None


class RefundView(View):
    typename = "Refund"
    obj: Refund

    @property
    def id(self) -> str:
        return gid("Refund", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def note(self) -> str | None:
        return self.obj.note

    @property
    def order(self) -> OrderView:
        return OrderView(self.state, self.state.orders[self.obj.order_id])

    @property
    def totalRefundedSet(self) -> dict[str, Any]:
        return money_bag(self.obj.total, self.state.orders[self.obj.order_id].currency)

    def refundLineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        page = connection_page(info, self.obj.lines, lambda line: line.id, args, presorted=True)
        return wrap_nodes(page, lambda line: RefundLineView(self.state, line, self.obj))

    def transactions(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        txs = [self.state.transactions[t] for t in self.obj.transaction_ids]
        page = connection_page(info, txs, lambda t: t.id, args, presorted=True)
        return wrap_nodes(page, lambda t: TransactionView(self.state, t))


class RefundLineView(View):
    typename = "RefundLineItem"
    obj: RefundLine

    def __init__(self, state: ShopState, obj: RefundLine, refund: Refund) -> None:
        super().__init__(state, obj)
        self.currency = state.orders[refund.order_id].currency
        self.order = state.orders[refund.order_id]

    @property
    def id(self) -> str:
        return gid("RefundLineItem", self.obj.id)

    @property
    def lineItem(self) -> LineItemView:
        line = next(li for li in self.order.line_items if li.id == self.obj.line_item_id)
        return LineItemView(self.state, line, self.order)

    @property
    def location(self) -> LocationView | None:
        location = self.state.locations.get(self.obj.location_id) if self.obj.location_id else None
        return LocationView(self.state, location) if location else None

    @property
    def quantity(self) -> int:
        return self.obj.quantity

    @property
    def restockType(self) -> str:
        return self.obj.restock_type

    @property
    def restocked(self) -> bool:
        return self.obj.restocked

    @property
    def priceSet(self) -> dict[str, Any]:
        unit = self.obj.subtotal / self.obj.quantity if self.obj.quantity else Decimal(0)
        return money_bag(unit, self.currency)

    @property
    def subtotalSet(self) -> dict[str, Any]:
        return money_bag(self.obj.subtotal, self.currency)

    @property
    def totalTaxSet(self) -> dict[str, Any]:
        return money_bag(self.obj.total_tax, self.currency)
