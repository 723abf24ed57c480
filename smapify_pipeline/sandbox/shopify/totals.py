"""Order arithmetic: subtotals, taxes and totals, original and current (after refunds), in the shop currency.

Prices are tax-included when the order says ``taxesIncluded`` (the Japanese default): the total is then the
sum of line and shipping prices and the taxes are the part of it shown in the tax lines. Amounts in JPY are
whole yen, so every derived amount is rounded to the currency's minor unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from smapify_pipeline.sandbox.shopify.state import LineItem, Order, ShopState, TaxLine

ZERO_DECIMAL_CURRENCIES = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"})


def round_money(amount: Decimal, currency: str) -> Decimal:
    unit = Decimal(1) if currency in ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return amount.quantize(unit, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class OrderTotals:
    subtotal: Decimal
    shipping: Decimal
    """Shipping charged: the shipping lines after their discounts."""
    tax: Decimal
    total: Decimal
    tax_lines: list[TaxLine]


def line_total(line: LineItem, current: bool = False) -> Decimal:
    """A line's price after its discounts: all its units, or (``current``) those not refunded."""
    total = line.unit_price * line.quantity - line.discount
    if not current:
        return total
    return total * (line.quantity - line.refunded_quantity) / line.quantity if line.quantity else Decimal(0)


def order_totals(order: Order, current: bool = False) -> OrderTotals:
    """``current=True``: after removing refunded quantities (Shopify's ``current*`` fields)."""
    original_subtotal = sum((line_total(li) for li in order.line_items), Decimal(0))
    if current:
        current_lines = sum((line_total(li, current=True) for li in order.line_items), Decimal(0))
        subtotal = round_money(current_lines, order.currency)
    else:
        subtotal = original_subtotal
    shipping = sum((s.discounted_price for s in order.shipping_lines), Decimal(0))
    ratio = subtotal / original_subtotal if original_subtotal else Decimal(1)
    tax_lines = [
        TaxLine(
            t.title,
            t.rate,
            round_money(t.amount * ratio, order.currency) if current else t.amount,
            t.channel_liable,
        )
        for t in order.tax_lines
    ]
    tax = sum((t.amount for t in tax_lines), Decimal(0))
    total = subtotal + shipping + (Decimal(0) if order.taxes_included else tax)
    return OrderTotals(subtotal=subtotal, shipping=shipping, tax=tax, total=total, tax_lines=tax_lines)


def fulfillment_status(order: Order) -> str:
    remaining = [li for li in order.line_items if li.quantity - li.refunded_quantity > 0]
    if remaining and all(li.fulfilled_quantity >= li.quantity - li.refunded_quantity for li in remaining):
        return "FULFILLED"
    if any(li.fulfilled_quantity for li in order.line_items):
        return "PARTIALLY_FULFILLED"
    return "UNFULFILLED"


def received(state: ShopState, order: Order) -> Decimal:
    """What the order's successful sales and captures took in."""
    return _transacted(state, order, ("SALE", "CAPTURE"))


def refunded(state: ShopState, order: Order) -> Decimal:
    """What the order's successful refunds gave back."""
    return _transacted(state, order, ("REFUND",))


def _transacted(state: ShopState, order: Order, kinds: tuple[str, ...]) -> Decimal:
    transactions = (state.transactions[t] for t in order.transaction_ids)
    return sum((tx.amount for tx in transactions if tx.kind in kinds and tx.status == "SUCCESS"), Decimal(0))
