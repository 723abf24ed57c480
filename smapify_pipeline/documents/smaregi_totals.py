"""Exact yen arithmetic of a Smaregi transaction (docs/architecture.md, "Documents").

* line amount = (salesPrice − unitDiscountPrice) × quantity; ``subtotal`` = Σ line amounts (POST /transactions
  refuses a mismatch);
* tax-included goods (taxDivision 0): 内税 = amount × r / (100 + r), computed once per rate over the rate's
  goods after subtotal discounts (the per-rate, per-document rounding Japanese invoices use);
  tax-excluded goods (taxDivision 1): 外税 = amount × r / 100, added to the total; exempt goods (2): no tax;
* ``total`` = subtotal − subtotalDiscountPrice − pointDiscount − couponDiscount + roundingPrice + taxExclude
  + commission + carriage (− taxFree, not used here);
* fractions of a yen are rounded by the contract's tax rounding (``TaxRounding``; default floor, see
  :mod:`.choices`), symmetrically for negative (return) amounts.

Integers and exact fractions only: no float ever touches money.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction

from smapify_pipeline.sync import choices


class TaxRounding(Enum):
    """The contract's consumption-tax rounding; values are the ``taxRounding`` codes (UNVERIFIED)."""

    ROUND = "0"
    """四捨五入: half a yen and more rounds away from zero."""
    FLOOR = "1"
    """切り捨て."""
    CEIL = "2"
    """切り上げ."""

    @classmethod
    def default(cls) -> TaxRounding:
        return cls(choices.DEFAULT_TAX_ROUNDING_CODE)


class TaxDivision(Enum):
    """A line's ``taxDivision``."""

    INCLUDED = "0"
    EXCLUDED = "1"
    EXEMPT = "2"


def round_yen(value: Fraction, mode: TaxRounding) -> int:
    """Round an exact amount to whole yen; negative amounts round like their absolute value (symmetric, see
    :data:`.choices.NEGATIVE_AMOUNTS_ROUND_SYMMETRICALLY`), else towards −∞ / +∞ like the mode says."""
    if value < 0 and not choices.NEGATIVE_AMOUNTS_ROUND_SYMMETRICALLY:
        mirrored = {TaxRounding.FLOOR: TaxRounding.CEIL, TaxRounding.CEIL: TaxRounding.FLOOR}.get(mode, mode)
        return -round_yen(-value, mirrored)
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    whole, rest = divmod(magnitude.numerator, magnitude.denominator)
    rounds_up = mode is TaxRounding.CEIL or (mode is TaxRounding.ROUND and 2 * rest >= magnitude.denominator)
    if rest and rounds_up:
        whole += 1
    return sign * whole


def included_tax(amount: int, rate: int, mode: TaxRounding = TaxRounding.FLOOR) -> int:
    """内税 of a tax-included ``amount`` at ``rate`` percent: amount × r / (100 + r), rounded (¥1,100 @10% → ¥100)."""
    _check_rate(rate)
    return round_yen(Fraction(amount * rate, 100 + rate), mode)


def excluded_tax(amount: int, rate: int, mode: TaxRounding = TaxRounding.FLOOR) -> int:
    """外税 of a tax-excluded ``amount`` at ``rate`` percent: amount × r / 100, rounded."""
    _check_rate(rate)
    return round_yen(Fraction(amount * rate, 100), mode)


def allocate(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` yen over ``weights`` in proportion, exactly (largest remainder; ties to the first).

    ``sum(result) == total`` always. Used to spread a subtotal discount over tax rates and a rate's tax over
    its lines. Zero total weight spreads everything onto the first weight.
    """
    if not weights:
        if total:
            raise ValueError("cannot allocate a non-zero amount over nothing")
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1)
    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    shares = [Fraction(magnitude * w, weight_sum) for w in weights]
    floors = [s.numerator // s.denominator for s in shares]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [sign * f for f in floors]


@dataclass(frozen=True)
class TotalsLine:
    """One detail line as the arithmetic sees it (unit prices in yen, quantity negative for a return)."""

    sales_price: int
    quantity: int
    tax_rate: int
    """Percent: 10 standard, 8 reduced; ignored for exempt lines."""
    unit_discount: int = 0
    tax_division: TaxDivision = TaxDivision.INCLUDED

    @property
    def amount(self) -> int:
        return (self.sales_price - self.unit_discount) * self.quantity


@dataclass(frozen=True)
class TransactionTotals:
    """The head figures of a transaction, all integer yen."""

    subtotal: int
    subtotal_discount: int
    point_discount: int
    coupon_discount: int
    rounding_price: int
    carriage: int
    commission: int
    tax_include: int
    tax_exclude: int
    total: int
    amount: int
    """Item count (Σ quantity)."""
    included_tax_by_rate: dict[int, int] = field(default_factory=dict)
    """内税 per rate (percent → yen); sums to ``tax_include``."""
    taxable_by_rate: dict[int, int] = field(default_factory=dict)
    """Tax-included goods per rate after the subtotal discounts (the base of ``included_tax_by_rate``)."""


def compute_totals(
    lines: list[TotalsLine],
    *,
    subtotal_discount: int = 0,
    point_discount: int = 0,
    coupon_discount: int = 0,
    rounding_price: int = 0,
    carriage: int = 0,
    commission: int = 0,
    rounding: TaxRounding = TaxRounding.FLOOR,
) -> TransactionTotals:
    """Head totals of a transaction built from ``lines``, by Smaregi's formula.

    Subtotal-level discounts (subtotal, point, coupon) reduce each tax group's base in proportion to its goods
    before the tax is taken; carriage joins the standard rate's base when :data:`.choices.CARRIAGE_IN_TAX_INCLUDE`.
    """
    subtotal = sum(line.amount for line in lines)
    gross: dict[tuple[TaxDivision, int], int] = defaultdict(int)
    for line in lines:
        rate = 0 if line.tax_division is TaxDivision.EXEMPT else line.tax_rate
        gross[(line.tax_division, rate)] += line.amount
    groups = sorted(gross, key=lambda group: (group[0].value, -group[1]))
    discount = subtotal_discount + point_discount + coupon_discount
    shares = allocate(discount, [gross[g] for g in groups]) if groups else []
    if not groups and discount:
        raise ValueError("a discount needs at least one line")
    included: dict[int, int] = {}
    taxable: dict[int, int] = {}
    tax_exclude = 0
    for group, share in zip(groups, shares, strict=True):
        division, rate = group
        base = gross[group] - share
        if division is TaxDivision.INCLUDED:
            taxable[rate] = taxable.get(rate, 0) + base
        elif division is TaxDivision.EXCLUDED:
            tax_exclude += excluded_tax(base, rate, rounding)
    if choices.CARRIAGE_IN_TAX_INCLUDE and carriage:
        taxable[choices.STANDARD_TAX_RATE] = taxable.get(choices.STANDARD_TAX_RATE, 0) + carriage
    for rate, base in taxable.items():
        included[rate] = included_tax(base, rate, rounding)
    total = subtotal - discount + rounding_price + tax_exclude + commission + carriage
    return TransactionTotals(
        subtotal=subtotal,
        subtotal_discount=subtotal_discount,
        point_discount=point_discount,
        coupon_discount=coupon_discount,
        rounding_price=rounding_price,
        carriage=carriage,
        commission=commission,
        tax_include=sum(included.values()),
        tax_exclude=tax_exclude,
        total=total,
        amount=sum(line.quantity for line in lines),
        included_tax_by_rate=dict(sorted(included.items(), reverse=True)),
        taxable_by_rate=dict(sorted(taxable.items(), reverse=True)),
    )


def _check_rate(rate: int) -> None:
    if not isinstance(rate, int) or not 0 <= rate < 100:
        raise ValueError(f"tax rate must be an integer percent, got {rate!r}")


def split_line_total(line_total: int, quantity: int) -> list[tuple[int, int]]:
    """Whole-yen unit prices whose units sum exactly to ``line_total``: [(unit price, units), …].

    A discounted Shopify line (¥1,999 for 2 units) has no whole-yen unit price, so it becomes ¥1,000 × 1 and
    ¥999 × 1. ``quantity`` must be positive; one entry when the total divides evenly.
    """
    if quantity <= 0:
        raise ValueError(f"quantity must be positive, got {quantity}")
    base, extra = divmod(line_total, quantity)
    parts = [(base + 1, extra), (base, quantity - extra)]
    return [(price, units) for price, units in parts if units]
