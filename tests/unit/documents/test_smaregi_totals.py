"""The Smaregi tax and total arithmetic, to the yen (docs/architecture.md, "Documents")."""

from fractions import Fraction

import pytest

from smapify_pipeline.documents.smaregi_totals import (
    TaxDivision,
    TaxRounding,
    TotalsLine,
    allocate,
    compute_totals,
    excluded_tax,
    included_tax,
    round_yen,
)


@pytest.mark.parametrize(
    ("amount", "rate", "mode", "tax"),
    [
        (1_100, 10, TaxRounding.FLOOR, 100),
        (1_080, 8, TaxRounding.FLOOR, 80),
        (999, 10, TaxRounding.FLOOR, 90),  # 90.818…
        (999, 10, TaxRounding.ROUND, 91),
        (999, 10, TaxRounding.CEIL, 91),
        (1_001, 10, TaxRounding.CEIL, 91),  # exactly 91
        (1_002, 10, TaxRounding.CEIL, 92),  # 91.09…
        (1_002, 10, TaxRounding.ROUND, 91),
        (120, 10, TaxRounding.FLOOR, 10),  # 10.909…
        (1, 10, TaxRounding.FLOOR, 0),
        (1, 10, TaxRounding.CEIL, 1),
        (0, 10, TaxRounding.CEIL, 0),
        (2_200, 10, TaxRounding.FLOOR, 200),
        (500, 8, TaxRounding.FLOOR, 37),  # 37.037…
    ],
)
def test_included_tax(amount: int, rate: int, mode: TaxRounding, tax: int) -> None:
    assert included_tax(amount, rate, mode) == tax


def test_round_half_goes_up_only_in_round_mode() -> None:
    half = Fraction(21, 2)
    assert round_yen(half, TaxRounding.ROUND) == 11
    assert round_yen(half, TaxRounding.FLOOR) == 10
    assert round_yen(half, TaxRounding.CEIL) == 11


def test_negative_amounts_round_like_their_absolute_value() -> None:
    for mode in TaxRounding:
        assert included_tax(-999, 10, mode) == -included_tax(999, 10, mode)


def test_excluded_tax() -> None:
    assert excluded_tax(1_000, 10) == 100
    assert excluded_tax(999, 8, TaxRounding.FLOOR) == 79  # 79.92
    assert excluded_tax(999, 8, TaxRounding.ROUND) == 80


def test_rate_must_be_an_integer_percent() -> None:
    with pytest.raises(ValueError):
        included_tax(100, 0.1, TaxRounding.FLOOR)  # type: ignore[arg-type]


def test_default_rounding_is_floor() -> None:
    assert TaxRounding.default() is TaxRounding.FLOOR


def test_single_ten_percent_line() -> None:
    totals = compute_totals([TotalsLine(sales_price=1_100, quantity=2, tax_rate=10)])
    assert (totals.subtotal, totals.total, totals.tax_include, totals.amount) == (2_200, 2_200, 200, 2)
    assert totals.included_tax_by_rate == {10: 200}


def test_mixed_rates_take_tax_once_per_rate() -> None:
    lines = [
        TotalsLine(sales_price=333, quantity=1, tax_rate=10),
        TotalsLine(sales_price=333, quantity=2, tax_rate=10),
        TotalsLine(sales_price=1_080, quantity=1, tax_rate=8),
    ]
    totals = compute_totals(lines)
    assert totals.subtotal == 999 + 1_080
    assert totals.included_tax_by_rate == {10: 90, 8: 80}  # per rate: floor(999/11) = 90, not 30 + 60
    assert totals.tax_include == 170
    assert totals.total == 2_079


def test_line_discounts_are_per_unit() -> None:
    line = TotalsLine(sales_price=1_100, quantity=3, tax_rate=10, unit_discount=100)
    totals = compute_totals([line])
    assert totals.subtotal == 3_000
    assert totals.tax_include == 272  # 3000 × 10/110 = 272.7


def test_carriage_adds_to_total_and_to_the_standard_rate_of_included_tax() -> None:
    totals = compute_totals([TotalsLine(1_100, 3, 10)], carriage=500)
    assert (totals.subtotal, totals.carriage, totals.total, totals.tax_include) == (3_300, 500, 3_800, 345)
    assert totals.taxable_by_rate == {10: 3_800}


def test_the_merchants_case_shipping_tax_is_in_tax_include() -> None:
    """Issue 11 item 3: ¥9,108 at 10 %, ¥7,452 at 8 % and ¥800 shipping = ¥17,360. Without the shipping's tax
    Smaregi stated ¥1,380 against Shopify's ¥1,453; with it, floor(9,908 × 10/110) + floor(7,452 × 8/108)."""
    totals = compute_totals([TotalsLine(9_108, 1, 10), TotalsLine(7_452, 1, 8)], carriage=800)
    assert totals.total == 17_360
    assert totals.included_tax_by_rate == {10: 900, 8: 552}


def test_subtotal_discount_reduces_each_rate_base_in_proportion() -> None:
    lines = [TotalsLine(1_100, 1, 10), TotalsLine(1_100, 1, 8)]
    totals = compute_totals(lines, subtotal_discount=201)
    assert totals.taxable_by_rate == {10: 999, 8: 1_000}  # 201 split 101 / 100, ties to the first group
    assert totals.included_tax_by_rate == {10: 90, 8: 74}
    assert totals.total == 2_200 - 201


def test_full_formula() -> None:
    totals = compute_totals(
        [TotalsLine(1_000, 1, 10, tax_division=TaxDivision.EXCLUDED), TotalsLine(540, 1, 8)],
        point_discount=40,
        coupon_discount=0,
        rounding_price=-1,
        carriage=300,
        commission=330,
    )
    # discount 40 split over 1000 and 540 → 26 / 14; 外税 floor(974 × 0.1) = 97; 内税 floor(526 × 8/108) = 38;
    # carriage 300 is 10 % tax-included: floor(300 × 10/110) = 27
    assert totals.tax_exclude == 97
    assert totals.included_tax_by_rate == {10: 27, 8: 38}
    assert totals.total == 1_540 - 40 - 1 + 97 + 330 + 300


def test_exempt_lines_carry_no_tax() -> None:
    totals = compute_totals([TotalsLine(1_000, 1, 10, tax_division=TaxDivision.EXEMPT)])
    assert (totals.tax_include, totals.tax_exclude, totals.total) == (0, 0, 1_000)


def test_a_full_return_is_the_exact_negative_of_its_sale() -> None:
    sale = compute_totals([TotalsLine(999, 1, 10), TotalsLine(1_080, 2, 8)])
    back = compute_totals([TotalsLine(999, -1, 10), TotalsLine(1_080, -2, 8)])
    assert (back.subtotal, back.tax_include, back.total) == (-sale.subtotal, -sale.tax_include, -sale.total)


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (10, [1, 1, 1], [4, 3, 3]),
        (-10, [1, 1, 1], [-4, -3, -3]),
        (100, [999, 1], [100, 0]),
        (5, [0, 0], [5, 0]),
        (0, [3, 4], [0, 0]),
        (7, [2, 5], [2, 5]),
    ],
)
def test_allocate_is_exact(total: int, weights: list[int], expected: list[int]) -> None:
    assert allocate(total, weights) == expected
    assert sum(allocate(total, weights)) == total
