"""Discounts a buyer gets at the storefront checkout, allocated to the order's lines as Shopify does.

A checkout applies line-level discounts first (a percentage or an amount off each entitled unit: allocation
EACH, target selection ENTITLED), then order-level ones on what is left (ACROSS all lines, an amount spread in
proportion to the lines' totals, the rounding remainder on the largest line; a percentage of the lines' total
spread the same way), then shipping discounts (EACH shipping line: free or reduced shipping). Every allocation
is in whole units of the currency, so the allocations of one discount sum exactly to its value. Taxes are then
taken on the discounted amounts (:mod:`.orders`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from smapify_pipeline.sandbox.shopify.state import (
    DiscountAllocation,
    DiscountApplication,
    LineItem,
    ShippingLine,
)
from smapify_pipeline.sandbox.shopify.totals import round_money

TARGETS = ("LINES", "ORDER", "SHIPPING")
"""Application order at checkout: line-level, then order-level, then shipping."""


@dataclass(frozen=True)
class CheckoutDiscount:
    """A discount code typed at checkout (``kind`` CODE) or an automatic discount (AUTOMATIC).

    ``target``: LINES (each entitled unit; ``entitled`` variant ids, empty = every line), ORDER (across all
    lines) or SHIPPING (every shipping line). Exactly one of ``amount`` (yen) and ``percentage`` is set.
    """

    title: str
    target: str = "ORDER"
    kind: str = "CODE"
    amount: Decimal | None = None
    percentage: Decimal | None = None
    entitled: tuple[int | str, ...] = ()
    """Entitled variants: SKUs or variant gids when given to the checkout hook, variant ids once resolved."""

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"discount target must be one of {TARGETS}, got {self.target!r}")
        if self.kind not in ("CODE", "AUTOMATIC"):
            raise ValueError(f"discount kind must be CODE or AUTOMATIC, got {self.kind!r}")
        if (self.amount is None) == (self.percentage is None):
            raise ValueError(f"discount {self.title!r} needs exactly one of amount and percentage")


def _remaining(line: LineItem) -> Decimal:
    return line.unit_price * line.quantity - line.discount


def spread(amount: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """``amount`` in proportion to ``weights``, each share rounded, the remainder on the largest weight."""
    whole = sum(weights, Decimal(0))
    if not weights or not whole:
        return [Decimal(0)] * len(weights)
    shares = [round_money(amount * weight / whole, currency) for weight in weights]
    largest = max(range(len(weights)), key=lambda i: weights[i])
    shares[largest] += amount - sum(shares, Decimal(0))
    return shares


def _application(discount: CheckoutDiscount, index: int) -> DiscountApplication:
    method, selection, target_type = {
        "LINES": ("EACH", "ENTITLED", "LINE_ITEM"),
        "ORDER": ("ACROSS", "ALL", "LINE_ITEM"),
        "SHIPPING": ("EACH", "ALL", "SHIPPING_LINE"),
    }[discount.target]
    return DiscountApplication(
        index,
        discount.title,
        amount=discount.amount,
        percentage=discount.percentage,
        kind=discount.kind,
        allocation_method=method,
        target_selection=selection,
        target_type=target_type,
    )


def _line_shares(discount: CheckoutDiscount, lines: list[LineItem], currency: str) -> list[Decimal]:
    if discount.target == "ORDER":
        left = [_remaining(line) for line in lines]
        if discount.percentage is not None:
            total = round_money(sum(left, Decimal(0)) * discount.percentage / 100, currency)
        else:
            total = min(discount.amount or Decimal(0), sum(left, Decimal(0)))
        return spread(total, left, currency)
    shares = []
    for line in lines:
        entitled = not discount.entitled or line.variant_id in discount.entitled
        if not entitled:
            shares.append(Decimal(0))
        elif discount.percentage is not None:
            shares.append(round_money(_remaining(line) * discount.percentage / 100, currency))
        else:
            shares.append(min((discount.amount or Decimal(0)) * line.quantity, _remaining(line)))
    return shares


def apply_checkout_discounts(
    discounts: Iterable[CheckoutDiscount],
    lines: list[LineItem],
    shipping: list[ShippingLine],
    currency: str,
    first_index: int = 0,
) -> list[DiscountApplication]:
    """Allocate ``discounts`` onto ``lines`` and ``shipping`` (in place); the order's new applications."""
    ordered = sorted(discounts, key=lambda d: TARGETS.index(d.target))
    applications = []
    for offset, discount in enumerate(ordered):
        application = _application(discount, first_index + offset)
        applications.append(application)
        if discount.target == "SHIPPING":
            for line in shipping:
                if discount.percentage is not None:
                    share = round_money(line.discounted_price * discount.percentage / 100, currency)
                else:
                    share = min(discount.amount or Decimal(0), line.discounted_price)
                if share:
                    line.discount_allocations.append(DiscountAllocation(application.index, share))
            continue
        for line, share in zip(lines, _line_shares(discount, lines, currency), strict=True):
            if share:
                line.discount_allocations.append(DiscountAllocation(application.index, share))
    return applications
