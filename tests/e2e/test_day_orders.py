"""A merchant's day, orders: discounts, tax on shipping and the fulfilment location (docs/scenarios.md M10–M16).

Every scenario runs for both primaries over both sandboxes on real HTTP, checks both platforms' money (totals,
Smaregi's ``taxInclude`` against Shopify's tax per rate), documents and stock, the invariants, and that a second
run plans nothing. The rounding rule compared here is docs/architecture.md "Documents": Shopify taxes each line
(and the shipping line) and rounds half up; Smaregi takes each rate's tax once over the same per-rate amounts
(shipping in the 10 % base) and rounds by the contract (floor).
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from smapify_pipeline.sandbox.shopify.discounts import CheckoutDiscount
from tests.e2e.scenario_harness import (
    PRIMARIES,
    R_CODE,
    R_PRICE,
    X_CODE,
    X_PRICE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]

RATE_OF = {X_CODE: 10, R_CODE: 8}

FULFILLMENT_ORDERS = """
query OrderFulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillmentOrders(first: 10) {
      nodes { id status assignedLocation { location { id } } lineItems(first: 10) { nodes { id remainingQuantity } } }
    }
  }
}
"""
MOVE = """
mutation Move($id: ID!, $to: ID!) {
  fulfillmentOrderMove(id: $id, newLocationId: $to) {
    movedFulfillmentOrder { id assignedLocation { location { id } } }
    userErrors { field message }
  }
}
"""
FULFIL = """
mutation Fulfil($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id location { id } }
    userErrors { field message }
  }
}
"""


# --- actions (the merchant's, through the sandboxes; recorded for the invariants) ---------------------------


def _online_order(
    h: ScenarioHarness,
    lines: list[tuple[str, int]],
    *,
    discounts: list[CheckoutDiscount] | None = None,
    shipping: int | None = None,
    pair: int = 0,
) -> str:
    order_id = h.shopify.storefront_sale(lines, location=pair, shipping=shipping, discounts=discounts)
    h.recorded.online_orders.append(order_id)
    for code, quantity in lines:
        h._move(code, pair, -quantity)
    return order_id


def _pos_sale_discounted(
    h: ScenarioHarness, lines: list[tuple[str, int, int]], subtotal_discount: int
) -> str:
    sale = h.smaregi.ring_up_discounted_sale(h.store_id(0), lines, subtotal_discount)
    h.recorded.pos_sales.append(sale)
    for code, quantity, _ in lines:
        h._move(code, 0, -quantity)
    return sale


def _open_fulfillment_orders(h: ScenarioHarness, order_id: str) -> list[dict[str, Any]]:
    answer = h.shopify.graphql(FULFILLMENT_ORDERS, {"id": order_id}).body
    nodes = answer["data"]["order"]["fulfillmentOrders"]["nodes"]
    return [fo for fo in nodes if fo["status"] in ("OPEN", "IN_PROGRESS")]


def _move_to(h: ScenarioHarness, order_id: str, pair: int, lines: list[tuple[str, int]]) -> None:
    """The merchant moves the order's open fulfilment order to the pair's location (the units follow)."""
    [fulfillment_order] = _open_fulfillment_orders(h, order_id)
    old_pair = [h.location_id(i) for i in range(h.pair_count)].index(
        fulfillment_order["assignedLocation"]["location"]["id"]
    )
    answer = h.shopify.graphql(MOVE, {"id": fulfillment_order["id"], "to": h.location_id(pair)}).body
    assert not answer["data"]["fulfillmentOrderMove"]["userErrors"], answer
    for code, quantity in lines:
        h._move(code, old_pair, quantity)
        h._move(code, pair, -quantity)


def _fulfil(h: ScenarioHarness, order_id: str) -> str:
    """The merchant fulfils every open unit of the order; returns the location it left from."""
    [fulfillment_order] = _open_fulfillment_orders(h, order_id)
    fulfillment = {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fulfillment_order["id"]}]}
    answer = h.shopify.graphql(FULFIL, {"fulfillment": fulfillment}).body
    payload = answer["data"]["fulfillmentCreate"]
    assert not payload["userErrors"], answer
    return str(payload["fulfillment"]["location"]["id"])


# --- reads ---------------------------------------------------------------------------------------------------


def _shopify_tax_by_rate(order: Any) -> dict[int, int]:
    """Shopify's tax per rate: its lines' and shipping lines' tax lines."""
    taxes: dict[int, int] = defaultdict(int)
    for line in [*order.line_items, *order.shipping_lines]:
        for tax in line.tax_lines:
            taxes[int(tax.rate * 100)] += int(tax.amount)
    return dict(taxes)


def _shopify_base_by_rate(order: Any) -> dict[int, int]:
    """What Shopify charged per rate after every discount: lines at their rate, shipping at 10 %."""
    bases: dict[int, int] = defaultdict(int)
    for line in order.line_items:
        bases[RATE_OF[line.sku]] += int(line.unit_price * line.quantity - line.discount)
    shipping = sum(int(s.discounted_price) for s in order.shipping_lines)
    if shipping:
        bases[10] += shipping
    return dict(bases)


def _smaregi_tax_of(bases: dict[int, int]) -> int:
    """Smaregi's ``taxInclude`` over per-rate amounts: each rate's tax once, floored (the contract's rounding)."""
    return sum(int(Fraction(base * rate, 100 + rate)) for rate, base in bases.items())


def _assert_money_agrees(h: ScenarioHarness, order_id: str) -> dict[str, Any]:
    """Totals equal to the yen, the same per-rate amounts on both sides, and Smaregi's ``taxInclude`` the written
    rounding of them, within one yen per taxed Shopify line of Shopify's tax."""
    order = h.shopify_order(order_id)
    [txn] = h.transactions_with_memo("order", order_id)
    total = sum(int(li.unit_price * li.quantity - li.discount) for li in order.line_items) + sum(
        int(s.discounted_price) for s in order.shipping_lines
    )
    assert int(txn["total"]) == total
    assert int(txn.get("subtotalDiscountPrice") or 0) == 0
    smaregi_bases: dict[int, int] = defaultdict(int)
    for detail in txn["details"]:
        amount = (int(detail["salesPrice"]) - int(detail["unitDiscountPrice"])) * int(detail["quantity"])
        smaregi_bases[RATE_OF[detail["productCode"]]] += amount
    carriage = int(txn.get("carriage") or 0)
    if carriage:
        smaregi_bases[10] += carriage
    shopify_bases = _shopify_base_by_rate(order)
    assert dict(smaregi_bases) == shopify_bases
    assert int(txn["taxInclude"]) == _smaregi_tax_of(shopify_bases)
    shopify_tax = sum(_shopify_tax_by_rate(order).values())
    taxed_lines = len(order.line_items) + sum(1 for s in order.shipping_lines if s.tax_lines)
    assert abs(shopify_tax - int(txn["taxInclude"])) < taxed_lines
    return txn


# --- M10–M13: online orders with discounts and shipping ------------------------------------------------------


@PRIMARIES
def test_m10_discount_code_fixed_amount_across_two_rates(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    code = CheckoutDiscount("WELCOME500", amount=Decimal(500))
    order_id = _online_order(h, [(X_CODE, 2), (R_CODE, 3)], discounts=[code])
    h.run_full_sync()
    order = h.shopify_order(order_id)
    assert [(a.code, a.allocation_method) for a in order.discount_applications] == [("WELCOME500", "ACROSS")]
    assert sum(li.discount for li in order.line_items) == 500
    txn = _assert_money_agrees(h, order_id)
    assert int(txn["total"]) == 2 * X_PRICE + 3 * R_PRICE - 500
    assert sum(int(d["unitDiscountPrice"]) * int(d["quantity"]) for d in txn["details"]) == 500
    h.assert_stock(X_CODE, 0, 8)
    h.assert_stock(R_CODE, 0, 7)
    h.assert_settled()


@PRIMARIES
def test_m11_automatic_percentage_discount_on_one_line(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    automatic = CheckoutDiscount(
        "お茶菓子10%オフ", target="LINES", kind="AUTOMATIC", percentage=Decimal(10), entitled=(R_CODE,)
    )
    order_id = _online_order(h, [(X_CODE, 1), (R_CODE, 3)], discounts=[automatic])
    h.run_full_sync()
    order = h.shopify_order(order_id)
    discounted = {li.sku: li.discount for li in order.line_items}
    assert discounted == {X_CODE: 0, R_CODE: Decimal(162)}
    txn = _assert_money_agrees(h, order_id)
    by_code = {d["productCode"]: d for d in txn["details"]}
    assert by_code[X_CODE]["unitDiscountPrice"] == "0"
    assert int(by_code[R_CODE]["unitDiscountPrice"]) * 3 == 162
    h.assert_stock(R_CODE, 0, 7)
    h.assert_settled()


@PRIMARIES
def test_m12_two_rates_and_shipping_tax_agree(make_scenario: ScenarioFactory, primary: str) -> None:
    """The merchant's report (issue 11, item 3) with the harness's products: 10 % and 8 % goods and ¥800
    shipping. Shipping's 10 % tax is on both sides; what differs is only the written rounding."""
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2), (R_CODE, 3)], shipping=800)
    h.run_full_sync()
    order = h.shopify_order(order_id)
    assert _shopify_tax_by_rate(order) == {10: 200 + 73, 8: 120}
    txn = _assert_money_agrees(h, order_id)
    assert (txn["total"], txn["carriage"]) == (str(2 * X_PRICE + 3 * R_PRICE + 800), "800")
    assert txn["taxInclude"] == str((2 * X_PRICE + 800) * 10 // 110 + 3 * R_PRICE * 8 // 108)  # 272 + 120
    h.assert_settled()


@PRIMARIES
def test_m13_free_shipping_discount(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    free = CheckoutDiscount("送料無料", target="SHIPPING", kind="AUTOMATIC", percentage=Decimal(100))
    order_id = _online_order(h, [(X_CODE, 1), (R_CODE, 1)], shipping=800, discounts=[free])
    h.run_full_sync()
    order = h.shopify_order(order_id)
    [shipping] = order.shipping_lines
    assert (shipping.price, shipping.discounted_price) == (800, 0)
    assert sum(t.amount for t in shipping.tax_lines) == 0
    txn = _assert_money_agrees(h, order_id)
    assert int(txn.get("carriage") or 0) == 0
    assert int(txn["total"]) == X_PRICE + R_PRICE
    h.assert_settled()


# --- M14: a discounted POS sale -------------------------------------------------------------------------------


@PRIMARIES
def test_m14_pos_sale_with_line_and_subtotal_discounts(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    sale = _pos_sale_discounted(h, [(X_CODE, 2, 100), (R_CODE, 3, 0)], subtotal_discount=300)
    h.run_full_sync()
    head = h.smaregi.state.transactions[sale]
    [order] = h.orders_mirroring(sale)
    assert int(head["total"]) == 2 * (X_PRICE - 100) + 3 * R_PRICE - 300
    assert sum(li.unit_price * li.quantity for li in order.line_items) == int(head["total"])
    assert order.discount_applications == []  # spread into the unit prices, not a discount code
    taxes = _shopify_tax_by_rate(order)
    assert sum(taxes.values()) == int(head["taxInclude"])
    paid = {rate: 0 for rate in taxes}
    for line in order.line_items:
        paid[RATE_OF[line.sku]] += int(line.unit_price * line.quantity)
    assert taxes == {rate: int(Fraction(base * rate, 100 + rate)) for rate, base in paid.items()}
    h.assert_stock(X_CODE, 0, 8)
    h.assert_stock(R_CODE, 0, 7)
    h.assert_settled()


# --- M15, M16: where the units were taken -----------------------------------------------------------------


@PRIMARIES
def test_m15_online_order_fulfilled_from_the_second_location(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary, two_pairs=True)
    order_id = _online_order(h, [(X_CODE, 2)], pair=1)
    assert _fulfil(h, order_id) == h.location_id(1)
    h.run_full_sync()
    [txn] = h.transactions_with_memo("order", order_id)
    assert txn["storeId"] == h.store_id(0)  # the online store sells it …
    h.assert_stock(X_CODE, 0, 10)  # … but the units left store 2, as they left location 2
    h.assert_stock(X_CODE, 1, 8)
    h.assert_settled()


@PRIMARIES
def test_m16_order_moved_to_the_other_location_after_it_was_mirrored(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary, two_pairs=True)
    order_id = _online_order(h, [(X_CODE, 2)])
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 8)
    _move_to(h, order_id, 1, [(X_CODE, 2)])
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    h.assert_stock(X_CODE, 1, 8)
    h.assert_invariants()
    _move_to(h, order_id, 0, [(X_CODE, 2)])  # and back again: a second move, under keys of its own
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 8)
    h.assert_stock(X_CODE, 1, 10)
    assert _fulfil(h, order_id) == h.location_id(0)
    h.run_full_sync()
    moves = [key for (key,) in h.query("SELECT key FROM sync.ledger WHERE key LIKE '%:stock:%' ORDER BY key")]
    assert len(moves) == 4 and sum(":m1:" in key for key in moves) == 2, moves
    assert len(h.transactions_with_memo("order", order_id)) == 1
    h.assert_settled()
