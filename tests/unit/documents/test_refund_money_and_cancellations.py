"""Refund money (shipping, goodwill, discrepancies) and the 打消 of a cancelled online order, decided by the pure
rules (tests/e2e/test_day_refunds.py drives the same cases for real)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from smapify_pipeline.documents.cancellations import dispose_cancelled_order
from smapify_pipeline.documents.classify import Mirror, classify_shopify_refund
from smapify_pipeline.documents.refunds import refund_to_return
from smapify_pipeline.sync.records import ShopifyRefund, ShopifyRefundLine, UnmappableDocument
from tests.unit.scenario import (
    AT,
    CTX,
    LINKS,
    LOCATION_L,
    LOCATION_L2,
    STORE_S,
    STORE_S2,
    TWO_PAIRS,
    X_PRODUCT,
    online_order,
    order_line,
)

ORDER = online_order(order_line(2), shipping=800, cancelled=True, cancelled_at=AT + timedelta(hours=2))
WITH_CATEGORY = replace(CTX, unlinked_category_id="9")


def _refund(*lines: ShopifyRefundLine, **extra: object) -> ShopifyRefund:
    return ShopifyRefund("gid://shopify/Refund/7001", ORDER.order_id, AT + timedelta(days=1), lines, **extra)  # type: ignore[arg-type]


def _line(quantity: int, restock: str = "RETURN", location: str | None = LOCATION_L) -> ShopifyRefundLine:
    return ShopifyRefundLine("gid://shopify/LineItem/401", quantity, restock, location, 1_100 * quantity)


def test_a_money_only_refund_is_mirrored_and_an_empty_one_is_ignored_with_a_reason() -> None:
    assert classify_shopify_refund(_refund(money=500), True).mirror is Mirror.REFUND
    assert classify_shopify_refund(_refund(shipping=800, money=800), True).mirror is Mirror.REFUND
    empty = classify_shopify_refund(_refund(money=0), True)
    assert (empty.mirror, empty.reason) == (Mirror.IGNORE, "refunds no line, no shipping and no money")


def test_refunded_shipping_is_negative_carriage_and_the_total_is_the_money_paid_back() -> None:
    plan = refund_to_return(_refund(_line(2), shipping=800, money=3_000), ORDER, CTX, LINKS)
    body = plan.body
    # Carriage is taxed at 10 % with the goods (CARRIAGE_IN_TAX_INCLUDE): −(2,200 + 800) × 10 / 110 → −272.
    assert (body["total"], body["carriage"], body["taxInclude"]) == ("-3000", "-800", "-272")
    assert [(d["quantity"], d["salesPrice"]) for d in body["details"]] == [("-2", "1100")]


def test_a_goodwill_refund_is_one_untaxed_adjustment_line_that_moves_no_stock() -> None:
    plan = refund_to_return(_refund(money=500), ORDER, WITH_CATEGORY, LINKS)
    (detail,) = plan.body["details"]
    assert detail == {
        "transactionDetailId": "1",
        "transactionDetailDivision": "2",
        "salesPrice": "500",
        "unitDiscountPrice": "0",
        "quantity": "-1",
        "categoryId": "9",
        "productName": "返金調整",
    }
    assert (plan.body["total"], plan.body["taxInclude"]) == ("-500", "0")
    assert plan.stock_adds == ()


def test_a_refund_paying_back_less_than_its_lines_carries_the_shortfall_as_a_sale_line() -> None:
    plan = refund_to_return(_refund(_line(1), money=1_000), ORDER, WITH_CATEGORY, LINKS)
    assert [
        (d["transactionDetailDivision"], d["quantity"], d["salesPrice"]) for d in plan.body["details"]
    ] == [
        ("2", "-1", "1100"),
        ("3", "1", "100"),
    ]
    assert plan.body["total"] == "-1000"


def test_money_beyond_the_lines_needs_somewhere_to_go() -> None:
    with pytest.raises(UnmappableDocument, match="neither a product nor a category"):
        refund_to_return(_refund(money=500), ORDER, CTX, LINKS)


@pytest.mark.parametrize(
    ("refund_line", "ctx", "adds"),
    [
        (_line(2, "CANCEL"), CTX, []),
        (_line(2, "NO_RESTOCK", None), CTX, [(X_PRODUCT, STORE_S, -2)]),
        (_line(2, "RETURN", LOCATION_L2), TWO_PAIRS, [(X_PRODUCT, STORE_S, -2), (X_PRODUCT, STORE_S2, 2)]),
    ],
    ids=["restocked-where-sold", "not-restocked", "restocked-elsewhere"],
)
def test_the_reversal_restocks_at_the_sale_store_and_adds_move_units_where_shopify_left_them(
    refund_line: ShopifyRefundLine, ctx: object, adds: list[tuple[str, str, int]]
) -> None:
    plan = dispose_cancelled_order(
        ORDER, [_refund(refund_line)], "88", STORE_S, ORDER.cancelled_at, ctx, LINKS
    )  # type: ignore[arg-type]
    assert plan.key == "shopify:order:5001:dispose"
    assert plan.transaction_head_id == "88"
    assert plan.body == {"terminalTranDateTime": "2026-09-01T16:30:00+09:00"}
    assert [(a.product_id, a.store_id, a.delta) for a in plan.stock_adds] == adds
