"""A merchant's day, "one run converges" (docs/scenarios.md M20–M23), for both primaries over both sandboxes.

Documents made in any order within one sync window and across windows are mirrored by one run each: a return,
void or reversal of a sale mirrored in the same run is a refund of its order (never a stock-only restock and a
refund later), a Shopify refund of an order mirrored in the same run is mirrored in that run, and the stock
push of that run comes after the documents. Every test checks both platforms' money, documents and stock, the
sync's invariants, and that a second run plans nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from smapify_pipeline.sync import markers
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


def _restock_adjustments(h: ScenarioHarness, transaction_head_id: str) -> list[object]:
    uri = f"gid://smapify/SmaregiTransaction/{h.contract_id}-{transaction_head_id}"
    return [g for g in h.shopify.state.adjustment_groups.values() if g.reference_document_uri == uri]


def _refunded(refund: object) -> Decimal:
    return Decimal(refund.total)  # type: ignore[attr-defined]


def _smaregi_total(h: ScenarioHarness, head_id: str) -> int:
    return int(h.smaregi.state.transactions[head_id]["total"])


@PRIMARIES
def test_m20_sale_and_return_of_one_line_in_one_window_is_one_order_and_one_refund(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    sale = h.pos_sale([(X_CODE, 2)])
    returned = h.smaregi_return(sale, [(X_CODE, 1)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    assert sum(li.unit_price * li.quantity for li in order.line_items) == _smaregi_total(h, sale) == 2200
    [refund] = h.shopify_refunds(order)
    assert refund.note == markers.refund_note(h.contract_id, returned, "return")
    assert [(line.quantity, line.restock_type) for line in refund.lines] == [(1, "RETURN")]
    assert _refunded(refund) == -_smaregi_total(h, returned) == X_PRICE
    assert _restock_adjustments(h, returned) == [], "no stock-only restock besides the refund's"
    h.assert_stock(X_CODE, 0, 9)
    h.assert_settled()


def _sale_return_undo(h: ScenarioHarness, undo: str, windows: str) -> tuple[str, str, str]:
    """A sale of 2 X, a return of 1, then the sale voided or reversed, synced after each step listed in
    ``windows`` ("abc": one window each; "a|bc": the return and the undo in one window)."""
    sale = h.pos_sale([(X_CODE, 2)])
    if windows in ("a|b|c", "a|bc"):
        h.run_full_sync()
    returned = h.smaregi_return(sale, [(X_CODE, 1)])
    if windows == "a|b|c":
        h.run_full_sync()
    undone = h.smaregi_void(sale) if undo == "void" else h.smaregi_reversal(sale)
    h.run_full_sync()
    return sale, returned, undone or sale


@PRIMARIES
@pytest.mark.parametrize(("undo", "windows"), [("void", "a|b|c"), ("void", "a|bc"), ("reversal", "a|bc")])
def test_m21_undo_after_a_partial_return_refunds_exactly_the_rest(
    make_scenario: ScenarioFactory, primary: str, undo: str, windows: str
) -> None:
    h = make_scenario(primary)
    sale, returned, undone = _sale_return_undo(h, undo, windows)
    [order] = h.orders_mirroring(sale)
    by_note = {refund.note: refund for refund in h.shopify_refunds(order)}
    assert len(by_note) == 2
    first = by_note[markers.refund_note(h.contract_id, returned, "return")]
    last = by_note[markers.refund_note(h.contract_id, undone, undo)]
    assert [(line.quantity, line.restock_type) for line in first.lines] == [(1, "RETURN")]
    assert [(line.quantity, line.restock_type) for line in last.lines] == [(1, "RETURN")]
    assert (_refunded(first), _refunded(last)) == (X_PRICE, X_PRICE), "the undo refunds exactly the rest"
    assert all(li.refunded_quantity == li.quantity for li in order.line_items)
    # Smaregi put every unit of the sale back on the undo, the returned one a second time: so does Shopify
    h.assert_stock(X_CODE, 0, 11)
    h.assert_settled()


@PRIMARIES
def test_m21_sale_return_and_void_in_one_window_mirror_only_the_returns_stock(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    sale, returned, _ = _sale_return_undo(h, "void", "abc")
    h.recorded.pos_sales.remove(sale)  # voided before it was mirrored: never mirrored (unchanged rule)
    h.recorded.smaregi_refunds.clear()
    assert h.orders_mirroring(sale) == [] and h.shopify_refunds() == []
    [restock] = _restock_adjustments(h, returned)
    assert [c.delta for c in restock.changes if c.name == "available"] == [1]  # type: ignore[attr-defined]
    h.assert_stock(X_CODE, 0, 11)
    h.assert_settled()


@PRIMARIES
def test_m22_a_busy_window_converges_in_one_run(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    h.manual_edit(h.secondary, X_CODE, 15)
    sales = [h.pos_sale([(X_CODE, 1)]), h.pos_sale([(R_CODE, 2)]), h.pos_sale([(X_CODE, 1), (R_CODE, 1)])]
    orders = [h.online_order([(X_CODE, 2)]), h.online_order([(R_CODE, 1)])]
    refund = h.shopify_refund(orders[0], [(X_CODE, 1)], "RETURN")
    returned = h.smaregi_return(sales[1], [(R_CODE, 1)])
    h.run_full_sync()
    for sale in sales:
        [order] = h.orders_mirroring(sale)
        assert sum(li.unit_price * li.quantity for li in order.line_items) == _smaregi_total(h, sale)
    [mirrored_refund] = h.shopify_refunds(h.orders_mirroring(sales[1])[0])
    assert mirrored_refund.note == markers.refund_note(h.contract_id, returned, "return")
    assert _refunded(mirrored_refund) == R_PRICE == -_smaregi_total(h, returned)
    [sold] = h.transactions_with_memo("order", orders[0])
    [taken_back] = h.transactions_with_memo("refund", refund)
    assert (int(sold["total"]), int(taken_back["total"])) == (2 * X_PRICE, -X_PRICE)
    assert len(h.audit_rows("stock_overwrite")) == 1, "the manual edit was overwritten in the same run"
    h.assert_stock(X_CODE, 0, 10 - 1 - 1 - 2 + 1)
    h.assert_stock(R_CODE, 0, 10 - 2 - 1 - 1 + 1)
    h.assert_settled()


INTERLEAVINGS = {
    "order refund sale return": [["order", "refund", "sale", "return"]],
    "sale order | return refund reversal": [["sale", "order"], ["return", "refund", "reversal"]],
}


@PRIMARIES
@pytest.mark.parametrize("name", list(INTERLEAVINGS))
def test_m23_interleavings_are_mirrored_once_and_converge(
    make_scenario: ScenarioFactory, primary: str, name: str
) -> None:
    h = make_scenario(primary)
    made: dict[str, str] = {}
    for window in INTERLEAVINGS[name]:
        for event in window:
            if event == "sale":
                made[event] = h.pos_sale([(X_CODE, 2)])
            elif event == "return":
                made[event] = h.smaregi_return(made["sale"], [(X_CODE, 1)])
            elif event == "void":
                h.smaregi_void(made["sale"])
                made[event] = made["sale"]
            elif event == "reversal":
                made[event] = h.smaregi_reversal(made["sale"])
            elif event == "order":
                made[event] = h.online_order([(X_CODE, 1)])
            elif event == "refund":
                made[event] = h.shopify_refund(made["order"], [(X_CODE, 1)], "RETURN")
        h.run_full_sync()
    [order] = h.orders_mirroring(made["sale"])
    undone = "void" in made or "reversal" in made
    refunded = sum(_refunded(r) for r in h.shopify_refunds(order))
    assert refunded == (2 if undone else 1) * X_PRICE
    [sold] = h.transactions_with_memo("order", made["order"])
    [taken_back] = h.transactions_with_memo("refund", made["refund"])
    assert (int(sold["total"]), int(taken_back["total"])) == (X_PRICE, -X_PRICE)
    h.assert_stock(X_CODE, 0, 10 - 2 + 1 + (2 if undone else 0) - 1 + 1)
    h.assert_settled()
