"""The document cases, decided by the pure document rules (the end-to-end tests drive the same rows for real)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from smapify_pipeline.documents.classify import (
    Mirror,
    classify_shopify_order,
    classify_shopify_refund,
    classify_smaregi_transaction,
)
from smapify_pipeline.documents.orders import order_to_transaction, sale_to_order
from smapify_pipeline.documents.refunds import refund_to_return, return_restock, smaregi_to_refund
from smapify_pipeline.sync import markers
from smapify_pipeline.sync.records import (
    ShopifyRefund,
    ShopifyRefundLine,
    SmaregiLine,
    SyncContext,
    UnmappableDocument,
)
from tests.unit.scenario import (
    AT,
    CONTRACT,
    CTX,
    FOOD_CODE,
    FOOD_ITEM,
    FOOD_PRODUCT,
    FOOD_VARIANT,
    LINKS,
    LOCATION_L,
    LOCATION_L2,
    STORE_S,
    STORE_S2,
    TWO_PAIRS,
    X_ITEM,
    X_PRODUCT,
    X_VARIANT,
    online_order,
    order_line,
    sale,
    x_line,
)

ORDER_ID = "gid://shopify/Order/5001"
D1_ORDER = online_order(
    order_line(2),
    order_id=ORDER_ID,
    source_name="smapify",
    parent_transaction_id="gid://shopify/OrderTransaction/9",
    refundable_amount=2_200,
)


def refund(
    *lines: ShopifyRefundLine, refund_id: str = "gid://shopify/Refund/7001", **extra: object
) -> ShopifyRefund:
    return ShopifyRefund(refund_id, ORDER_ID, AT + timedelta(days=1), tuple(lines), **extra)  # type: ignore[arg-type]


def test_d1_pos_sale_becomes_a_paid_fulfilled_order_and_one_adjustment() -> None:
    txn = sale(x_line(2), tax_include=200)
    (decision,) = classify_smaregi_transaction(txn, mirrored_sales={})
    assert decision.mirror is Mirror.SALE
    plan = sale_to_order(txn, CTX, LINKS)
    order, options = plan.variables["order"], plan.variables["options"]
    assert plan.key == f"smaregi:{CONTRACT}:txn:25:order"
    assert order["lineItems"] == [
        {
            "quantity": 2,
            "priceSet": {"shopMoney": {"amount": "1100", "currencyCode": "JPY"}},
            "variantId": X_VARIANT,
            "taxLines": [
                {
                    "title": "消費税 10%",
                    "rate": "0.1",
                    "priceSet": {"shopMoney": {"amount": "200", "currencyCode": "JPY"}},
                }
            ],
        }
    ]
    assert (order["financialStatus"], order["fulfillmentStatus"], order["taxesIncluded"]) == (
        "PAID",
        "FULFILLED",
        True,
    )
    assert order["sourceName"] == "smapify"
    assert order["processedAt"] == "2026-09-01T14:30:00+09:00"
    assert markers.order_source(order["sourceIdentifier"], tuple(order["tags"])) == markers.SmaregiSource(
        CONTRACT, "25"
    )
    assert order["transactions"][0]["amountSet"]["shopMoney"]["amount"] == "2200"
    assert options["inventoryBehaviour"] == "BYPASS"
    assert plan.total == 2_200
    assert plan.stock is not None
    assert [(c.inventory_item_id, c.location_id, c.delta) for c in plan.stock.changes] == [
        (X_ITEM, LOCATION_L, -2)
    ]
    variables = plan.stock.variables({(X_ITEM, LOCATION_L): 10})
    assert variables["input"]["changes"][0]["changeFromQuantity"] == 10
    assert variables["input"]["name"] == "available"


def test_d2_online_order_becomes_a_smaregi_sale_at_the_online_store() -> None:
    order = online_order(order_line(3))
    assert classify_shopify_order(order).mirror is Mirror.ORDER
    plan = order_to_transaction(order, CTX, LINKS)
    body = plan.body
    assert plan.key == "shopify:order:5001:txn"
    assert body["storeId"] == STORE_S
    assert body["details"] == [
        {
            "transactionDetailId": "1",
            "transactionDetailDivision": "1",
            "salesPrice": "1100",
            "unitDiscountPrice": "0",
            "quantity": "3",
            "productId": X_PRODUCT,
        }
    ]
    assert (body["subtotal"], body["total"], body["taxInclude"]) == ("3300", "3300", "300")
    assert body["terminalTranDateTime"] == "2026-09-01T14:30:00+09:00"
    assert markers.transaction_source(body["memo"]) == markers.ShopifySource("order", "5001")
    assert len(body["terminalTranId"]) <= 10
    assert all(isinstance(value, str) for key, value in body.items() if key != "details")
    assert all(isinstance(v, str) for detail in body["details"] for v in detail.values())
    assert plan.stock_adds == ()  # the Smaregi sale moves Smaregi stock by itself


def test_d2_units_taken_at_another_location_move_to_its_store() -> None:
    order = online_order(order_line(3, stock_location_id=LOCATION_L2))
    plan = order_to_transaction(order, TWO_PAIRS, LINKS)
    assert [(a.product_id, a.store_id, a.delta) for a in plan.stock_adds] == [
        (X_PRODUCT, STORE_S, 3),
        (X_PRODUCT, STORE_S2, -3),
    ]
    assert plan.stock_adds[0].body() == {
        "storeId": STORE_S,
        "stockAmount": "3",
        "stockHistory": {"memo": plan.memo},
    }


def test_d3_refund_with_return_restock_is_a_smaregi_return_without_compensation() -> None:
    order = online_order(order_line(3))
    shopify_refund = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 1, "RETURN", LOCATION_L, 1_100))
    assert classify_shopify_refund(shopify_refund, order_on_smaregi=True).mirror is Mirror.REFUND
    plan = refund_to_return(shopify_refund, order, CTX, LINKS)
    (detail,) = plan.body["details"]
    assert (detail["transactionDetailDivision"], detail["quantity"], detail["salesPrice"]) == (
        "2",
        "-1",
        "1100",
    )
    assert (plan.body["subtotal"], plan.body["total"], plan.body["taxInclude"]) == ("-1100", "-1100", "-100")
    assert plan.key == "shopify:refund:7001:txn"
    assert markers.transaction_source(plan.body["memo"]) == markers.ShopifySource("refund", "7001")
    assert plan.stock_adds == ()  # the return restocks 1 at S, where Shopify restocked it


def test_d4_no_restock_refund_gets_a_compensating_stock_add() -> None:
    order = online_order(order_line(3))
    shopify_refund = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 1, "NO_RESTOCK", None, 1_100))
    plan = refund_to_return(shopify_refund, order, CTX, LINKS)
    assert plan.body["total"] == "-1100"
    assert [(a.product_id, a.store_id, a.delta) for a in plan.stock_adds] == [(X_PRODUCT, STORE_S, -1)]
    assert plan.stock_adds[0].key == "shopify:refund:7001:stock:8000001@1"


def test_d5_cancel_refund_is_mirrored_like_a_return() -> None:
    order = online_order(order_line(3))
    shopify_refund = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 1, "CANCEL", LOCATION_L, 1_100))
    cancel = refund_to_return(shopify_refund, order, CTX, LINKS)
    returned = refund_to_return(
        refund(ShopifyRefundLine("gid://shopify/LineItem/401", 1, "RETURN", LOCATION_L, 1_100)),
        order,
        CTX,
        LINKS,
    )
    assert cancel.body == returned.body
    assert cancel.stock_adds == ()


def test_refund_restocked_at_another_pair_moves_the_unit_there() -> None:
    order = online_order(order_line(3))
    shopify_refund = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 2, "RETURN", LOCATION_L2, 2_200))
    plan = refund_to_return(shopify_refund, order, TWO_PAIRS, LINKS)
    assert [(a.store_id, a.delta) for a in plan.stock_adds] == [(STORE_S, -2), (STORE_S2, 2)]


def test_d6_smaregi_line_return_refunds_that_line_with_restock_at_the_pair() -> None:
    txn = sale(x_line(-1), head_id="26", dispose_server_transaction_head_id="25")
    (decision,) = classify_smaregi_transaction(txn, mirrored_sales={"25": ORDER_ID})
    assert (decision.mirror, decision.original_transaction_head_id) == (Mirror.RETURN, "25")
    plan = smaregi_to_refund(txn, "return", D1_ORDER, CTX, LINKS)
    refund_input = plan.variables["input"]
    assert refund_input["refundLineItems"] == [
        {
            "lineItemId": "gid://shopify/LineItem/401",
            "quantity": 1,
            "restockType": "RETURN",
            "locationId": LOCATION_L,
        }
    ]
    assert refund_input["transactions"][0]["amount"] == "1100"
    assert markers.refund_is_ours(refund_input["note"])
    assert plan.key == f"smaregi:{CONTRACT}:txn:26:return"


@pytest.mark.parametrize(
    ("event", "txn"),
    [
        ("void", sale(x_line(2), cancel_division="1")),
        (
            "reversal",
            sale(
                x_line(-2),
                head_id="27",
                total=-2_200,
                dispose_division="2",
                dispose_server_transaction_head_id="25",
            ),
        ),
    ],
)
def test_d7_d8_void_or_reversal_refunds_the_whole_order(event: str, txn: object) -> None:
    (decision,) = classify_smaregi_transaction(txn, mirrored_sales={"25": ORDER_ID})  # type: ignore[arg-type]
    assert decision.mirror.value == event
    plan = smaregi_to_refund(txn, event, D1_ORDER, CTX, LINKS)  # type: ignore[arg-type]
    assert plan.variables["input"]["refundLineItems"] == [
        {
            "lineItemId": "gid://shopify/LineItem/401",
            "quantity": 2,
            "restockType": "RETURN",
            "locationId": LOCATION_L,
        }
    ]
    assert plan.amount == 2_200
    assert plan.restocked == {"gid://shopify/LineItem/401": 2}


def test_void_after_a_partial_return_refunds_only_what_is_left() -> None:
    order = online_order(order_line(2, refundable_quantity=1), order_id=ORDER_ID, refundable_amount=1_100)
    plan = smaregi_to_refund(sale(x_line(2), cancel_division="1"), "void", order, CTX, LINKS)
    assert plan.variables["input"]["refundLineItems"][0]["quantity"] == 1
    assert plan.amount == 1_100


def test_d9_unlinked_line_is_a_custom_line_and_moves_no_shopify_stock() -> None:
    w = SmaregiLine("2", "8000099", "4900000000001", "手ぬぐい", 660, 1, 10)
    plan = sale_to_order(sale(x_line(1), w), CTX, LINKS)
    custom = plan.variables["order"]["lineItems"][1]
    assert {k: custom[k] for k in ("title", "sku", "quantity", "taxable", "requiresShipping")} == {
        "title": "手ぬぐい",
        "sku": "4900000000001",
        "quantity": 1,
        "taxable": True,
        "requiresShipping": False,
    }
    assert "variantId" not in custom
    assert plan.stock is not None
    assert [(c.inventory_item_id, c.delta) for c in plan.stock.changes] == [(X_ITEM, -1)]


def test_d10_one_tax_line_per_rate_and_the_total_to_the_yen() -> None:
    food = SmaregiLine("2", FOOD_PRODUCT, FOOD_CODE, "抹茶チョコレート", 1_080, 1, 8)
    txn = sale(x_line(1), food, tax_include=180)
    plan = sale_to_order(txn, CTX, LINKS)
    lines = plan.variables["order"]["lineItems"]
    rates = [(tl["rate"], tl["priceSet"]["shopMoney"]["amount"]) for line in lines for tl in line["taxLines"]]
    assert rates == [("0.1", "100"), ("0.08", "80")]
    assert plan.tax_by_rate == {10: 100, 8: 80}
    order_total = sum(int(li["priceSet"]["shopMoney"]["amount"]) * li["quantity"] for li in lines)
    assert order_total == txn.total == plan.total == 2_180
    assert plan.stock is not None
    assert {c.inventory_item_id for c in plan.stock.changes} == {X_ITEM, FOOD_ITEM}


def test_d11_shipping_is_carriage_and_totals_match() -> None:
    plan = order_to_transaction(online_order(order_line(3), shipping=500), CTX, LINKS)
    assert plan.body["carriage"] == "500"
    # shipping carries 10 % tax with the 10 % goods: floor((3300 + 500) × 10/110) = 345
    assert (plan.body["subtotal"], plan.body["total"], plan.body["taxInclude"]) == ("3300", "3800", "345")


def test_d12_our_order_is_never_mirrored_back() -> None:
    plan = sale_to_order(sale(x_line(2)), CTX, LINKS)
    order = plan.variables["order"]
    as_read = online_order(
        order_line(2),
        source_name=order["sourceName"],
        source_identifier=order["sourceIdentifier"],
        tags=tuple(order["tags"]),
    )
    decision = classify_shopify_order(as_read)
    assert decision.mirror is Mirror.IGNORE and "no echo" in decision.reason


def test_our_smaregi_transactions_and_refunds_are_never_mirrored_back() -> None:
    body = order_to_transaction(online_order(order_line(3)), CTX, LINKS).body
    echo = sale(x_line(3), head_id="40", memo=body["memo"])
    assert classify_smaregi_transaction(echo, {})[0].mirror is Mirror.IGNORE
    note = smaregi_to_refund(sale(x_line(2), cancel_division="1"), "void", D1_ORDER, CTX, LINKS).variables[
        "input"
    ]["note"]
    ours = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 2, "RETURN", LOCATION_L, 2_200), note=note)
    assert classify_shopify_refund(ours, order_on_smaregi=True).mirror is Mirror.IGNORE


@pytest.mark.parametrize(
    ("head", "mirrored", "reason"),
    [
        ({"cancel_division": "1"}, {}, "voided before it was mirrored"),
        ({"transaction_head_division": "2"}, {}, "not a sale"),
        ({"dispose_division": "1"}, {}, "reversed before it was mirrored"),
        ({"dispose_division": "1"}, {"25": ORDER_ID}, "its reversal record is what is mirrored"),
        ({"dispose_division": "2", "dispose_server_transaction_head_id": "20"}, {}, "never mirrored"),
    ],
)
def test_smaregi_events_that_are_not_mirrored(
    head: dict[str, str], mirrored: dict[str, str], reason: str
) -> None:
    (decision,) = classify_smaregi_transaction(sale(x_line(1), **head), mirrored)  # type: ignore[arg-type]
    assert decision.mirror is Mirror.IGNORE
    assert reason in decision.reason


def test_unlinked_return_mirrors_only_its_restock() -> None:
    txn = sale(x_line(-1), head_id="30")
    (decision,) = classify_smaregi_transaction(txn, {})
    assert decision.mirror is Mirror.RETURN_STOCK_ONLY
    adjustment = return_restock(txn, CTX, LINKS)
    assert adjustment is not None
    assert [(c.inventory_item_id, c.location_id, c.delta) for c in adjustment.changes] == [
        (X_ITEM, LOCATION_L, 1)
    ]


def test_whole_ticket_return_refunds_its_lines() -> None:
    txn = sale(
        x_line(1), head_id="32", total=-1_100, return_sales="1", dispose_server_transaction_head_id="25"
    )
    (decision,) = classify_smaregi_transaction(txn, {"25": ORDER_ID})
    assert decision.mirror is Mirror.RETURN
    plan = smaregi_to_refund(txn, "return", D1_ORDER, CTX, LINKS)
    assert plan.variables["input"]["refundLineItems"][0]["quantity"] == 1


def test_exchange_with_an_unlinked_return_keeps_two_distinct_stock_keys() -> None:
    txn = sale(x_line(1), x_line(-1, detail_id="2"), head_id="33")
    assert [d.mirror for d in classify_smaregi_transaction(txn, {})] == [
        Mirror.SALE,
        Mirror.RETURN_STOCK_ONLY,
    ]
    sold, returned = sale_to_order(txn, CTX, LINKS).stock, return_restock(txn, CTX, LINKS)
    assert sold is not None and returned is not None
    assert sold.key != returned.key
    assert [c.delta for c in sold.changes] == [-1] and [c.delta for c in returned.changes] == [1]


def test_exchange_is_a_sale_and_a_return() -> None:
    txn = sale(x_line(1), x_line(-1, detail_id="2"), head_id="31", dispose_server_transaction_head_id="25")
    decisions = classify_smaregi_transaction(txn, {"25": ORDER_ID})
    assert [d.mirror for d in decisions] == [Mirror.SALE, Mirror.RETURN]
    plan = sale_to_order(txn, CTX, LINKS)
    assert [li["quantity"] for li in plan.variables["order"]["lineItems"]] == [1]
    assert plan.total == 1_100


def test_s6_sale_at_the_second_store_moves_only_its_location() -> None:
    plan = sale_to_order(sale(x_line(1), store=STORE_S2), TWO_PAIRS, LINKS)
    assert plan.stock is not None
    assert [c.location_id for c in plan.stock.changes] == [LOCATION_L2]


def test_sale_at_an_unpaired_store_creates_the_order_but_moves_no_stock() -> None:
    plan = sale_to_order(sale(x_line(1), store="9"), CTX, LINKS)
    assert plan.stock is None


def test_smaregi_discounts_are_spread_into_the_line_prices() -> None:
    txn = sale(x_line(2), total=2_000, subtotal_discount=200)
    plan = sale_to_order(txn, CTX, LINKS)
    (line,) = plan.variables["order"]["lineItems"]
    assert (line["quantity"], line["priceSet"]["shopMoney"]["amount"]) == (2, "1000")
    assert "discountCode" not in plan.variables["order"]
    assert plan.total == 2_000
    assert plan.tax_by_rate == {10: 181}  # floor(2000 × 10/110)


def test_indivisible_discount_splits_a_line_into_whole_yen_items() -> None:
    food = SmaregiLine("2", FOOD_PRODUCT, FOOD_CODE, "抹茶チョコレート", 1_080, 1, 8)
    txn = sale(x_line(2), food, total=3_079, subtotal_discount=201)
    lines = sale_to_order(txn, CTX, LINKS).variables["order"]["lineItems"]
    priced = [
        (li.get("variantId"), li["quantity"], int(li["priceSet"]["shopMoney"]["amount"])) for li in lines
    ]
    # 201 over 2200 / 1080 → 135 / 66: X 2065 = 1033 + 1032, food 1014
    assert priced == [(X_VARIANT, 1, 1_033), (X_VARIANT, 1, 1_032), (FOOD_VARIANT, 1, 1_014)]
    assert sum(quantity * price for _, quantity, price in priced) == 3_079
    taxes = [int(li["taxLines"][0]["priceSet"]["shopMoney"]["amount"]) for li in lines]
    assert sum(taxes[:2]) == 187 and taxes[2] == 75  # floor(2065 × 10/110), floor(1014 × 8/108)


def test_commission_becomes_an_adjustment_line() -> None:
    plan = sale_to_order(sale(x_line(1), total=1_430, commission=330), CTX, LINKS)
    assert plan.variables["order"]["lineItems"][-1]["priceSet"]["shopMoney"]["amount"] == "330"
    assert plan.total == 1_430


def test_stated_tax_wins_over_a_different_rounding() -> None:
    txn = sale(x_line(1, price=999), tax_include=91)  # the contract rounds up; we assumed floor (90)
    assert sale_to_order(txn, CTX, LINKS).tax_by_rate == {10: 91}


def test_discounted_online_line_is_split_into_whole_yen_units() -> None:
    plan = order_to_transaction(online_order(order_line(2, discounted_total=1_999)), CTX, LINKS)
    assert [(d["salesPrice"], d["unitDiscountPrice"], d["quantity"]) for d in plan.body["details"]] == [
        ("1100", "100", "1"),
        ("1100", "101", "1"),
    ]
    assert plan.body["subtotal"] == "1999"


def test_unlinked_online_line_needs_a_category() -> None:
    line = order_line(1, variant_id=None, sku="CUSTOM-1", title="ギフト包装")
    with pytest.raises(UnmappableDocument):
        order_to_transaction(online_order(line), CTX, LINKS)
    ctx = SyncContext(CONTRACT, CTX.location_pairs, STORE_S, unlinked_category_id="9")
    (detail,) = order_to_transaction(online_order(line), ctx, LINKS).body["details"]
    assert (detail["transactionDetailDivision"], detail["categoryId"], detail["productName"]) == (
        "3",
        "9",
        "ギフト包装",
    )
    assert "productId" not in detail


def test_tax_excluded_documents_are_refused() -> None:
    with pytest.raises(UnmappableDocument):
        order_to_transaction(online_order(order_line(1), taxes_included=False), CTX, LINKS)


def test_return_of_more_than_the_order_holds_is_refused() -> None:
    with pytest.raises(UnmappableDocument):
        smaregi_to_refund(sale(x_line(-3), head_id="26"), "return", D1_ORDER, CTX, LINKS)


def test_food_variant_is_linked_both_ways() -> None:
    assert LINKS.by_shopify_variant[FOOD_VARIANT].smaregi_product_id == FOOD_PRODUCT
    assert LINKS.by_smaregi_product[X_PRODUCT].shopify_variant_id == X_VARIANT


def test_zero_quantity_lines_are_left_out() -> None:
    plan = order_to_transaction(
        online_order(order_line(2), order_line(0, "gid://shopify/LineItem/402")), CTX, LINKS
    )
    assert len(plan.body["details"]) == 1
    txn = sale(x_line(2), SmaregiLine("2", X_PRODUCT, "4901234567894", "定番Tシャツ", 1_100, 0, 10))
    assert len(sale_to_order(txn, CTX, LINKS).variables["order"]["lineItems"]) == 1


def test_discount_beyond_the_goods_is_refused() -> None:
    with pytest.raises(UnmappableDocument):
        sale_to_order(sale(x_line(1), total=-100, point_discount=1_200), CTX, LINKS)


def test_unlinked_online_line_can_use_a_generic_product() -> None:
    line = order_line(
        2, variant_id=None, sku="CUSTOM-1", title="ギフト包装", unit_price=330, discounted_total=660
    )
    ctx = SyncContext(
        CONTRACT, CTX.location_pairs, STORE_S, unlinked_category_id="9", unlinked_product_id="8009999"
    )
    order = online_order(line)
    (detail,) = order_to_transaction(order, ctx, LINKS).body["details"]
    assert (detail["transactionDetailDivision"], detail["productId"], detail["quantity"]) == (
        "1",
        "8009999",
        "2",
    )
    assert "categoryId" not in detail
    shopify_refund = refund(ShopifyRefundLine("gid://shopify/LineItem/401", 1, "NO_RESTOCK", None, 330))
    plan = refund_to_return(shopify_refund, order, ctx, LINKS)
    (returned,) = plan.body["details"]
    assert (returned["transactionDetailDivision"], returned["productId"], returned["quantity"]) == (
        "2",
        "8009999",
        "-1",
    )
    assert plan.stock_adds == ()  # not a linked product: no stock to compensate
