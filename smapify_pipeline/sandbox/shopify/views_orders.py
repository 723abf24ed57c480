"""Views of orders: line items, shipping and tax lines, transactions, refunds and their lines.

Every view here has a ``currency`` (its order's), in which its MoneyBag fields are priced.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify import views_catalogue  # noqa: F401  (the views the links below name)
from smapify_pipeline.sandbox.shopify.common import money, money_bag
from smapify_pipeline.sandbox.shopify.state import (
    DiscountAllocation,
    DiscountApplication,
    LineItem,
    Order,
    OrderAdjustment,
    Refund,
    RefundLine,
    RefundShipping,
    ShippingLine,
    ShopState,
    TaxLine,
    Transaction,
    gid,
)
from smapify_pipeline.sandbox.shopify.totals import (
    fulfillment_status,
    line_total,
    order_totals,
    received,
    refunded,
    round_money,
)
from smapify_pipeline.sandbox.shopify.views import (
    Field,
    ResourceView,
    View,
    connection,
    field,
    iso_field,
    link,
    listing,
    money_bag_field,
)

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


def shipping_line(
    line: ShippingLine, currency: str, applications: list[DiscountApplication] | None = None
) -> dict[str, Any]:
    return {
        "id": gid("ShippingLine", line.id),
        "code": line.code,
        "custom": True,
        "source": line.source,
        "title": line.title,
        "isRemoved": False,
        "originalPriceSet": money_bag(line.price, currency),
        "discountedPriceSet": money_bag(line.discounted_price, currency),
        "taxLines": [tax_line(t, currency) for t in line.tax_lines],
        "discountAllocations": [
            discount_allocation(allocation, applications or [], currency)
            for allocation in line.discount_allocations
        ],
    }


APPLICATION_TYPES = {
    "CODE": "DiscountCodeApplication",
    "AUTOMATIC": "AutomaticDiscountApplication",
    "MANUAL": "ManualDiscountApplication",
}


def discount_application(application: DiscountApplication, currency: str) -> dict[str, Any]:
    """A discount as the ``DiscountApplication`` of its kind: a code, an automatic or a manual discount."""
    if application.percentage is not None:
        value = {"__typename": "PricingPercentageValue", "percentage": float(application.percentage)}
    else:
        value = {"__typename": "MoneyV2", **money(application.amount or Decimal(0), currency)}
    shown: dict[str, Any] = {
        "__typename": APPLICATION_TYPES[application.kind],
        "allocationMethod": application.allocation_method,
        "index": application.index,
        "targetSelection": application.target_selection,
        "targetType": application.target_type,
        "value": value,
    }
    if application.kind == "CODE":
        shown["code"] = application.code
    else:
        shown["title"] = application.code
    if application.kind == "MANUAL":
        shown["description"] = None
    return shown


def discount_allocation(
    allocation: DiscountAllocation, applications: list[DiscountApplication], currency: str
) -> dict[str, Any]:
    return {
        "allocatedAmountSet": money_bag(allocation.amount, currency),
        "discountApplication": discount_application(applications[allocation.index], currency),
    }


def line_level_discount(line: LineItem, applications: list[DiscountApplication], codes: bool) -> Decimal:
    """What a line's own (not order-level ACROSS) discounts take off it; code discounts only when ``codes``."""
    return sum(
        (
            allocation.amount
            for allocation in line.discount_allocations
            if applications[allocation.index].allocation_method != "ACROSS"
            and (codes or applications[allocation.index].kind != "CODE")
        ),
        Decimal(0),
    )


def order_level_discount(line: LineItem, applications: list[DiscountApplication]) -> Decimal:
    return line.discount - line_level_discount(line, applications, codes=True)


def _total(part: str, *, current: bool = False) -> Field:
    """A MoneyBag of the order's totals: ``part`` (subtotal, tax, total) as placed, or ``current`` after refunds."""
    return money_bag_field(lambda order: getattr(order_totals(order.obj, current=current), part))


class OrderView(ResourceView[Order], typename="Order"):
    stored_fields = (
        "name",
        "email",
        "note",
        "sourceName",
        "sourceIdentifier",
        "test",
        "cancelReason",
        "taxesIncluded",
    )
    tags = field("tags", sorted)
    processedAt = iso_field("processed_at")
    cancelledAt = iso_field("cancelled_at")
    closed = field("closed_at", lambda moment: moment is not None)
    closedAt = iso_field("closed_at")
    currencyCode = field("currency")
    presentmentCurrencyCode = currencyCode
    displayFinancialStatus = field("financial_status")
    displayFulfillmentStatus = field(lambda order: fulfillment_status(order.obj))
    subtotalLineItemsQuantity = field("line_items", lambda lines: sum(li.quantity for li in lines))
    currentSubtotalLineItemsQuantity = field(
        "line_items", lambda lines: sum(li.quantity - li.refunded_quantity for li in lines)
    )
    subtotalPriceSet = _total("subtotal")
    currentSubtotalPriceSet = _total("subtotal", current=True)
    totalPriceSet = _total("total")
    currentTotalPriceSet = _total("total", current=True)
    totalTaxSet = _total("tax")
    currentTotalTaxSet = _total("tax", current=True)
    totalShippingPriceSet = money_bag_field(
        lambda order: sum((s.price for s in order.obj.shipping_lines), Decimal(0))
    )
    totalRefundedSet = money_bag_field(
        lambda order: sum((order.state.refunds[r].total for r in order.obj.refund_ids), Decimal(0))
    )
    taxLines = field(lambda order: [tax_line(t, order.currency) for t in order.obj.tax_lines])
    currentTaxLines = field(
        lambda order: [tax_line(t, order.currency) for t in order_totals(order.obj, current=True).tax_lines]
    )
    shippingLines = connection(
        "shipping_lines",
        lambda order, line: shipping_line(line, order.currency, order.obj.discount_applications),
        presorted=True,
    )
    lineItems = connection(
        "line_items", lambda order, line: LineItemView(order.state, line, order.obj), presorted=True
    )
    refunds = listing(
        lambda order: [RefundView(order.state, order.state.refunds[r]) for r in order.obj.refund_ids]
    )
    transactions = listing(
        lambda order: [
            TransactionView(order.state, order.state.transactions[t]) for t in order.obj.transaction_ids
        ]
    )
    originalTotalPriceSet = totalPriceSet
    discountApplications = connection(
        "discount_applications",
        lambda order, application: discount_application(application, order.currency),
        id_of=lambda application: application.index + 1,
        presorted=True,
    )
    discountCodes = field(
        "discount_applications", lambda applications: [a.code for a in applications if a.kind == "CODE"]
    )
    discountCode = field(
        "discount_applications",
        lambda applications: next((a.code for a in applications if a.kind == "CODE"), None),
    )
    totalDiscountsSet = money_bag_field(
        lambda order: (
            sum((li.discount for li in order.obj.line_items), Decimal(0))
            + sum((s.discount for s in order.obj.shipping_lines), Decimal(0))
        )
    )
    currentTotalDiscountsSet = money_bag_field(
        lambda order: sum(
            (
                li.unit_price * (li.quantity - li.refunded_quantity) - line_total(li, current=True)
                for li in order.obj.line_items
            ),
            Decimal(0),
        )
    )
    currentCartDiscountAmountSet = money_bag_field(
        lambda order: sum(
            (
                line.rounded(
                    order_level_discount(li, order.obj.discount_applications)
                    * (li.quantity - li.refunded_quantity)
                    / li.quantity
                )
                for li in order.obj.line_items
                for line in [LineItemView(order.state, li, order.obj)]
            ),
            Decimal(0),
        )
    )
    fulfillmentOrders = connection(
        lambda order: [order.state.fulfillment_orders[n] for n in order.obj.fulfillment_order_ids],
        "FulfillmentOrder",
        presorted=True,
    )
    fulfillments = listing(
        lambda order: [
            View.of("Fulfillment")(order.state, order.state.fulfillments[n])
            for n in order.obj.fulfillment_ids
        ]
    )
    totalReceivedSet = money_bag_field(lambda order: received(order.state, order.obj))
    totalRefundedShippingSet = money_bag_field(
        lambda order: sum(
            (part.amount for r in order.obj.refund_ids for part in order.state.refunds[r].shipping),
            Decimal(0),
        )
    )
    netPaymentSet = money_bag_field(lambda order: order.net_payment)
    totalOutstandingSet = money_bag_field(
        lambda order: max(order_totals(order.obj, current=True).total - order.net_payment, Decimal(0))
    )
    fullyPaid = field(lambda order: received(order.state, order.obj) >= order_totals(order.obj).total)
    unpaid = field(lambda order: received(order.state, order.obj) == 0)
    paymentGatewayNames = field(
        lambda order: list(
            dict.fromkeys(
                tx.gateway
                for tx in (order.state.transactions[t] for t in order.obj.transaction_ids)
                if tx.gateway and tx.kind in ("SALE", "CAPTURE", "AUTHORIZATION")
            )
        )
    )
    requiresShipping = field(
        "line_items",
        lambda lines: any(li.requires_shipping and li.quantity > li.refunded_quantity for li in lines),
    )
    fulfillable = field(
        lambda order: (
            order.obj.cancelled_at is None
            and any(li.quantity - li.refunded_quantity > li.fulfilled_quantity for li in order.obj.line_items)
        )
    )
    refundable = field(
        "financial_status", lambda status: status in ("PAID", "PARTIALLY_PAID", "PARTIALLY_REFUNDED")
    )
    confirmed = field(lambda order: True)
    returnStatus = field(lambda order: "NO_RETURN")
    risk = field(lambda order: {"recommendation": "NONE"})

    @property
    def currency(self) -> str:
        return self.obj.currency

    @property
    def net_payment(self) -> Decimal:
        return received(self.state, self.obj) - refunded(self.state, self.obj)

    @property
    def cartDiscountAmountSet(self) -> dict[str, Any] | None:
        """The order-level (ACROSS) discounts on the lines; null when the order has none."""
        applications = self.obj.discount_applications
        if not any(a.allocation_method == "ACROSS" for a in applications):
            return None
        amount = sum((order_level_discount(li, applications) for li in self.obj.line_items), Decimal(0))
        return money_bag(amount, self.currency)

    @property
    def shippingLine(self) -> dict[str, Any] | None:
        lines = self.obj.shipping_lines
        return shipping_line(lines[0], self.currency, self.obj.discount_applications) if lines else None


class LineItemView(View[LineItem], typename="LineItem"):
    stored_fields = ("title", "sku", "variantTitle", "vendor", "quantity", "taxable", "requiresShipping")

    currentQuantity = field(lambda line: line.obj.quantity - line.obj.refunded_quantity)
    refundableQuantity = currentQuantity
    unfulfilledQuantity = field(lambda line: line.unfulfilled)
    restockable = field(
        lambda line: line.obj.variant_id is not None and line.obj.variant_id in line.state.variants
    )
    variant = link("ProductVariant", "variants", "variant_id", optional=True)
    product = link("Product", "products", "product_id", optional=True)
    originalUnitPriceSet = money_bag_field("unit_price")
    discountedUnitPriceSet = money_bag_field(
        lambda line: line.rounded(
            line.obj.unit_price
            - line_level_discount(line.obj, line.order.discount_applications, codes=True) / line.obj.quantity
        )
    )
    originalTotalSet = money_bag_field(lambda line: line.obj.unit_price * line.obj.quantity)
    taxLines = listing(lambda line: [tax_line(t, line.currency) for t in line.obj.tax_lines])
    totalDiscountSet = money_bag_field(lambda line: line.obj.discount)
    discountedUnitPriceAfterAllDiscountsSet = money_bag_field(
        lambda line: line.rounded(line_total(line.obj) / line.obj.quantity)
    )
    unfulfilledOriginalTotalSet = money_bag_field(lambda line: line.obj.unit_price * line.unfulfilled)
    unfulfilledDiscountedTotalSet = money_bag_field(
        lambda line: line.rounded(line_total(line.obj) * line.unfulfilled / line.obj.quantity)
    )

    def __init__(self, state: ShopState, obj: LineItem, order: Order) -> None:
        super().__init__(state, obj)
        self.order = order
        self.currency = order.currency

    def rounded(self, amount: Decimal) -> Decimal:
        return round_money(amount, self.currency)

    @property
    def unfulfilled(self) -> int:
        line = self.obj
        return max(0, line.quantity - line.refunded_quantity - line.fulfilled_quantity)

    @property
    def discountAllocations(self) -> list[dict[str, Any]]:
        applications = self.order.discount_applications
        return [discount_allocation(a, applications, self.currency) for a in self.obj.discount_allocations]

    def discountedTotalSet(self, info: GraphQLResolveInfo, withCodeDiscounts: bool = False) -> dict[str, Any]:
        """The line after its own (line-level) discounts; code discounts count only when asked for."""
        own = line_level_discount(self.obj, self.order.discount_applications, codes=withCodeDiscounts)
        return money_bag(self.obj.unit_price * self.obj.quantity - own, self.currency)

    @property
    def name(self) -> str:
        li = self.obj
        return f"{li.title} - {li.variant_title}" if li.variant_title else li.title


class TransactionView(View[Transaction], typename="OrderTransaction"):
    stored_fields = ("kind", "status", "gateway", "test")
    amountSet = money_bag_field("amount")
    createdAt = iso_field("created_at")
    processedAt = iso_field("processed_at")
    parentTransaction = link("OrderTransaction", "transactions", "parent_id", optional=True)
    order = link("Order", "orders", "order_id", optional=True)

    @property
    def currency(self) -> str:
        return self.state.orders[self.obj.order_id].currency


class RefundView(ResourceView[Refund], typename="Refund"):
    stored_fields = ("note",)
    order = link("Order", "orders", "order_id")
    totalRefundedSet = money_bag_field("total")
    refundLineItems = connection(
        "lines", lambda refund, line: RefundLineView(refund.state, line, refund.obj), presorted=True
    )
    transactions = connection(
        lambda refund: [refund.state.transactions[t] for t in refund.obj.transaction_ids],
        "OrderTransaction",
        presorted=True,
    )
    refundShippingLines = connection(
        "shipping", lambda refund, part: refund_shipping_line(refund.state, refund.obj, part), presorted=True
    )
    orderAdjustments = connection(
        "adjustments",
        lambda refund, adjustment: order_adjustment(adjustment, refund.currency),
        presorted=True,
    )

    @property
    def currency(self) -> str:
        return self.state.orders[self.obj.order_id].currency


def refund_shipping_line(state: ShopState, refund: Refund, part: RefundShipping) -> dict[str, Any]:
    order = state.orders[refund.order_id]
    line = next(s for s in order.shipping_lines if s.id == part.shipping_line_id)
    return {
        "id": gid("RefundShippingLine", part.id),
        "shippingLine": shipping_line(line, order.currency),
        "subtotalAmountSet": money_bag(part.amount, order.currency),
        "taxAmountSet": money_bag(part.tax, order.currency),
    }


def order_adjustment(adjustment: OrderAdjustment, currency: str) -> dict[str, Any]:
    return {
        "id": gid("OrderAdjustment", adjustment.id),
        "amountSet": money_bag(adjustment.amount, currency),
        "taxAmountSet": money_bag(adjustment.tax, currency),
        "reason": adjustment.reason,
    }


class RefundLineView(View[RefundLine], typename="RefundLineItem"):
    stored_fields = ("quantity", "restockType", "restocked")

    location = link("Location", "locations", "location_id", optional=True)
    priceSet = money_bag_field(
        lambda line: line.obj.subtotal / line.obj.quantity if line.obj.quantity else Decimal(0)
    )
    subtotalSet = money_bag_field("subtotal")
    totalTaxSet = money_bag_field("total_tax")

    def __init__(self, state: ShopState, obj: RefundLine, refund: Refund) -> None:
        super().__init__(state, obj)
        self.order = state.orders[refund.order_id]
        self.currency = self.order.currency

    @property
    def lineItem(self) -> LineItemView:
        line = next(li for li in self.order.line_items if li.id == self.obj.line_item_id)
        return LineItemView(self.state, line, self.order)
