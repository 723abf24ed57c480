"""Smaregi's transaction arithmetic as the sandbox enforces it on ``POST /transactions``.

From Smaregi's official 取引登録 (transaction registration) page:

* ``subtotal`` = Σ lines (``salesPrice`` − ``unitDiscountPrice``) × ``quantity`` — a mismatch is an error;
* ``total`` = ``subtotal`` − ``subtotalDiscountPrice`` − ``pointDiscount`` − ``couponDiscount``
  + ``roundingPrice`` + ``taxExclude`` + ``commission`` + ``carriage`` − ``taxFree`` — a mismatch is an error;
* ``taxInclude`` = tax-included goods × r/(100+r); ``taxExclude`` = tax-excluded goods × r/100, per rate,
  fractions by the contract's tax rounding (sandbox: 切り捨て, towards zero for returns); ``carriage`` joins the
  tax-included standard-rate goods when ``choices.CARRIAGE_IN_TAX_INCLUDE`` says so.

Head discounts (``subtotalDiscountPrice`` + ``pointDiscount`` + ``couponDiscount``) lower the taxable base of
each (tax division, rate) group in proportion to the group's amount (floored, remainder to the largest
group) — Smaregi's documentation does not spell this allocation out; it is the sandbox's choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from smapify_pipeline.sandbox.smaregi import choices

TAX_INCLUDED = "0"
TAX_EXCLUDED = "1"
TAX_EXEMPT = "2"


@dataclass(frozen=True)
class Line:
    sales_price: int
    unit_discount_price: int
    quantity: int
    tax_division: str
    tax_rate: int

    @property
    def amount(self) -> int:
        return (self.sales_price - self.unit_discount_price) * self.quantity


@dataclass(frozen=True)
class HeadAdjustments:
    subtotal_discount_price: int = 0
    point_discount: int = 0
    coupon_discount: int = 0
    rounding_price: int = 0
    commission: int = 0
    carriage: int = 0
    tax_free: int = 0

    @property
    def discounts(self) -> int:
        return self.subtotal_discount_price + self.point_discount + self.coupon_discount


def round_fraction(numerator: int, denominator: int, mode: str = "floor") -> int:
    """numerator / denominator rounded on its absolute value (floor 切り捨て, ceil 切り上げ, round 四捨五入)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    if mode == "floor":
        value = n // d
    elif mode == "ceil":
        value = -(-n // d)
    elif mode == "round":
        value = (2 * n + d) // (2 * d)
    else:
        raise ValueError(f"unknown tax rounding {mode!r}")
    return sign * value


def subtotal(lines: Iterable[Line]) -> int:
    return sum(line.amount for line in lines)


def _allocate(groups: dict[tuple[str, int], int], discount: int) -> dict[tuple[str, int], int]:
    """Each group's amount after its proportional share of the head discount."""
    total = sum(groups.values())
    if not discount or not total:
        return dict(groups)
    shares = {key: amount * discount // total if amount >= 0 else 0 for key, amount in groups.items()}
    largest = max(groups, key=lambda key: groups[key])
    shares[largest] += discount - sum(shares.values())
    return {key: amount - shares[key] for key, amount in groups.items()}


def taxes(lines: Iterable[Line], adjustments: HeadAdjustments, rounding: str = "floor") -> tuple[int, int]:
    """(taxInclude, taxExclude) for the lines after head discounts."""
    groups: dict[tuple[str, int], int] = {}
    for line in lines:
        if line.tax_division == TAX_EXEMPT:
            continue
        key = (line.tax_division, line.tax_rate)
        groups[key] = groups.get(key, 0) + line.amount
    tax_include = tax_exclude = 0
    bases = _allocate(groups, adjustments.discounts)
    if choices.CARRIAGE_IN_TAX_INCLUDE and adjustments.carriage:
        standard = (TAX_INCLUDED, choices.STANDARD_TAX_RATE)
        bases[standard] = bases.get(standard, 0) + adjustments.carriage
    for (division, rate), base in bases.items():
        if division == TAX_INCLUDED:
            tax_include += round_fraction(base * rate, 100 + rate, rounding)
        else:
            tax_exclude += round_fraction(base * rate, 100, rounding)
    return tax_include, tax_exclude


def total(subtotal_value: int, tax_exclude: int, adjustments: HeadAdjustments) -> int:
    return (
        subtotal_value
        - adjustments.discounts
        + adjustments.rounding_price
        + tax_exclude
        + adjustments.commission
        + adjustments.carriage
        - adjustments.tax_free
    )
