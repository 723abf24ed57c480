"""Property-style checks over seeded random documents (hypothesis is not installed): mapped totals and tax lines
agree with Smaregi's arithmetic to the yen, in both directions. The tax here is recomputed independently with
plain fractions, per rate, floor rounding; shipping (carriage) is taxed at 10 % with the goods of that rate
(``choices.CARRIAGE_IN_TAX_INCLUDE``)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from fractions import Fraction

import pytest

from smapify_pipeline.documents.orders import order_to_transaction, sale_to_order
from smapify_pipeline.documents.refunds import refund_to_return
from smapify_pipeline.documents.smaregi_totals import TotalsLine, compute_totals
from smapify_pipeline.sync.records import ShopifyOrderLine, ShopifyRefund, ShopifyRefundLine, SmaregiLine
from tests.unit.scenario import AT, CTX, LINKS, LOCATION_L, online_order, sale

PRODUCTS = [
    ("8000001", "4901234567894", 10),
    ("8000002", "4901234567900", 8),
    ("8000099", "4900000000001", 10),
]
VARIANTS = {"8000001": "gid://shopify/ProductVariant/201", "8000002": "gid://shopify/ProductVariant/202"}


def floor_tax_by_rate(amounts: list[tuple[int, int]]) -> dict[int, int]:
    base: dict[int, int] = defaultdict(int)
    for amount, rate in amounts:
        base[rate] += amount
    return {
        rate: int(Fraction(total * rate, 100 + rate))
        if total >= 0
        else -int(Fraction(-total * rate, 100 + rate))
        for rate, total in base.items()
    }


def money(item: dict) -> int:  # type: ignore[type-arg]
    return int(item["priceSet"]["shopMoney"]["amount"])


@pytest.mark.parametrize("seed", range(40))
def test_mirrored_sale_order_totals_and_tax_lines_equal_smaregi(seed: int) -> None:
    rng = random.Random(seed)
    lines = []
    for number in range(1, rng.randint(1, 6) + 1):
        product_id, code, rate = rng.choice(PRODUCTS)
        price = rng.randrange(100, 20_000, 10) + rng.choice([0, 0, 1, 3, 7])
        lines.append(
            SmaregiLine(
                str(number),
                product_id,
                code,
                f"商品{number}",
                price,
                rng.randint(1, 5),
                rate,
                unit_discount=rng.choice([0, 0, 10, 33]),
            )
        )
    goods = sum(line.net_unit_price * line.quantity for line in lines)
    discount = rng.choice([0, 0, rng.randint(1, goods // 3)])
    carriage = rng.choice([0, 500, 880])
    smaregi = compute_totals(
        [TotalsLine(line.net_unit_price, line.quantity, line.tax_rate) for line in lines],
        subtotal_discount=discount,
        carriage=carriage,
    )
    nudge = rng.choice([0, 0, 1])  # a contract that rounds differently states a tax we would not compute
    stated = smaregi.tax_include + nudge
    txn = sale(*lines, total=smaregi.total, tax_include=stated, subtotal_discount=discount, carriage=carriage)
    plan = sale_to_order(txn, CTX, LINKS)
    order = plan.variables["order"]
    items = order["lineItems"]
    shipping = sum(money(s) for s in order.get("shippingLines", []))
    assert sum(money(item) * item["quantity"] for item in items) + shipping == smaregi.total
    taxes: dict[str, int] = defaultdict(int)
    for item in [*items, *order.get("shippingLines", [])]:
        for tax_line in item.get("taxLines", []):
            taxes[tax_line["rate"]] += money(tax_line)
    assert sum(taxes.values()) == stated
    if discount == 0 and nudge == 0:
        independent = floor_tax_by_rate(
            [(line.net_unit_price * line.quantity, line.tax_rate) for line in lines]
            + ([(carriage, 10)] if carriage else [])
        )
        assert dict(taxes) == {("0.1" if rate == 10 else "0.08"): tax for rate, tax in independent.items()}
    assert all(money(item) >= 0 for item in items)


@pytest.mark.parametrize("seed", range(40))
def test_mirrored_order_transaction_totals_equal_shopify(seed: int) -> None:
    rng = random.Random(1_000 + seed)
    lines = []
    for number in range(1, rng.randint(1, 6) + 1):
        product_id, code, rate = rng.choice(PRODUCTS[:2])
        quantity = rng.randint(1, 4)
        unit = rng.randrange(100, 20_000, 10)
        discounted = unit * quantity - rng.choice([0, 0, rng.randint(0, unit * quantity // 2)])
        lines.append(
            ShopifyOrderLine(
                f"gid://shopify/LineItem/{number}",
                VARIANTS[product_id],
                code,
                f"商品{number}",
                quantity,
                unit,
                discounted,
                rate,
            )
        )
    shipping = rng.choice([0, 0, 500, 1_100])
    order = online_order(*lines, shipping=shipping)
    body = order_to_transaction(order, CTX, LINKS).body
    shopify_total = sum(line.discounted_total for line in lines) + shipping
    detail_amounts = [
        (int(d["salesPrice"]) - int(d["unitDiscountPrice"])) * int(d["quantity"]) for d in body["details"]
    ]
    assert int(body["subtotal"]) == sum(detail_amounts) == shopify_total - shipping
    assert int(body["total"]) == shopify_total
    assert all(int(d["unitDiscountPrice"]) >= 0 for d in body["details"])
    rates = {VARIANTS[p]: r for p, _, r in PRODUCTS[:2]}
    expected = floor_tax_by_rate(
        [(line.discounted_total, rates[line.variant_id or ""]) for line in lines] + [(shipping, 10)]
    )
    assert int(body["taxInclude"]) == sum(expected.values())

    returned = [line for line in lines if rng.random() < 0.6] or lines[:1]
    refund = ShopifyRefund(
        "gid://shopify/Refund/1",
        order.order_id,
        AT + timedelta(hours=1),
        tuple(
            ShopifyRefundLine(
                line.line_item_id,
                line.quantity,
                rng.choice(["RETURN", "NO_RESTOCK"]),
                LOCATION_L,
                line.discounted_total,
            )
            for line in returned
        ),
    )
    back = refund_to_return(refund, order, CTX, LINKS).body
    assert int(back["total"]) == -sum(line.discounted_total for line in returned)
    assert int(back["taxInclude"]) == -sum(
        floor_tax_by_rate(
            [(line.discounted_total, rates[line.variant_id or ""]) for line in returned]
        ).values()
    )
