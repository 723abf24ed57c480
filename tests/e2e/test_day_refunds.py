"""A merchant's day, "Cancellations, refunds and their money" (docs/scenarios.md M1–M7), both primaries.

Each test drives Shopify through the sandbox's GraphQL API as the admin would, runs full syncs, and checks both
platforms' money (totals, carriage, taxInclude), documents (exactly one mirror), stock, the invariants and that
a second run plans nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.e2e.scenario_harness import (
    PRIMARIES,
    R_CODE,
    X_CODE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]


CANCEL = """
mutation($id: ID!, $restock: Boolean!) {
  orderCancel(orderId: $id, reason: CUSTOMER, restock: $restock,
              refundMethod: {originalPaymentMethodsRefund: true}) {
    jobResult { status } orderCancelUserErrors { code message }
  }
}"""
REFUND = """
mutation($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) { refund { id } userErrors { field message } }
}"""
DISPOSE = "POST /transactions/{transactionId}/dispose"


# --- merchant actions --------------------------------------------------------------------------------------


def cancel_online_order(h: ScenarioHarness, order_id: str, *, restock: bool, pair: int = 0) -> list[str]:
    """The merchant cancels an online order, refunding to the original payment method; returns the gids of the
    refunds the cancellation recorded."""
    order = h.shopify_order(order_id)
    before = set(order.refund_ids)
    left = [(str(li.sku), li.quantity - li.refunded_quantity) for li in order.line_items]
    answer = h.shopify.graphql(CANCEL, {"id": order_id, "restock": restock})
    payload = answer.body["data"]["orderCancel"]
    assert payload["orderCancelUserErrors"] == [] and payload["jobResult"]["status"] == "SUCCEEDED"
    if restock:
        for code, quantity in left:
            h._move(code, pair, quantity)
    return [f"gid://shopify/Refund/{r}" for r in h.shopify_order(order_id).refund_ids if r not in before]


def refund_with_money(
    h: ScenarioHarness,
    order_id: str,
    lines: list[tuple[str, int]],
    *,
    money: int,
    shipping: dict[str, Any] | None = None,
    pair: int = 0,
) -> str:
    """A merchant refund in the admin that pays ``money`` back (lines restocked at the pair's location)."""
    order = h.shopify_order(order_id)
    sale = next(h.shopify.state.transactions[t] for t in order.transaction_ids)
    items = []
    for code, quantity in lines:
        line = next(li for li in order.line_items if li.sku == code)
        items.append(
            {
                "lineItemId": f"gid://shopify/LineItem/{line.id}",
                "quantity": quantity,
                "restockType": "RETURN",
                "locationId": h.location_id(pair),
            }
        )
        h._move(code, pair, quantity)
    refund_input: dict[str, Any] = {
        "orderId": order_id,
        "refundLineItems": items,
        "transactions": [
            {
                "orderId": order_id,
                "parentId": f"gid://shopify/OrderTransaction/{sale.id}",
                "kind": "REFUND",
                "gateway": "manual",
                "amount": str(money),
            }
        ],
    }
    if shipping is not None:
        refund_input["shipping"] = shipping
    key = f"merchant-money-refund-{order.id}-{len(order.refund_ids) + 1}"
    answer = h.shopify.graphql(REFUND, {"input": refund_input, "key": key})
    payload = answer.body["data"]["refundCreate"]
    assert payload["userErrors"] == [], payload
    refund_id: str = payload["refund"]["id"]
    h.recorded.shopify_refunds.append(refund_id)
    return refund_id


# --- reads -------------------------------------------------------------------------------------------------


def _online_order(h: ScenarioHarness, lines: list[tuple[str, int]], shipping: int | None = None) -> str:
    order_id = h.online_order(lines, shipping=shipping)
    h.run_full_sync()
    return order_id


def _sale_of(h: ScenarioHarness, order_id: str) -> dict[str, Any]:
    (sale,) = [t for t in h.transactions_with_memo("order", order_id) if t["disposeDivision"] != "2"]
    return sale


def _reversals_of(h: ScenarioHarness, sale_id: str) -> list[dict[str, Any]]:
    return [
        t
        for t in h.smaregi_transactions()
        if t["disposeDivision"] == "2" and t["disposeServerTransactionHeadId"] == sale_id
    ]


def _return_of(h: ScenarioHarness, refund_id: str) -> dict[str, Any]:
    (found,) = h.transactions_with_memo("refund", refund_id)
    return found


def _money(txn: dict[str, Any]) -> tuple[int, int, int]:
    """(total, carriage, taxInclude) of a Smaregi transaction."""
    return int(txn["total"]), int(txn.get("carriage") or 0), int(txn["taxInclude"])


def _refund(h: ScenarioHarness, refund_id: str) -> Any:
    return h.shopify.state.refunds[int(refund_id.rsplit("/", 1)[1])]


def _ledger_status(h: ScenarioHarness, key: str) -> tuple[Any, ...]:
    rows = h.query("SELECT status, remote_id FROM sync.ledger WHERE key = ?", [key])
    return rows[0] if rows else ()


def _dispose_key(order_id: str) -> str:
    return f"shopify:order:{order_id.rsplit('/', 1)[1]}:dispose"


def _assert_reversed(h: ScenarioHarness, order_id: str, refund_ids: list[str]) -> dict[str, Any]:
    """The mirrored sale is disposed once, its reversal record is its negative, no refund became a return."""
    sale = _sale_of(h, order_id)
    (reversal,) = _reversals_of(h, sale["transactionHeadId"])
    assert sale["disposeDivision"] == "1"
    assert _money(reversal) == tuple(-amount for amount in _money(sale))
    for refund_id in refund_ids:
        assert h.transactions_with_memo("refund", refund_id) == []
    status, remote = _ledger_status(h, _dispose_key(order_id))
    assert (status, remote) == ("applied", reversal["transactionHeadId"])
    return reversal


# --- M1–M7 -------------------------------------------------------------------------------------------------


@PRIMARIES
def test_m1_cancel_with_refund_and_restock_reverses_the_mirrored_sale(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2)])
    h.assert_stock(X_CODE, 0, 8)
    assert _money(_sale_of(h, order_id)) == (2200, 0, 200)

    refunds = cancel_online_order(h, order_id, restock=True)
    h.run_full_sync()

    (refund,) = refunds
    assert _refund(h, refund).total == Decimal(2200)
    assert [line.restock_type for line in _refund(h, refund).lines] == ["CANCEL"]
    reversal = _assert_reversed(h, order_id, refunds)
    assert _money(reversal) == (-2200, 0, -200)
    assert h.query("SELECT count(*) FROM sync.ledger WHERE key LIKE '%:dispose:stock:%'") == [(0,)]
    h.assert_stock(X_CODE, 0, 10)
    h.assert_settled()


@PRIMARIES
def test_m2_cancel_without_restock_reverses_the_sale_and_takes_the_units_off_again(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2)])

    refunds = cancel_online_order(h, order_id, restock=False)
    h.run_full_sync()

    (refund,) = refunds
    assert [line.restock_type for line in _refund(h, refund).lines] == ["NO_RESTOCK"]
    assert _refund(h, refund).total == Decimal(2200)
    _assert_reversed(h, order_id, refunds)
    [(status,)] = h.query("SELECT status FROM sync.ledger WHERE key LIKE '%:dispose:stock:%'")
    assert status == "applied"
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


@PRIMARIES
def test_m3_full_refund_with_shipping_is_a_return_with_negative_carriage(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 1), (R_CODE, 1)], shipping=800)
    sale = _sale_of(h, order_id)
    # Carriage is taxed with the 10 % goods: (1,100 + 800) × 10 / 110 → 172, plus 540 × 8 / 108 = 40.
    assert _money(sale) == (2440, 800, 212)

    refund = refund_with_money(
        h, order_id, [(X_CODE, 1), (R_CODE, 1)], money=2440, shipping={"fullRefund": True}
    )
    h.run_full_sync()

    assert _refund(h, refund).total == Decimal(2440)
    assert [part.amount for part in _refund(h, refund).shipping] == [Decimal(800)]
    assert _refund(h, refund).adjustments == []
    assert _money(_return_of(h, refund)) == (-2440, -800, -212)
    h.assert_stock(X_CODE, 0, 10)
    h.assert_stock(R_CODE, 0, 10)
    h.assert_settled()


@PRIMARIES
def test_m4_partial_shipping_refund_carries_that_much_carriage(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2)], shipping=800)

    refund = refund_with_money(h, order_id, [(X_CODE, 1)], money=1400, shipping={"amount": "300"})
    h.run_full_sync()

    assert [part.amount for part in _refund(h, refund).shipping] == [Decimal(300)]
    returned = _return_of(h, refund)
    assert _money(returned) == (-1400, -300, -127)  # −(1,100 + 300) × 10 / 110
    assert [(d["quantity"], d["salesPrice"]) for d in returned["details"]] == [("-1", "1100")]
    h.assert_stock(X_CODE, 0, 9)
    h.assert_settled()


@PRIMARIES
def test_m5_goodwill_refund_of_money_only_is_a_return_of_that_money(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    category = next(c["categoryId"] for c in h.smaregi.state.categories.values() if c["categoryCode"] == "03")
    h.rules["unlinked_category_id"] = category
    order_id = _online_order(h, [(X_CODE, 1)])

    refund = refund_with_money(h, order_id, [], money=500)
    h.run_full_sync()

    (adjustment,) = _refund(h, refund).adjustments
    assert (adjustment.reason, adjustment.amount) == ("REFUND_DISCREPANCY", Decimal(-500))
    returned = _return_of(h, refund)
    assert _money(returned) == (-500, 0, 0)
    (line,) = returned["details"]
    assert (line["categoryId"], line["productName"], line["quantity"], line["salesPrice"]) == (
        category,
        "返金調整",
        "-1",
        "500",
    )
    h.assert_stock(X_CODE, 0, 9)
    h.assert_settled()


@PRIMARIES
def test_m6_partial_refund_then_cancel_of_the_rest_is_two_ordinary_returns(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2)])
    first = refund_with_money(h, order_id, [(X_CODE, 1)], money=1100)
    h.run_full_sync()
    assert _money(_return_of(h, first)) == (-1100, 0, -100)

    refunds = cancel_online_order(h, order_id, restock=True)
    h.recorded.shopify_refunds.extend(refunds)
    h.run_full_sync()

    (rest,) = refunds
    assert _refund(h, rest).total == Decimal(1100)
    assert _money(_return_of(h, rest)) == (-1100, 0, -100)
    assert _reversals_of(h, _sale_of(h, order_id)["transactionHeadId"]) == []
    assert _ledger_status(h, _dispose_key(order_id)) == ()
    h.assert_stock(X_CODE, 0, 10)
    h.assert_settled()


@PRIMARIES
def test_m7_a_lost_dispose_answer_is_found_by_its_reversal_record(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order_id = _online_order(h, [(X_CODE, 2)])
    refunds = cancel_online_order(h, order_id, restock=False)
    h.smaregi.faults.script(DISPOSE, "answer_lost", 1)

    h.run_full_sync()

    _assert_reversed(h, order_id, refunds)
    assert [str(d.kind) for d in h.smaregi.faults.log if d.operation == DISPOSE] == ["answer_lost"]
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()
