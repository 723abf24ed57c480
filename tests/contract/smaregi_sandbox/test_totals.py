"""Smaregi's transaction arithmetic as the sandbox enforces it (pure functions, no HTTP)."""

from __future__ import annotations

import pytest

from smapify_pipeline.sandbox.smaregi import totals
from smapify_pipeline.sandbox.smaregi.totals import HeadAdjustments, Line


@pytest.mark.parametrize(
    ("numerator", "denominator", "mode", "expected"),
    [
        (2200 * 10, 110, "floor", 200),
        (1099 * 10, 110, "floor", 99),
        (1099 * 10, 110, "ceil", 100),
        (1095 * 10, 110, "round", 100),
        (-1099 * 10, 110, "floor", -99),
        (-1099 * 10, 110, "ceil", -100),
    ],
)
def test_rounding_works_on_the_absolute_value(
    numerator: int, denominator: int, mode: str, expected: int
) -> None:
    assert totals.round_fraction(numerator, denominator, mode) == expected


def test_subtotal_is_lines_after_unit_discounts() -> None:
    lines = [Line(1100, 100, 2, "0", 10), Line(540, 0, 1, "0", 8)]
    assert totals.subtotal(lines) == 2000 + 540


def test_tax_per_rate_for_included_and_excluded_goods() -> None:
    lines = [
        Line(1100, 0, 1, "0", 10),
        Line(1080, 0, 1, "0", 8),
        Line(1000, 0, 1, "1", 10),
        Line(500, 0, 1, "2", 10),
    ]
    tax_include, tax_exclude = totals.taxes(lines, HeadAdjustments())
    assert tax_include == 100 + 80
    assert tax_exclude == 100


def test_head_discount_lowers_the_taxable_base_in_proportion() -> None:
    lines = [Line(1100, 0, 1, "0", 10), Line(1100, 0, 1, "0", 8)]
    tax_include, _ = totals.taxes(lines, HeadAdjustments(subtotal_discount_price=220))
    assert tax_include == (990 * 10) // 110 + (990 * 8) // 108


def test_total_formula() -> None:
    adjustments = HeadAdjustments(subtotal_discount_price=100, point_discount=50, coupon_discount=10,
                                  rounding_price=-3, commission=300, carriage=500, tax_free=20)  # fmt: skip
    assert totals.total(10_000, 700, adjustments) == 10_000 - 100 - 50 - 10 - 3 + 700 + 300 + 500 - 20
