"""SCENARIOS.md D1–D12 for both primaries, over both sandboxes on real HTTP, run by the in-process pipeline.

Every test drives the platform-side action through the sandboxes' hooks, runs one full sync, checks the final
state of both sandboxes and DESIGN §4's invariants, and checks that a second run plans nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from smapify_pipeline.sync import markers
from tests.e2e.scenario_harness import (
    PRIMARIES,
    R_CODE,
    R_PRICE,
    W_CODE,
    W_TITLE,
    X_CODE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]


def _d1(h: ScenarioHarness) -> str:
    sale = h.pos_sale([(X_CODE, 2)])
    h.run_full_sync()
    return sale


def _d2(h: ScenarioHarness, shipping: int | None = None) -> str:
    order = h.online_order([(X_CODE, 3)], shipping=shipping)
    h.run_full_sync()
    return order


def _adjustments_for(h: ScenarioHarness, transaction_head_id: str) -> list[object]:
    uri = f"gid://smapify/SmaregiTransaction/{h.contract_id}-{transaction_head_id}"
    return [g for g in h.shopify.state.adjustment_groups.values() if g.reference_document_uri == uri]


@PRIMARIES
def test_d1_pos_sale_becomes_one_paid_fulfilled_order(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    sale = _d1(h)
    [order] = h.orders_mirroring(sale)
    assert order.source_name == "smapify"
    assert markers.order_tag(h.contract_id, sale) in order.tags
    assert order.financial_status == "PAID"
    assert [(li.sku, li.quantity, li.unit_price) for li in order.line_items] == [(X_CODE, 2, Decimal(1100))]
    assert all(li.fulfilled_quantity == li.quantity for li in order.line_items)
    assert sum(li.unit_price * li.quantity for li in order.line_items) == 2200
    [adjustment] = _adjustments_for(h, sale)
    assert [c.delta for c in adjustment.changes if c.name == "available"] == [-2]
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


@PRIMARIES
def test_d2_online_order_becomes_one_smaregi_sale(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    order = _d2(h)
    [txn] = h.transactions_with_memo("order", order)
    assert txn["storeId"] == h.store_id(0)
    assert txn["total"] == "3300" and txn["subtotal"] == "3300" and txn["taxInclude"] == "300"
    assert [(d["productCode"], d["quantity"]) for d in txn["details"]] == [(X_CODE, "3")]
    h.assert_stock(X_CODE, 0, 7)
    h.assert_settled()


@PRIMARIES
@pytest.mark.parametrize(("restock", "expected"), [("RETURN", 8), ("NO_RESTOCK", 7)])
def test_d3_d4_shopify_refund_becomes_one_smaregi_return(
    make_scenario: ScenarioFactory, primary: str, restock: str, expected: int
) -> None:
    h = make_scenario(primary)
    order = _d2(h)
    refund = h.shopify_refund(order, [(X_CODE, 1)], restock)
    h.run_full_sync()
    [txn] = h.transactions_with_memo("refund", refund)
    assert [(d["productCode"], d["quantity"], d["transactionDetailDivision"]) for d in txn["details"]] == [
        (X_CODE, "-1", "2")
    ]
    assert txn["total"] == "-1100"
    h.assert_stock(X_CODE, 0, expected)
    h.assert_settled()


@PRIMARIES
def test_d5_cancel_refund_of_an_unfulfilled_order_restocks_like_d3(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order = _d2(h)
    assert all(li.fulfilled_quantity == 0 for li in h.shopify_order(order).line_items)
    refund = h.shopify_refund(order, [(X_CODE, 1)], "CANCEL")
    h.run_full_sync()
    assert len(h.transactions_with_memo("refund", refund)) == 1
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


@PRIMARIES
def test_d6_smaregi_line_return_refunds_that_line(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    sale = _d1(h)
    returned = h.smaregi_return(sale, [(X_CODE, 1)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    [refund] = h.shopify_refunds(order)
    assert refund.note == markers.refund_note(h.contract_id, returned, "return")
    assert [(line.quantity, line.restock_type) for line in refund.lines] == [(1, "RETURN")]
    h.assert_stock(X_CODE, 0, 9)
    h.assert_settled()


@PRIMARIES
@pytest.mark.parametrize("undo", ["void", "reversal"])
def test_d7_d8_void_or_reversal_refunds_the_whole_order(
    make_scenario: ScenarioFactory, primary: str, undo: str
) -> None:
    h = make_scenario(primary)
    sale = _d1(h)
    if undo == "void":
        h.smaregi_void(sale)
    else:
        h.smaregi_reversal(sale)
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    [refund] = h.shopify_refunds(order)
    assert sum(line.quantity for line in refund.lines) == 2
    assert all(li.refunded_quantity == li.quantity for li in order.line_items)
    h.assert_stock(X_CODE, 0, 10)
    h.assert_settled()


@PRIMARIES
def test_d9_unlinked_line_becomes_a_custom_line(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    h.add_unlinked_smaregi_product()
    h.smaregi.stock_count(W_CODE, h.store_id(0), 5)
    sale = h.pos_sale([(X_CODE, 1), (W_CODE, 1)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    lines = {li.sku: li for li in order.line_items}
    assert lines[X_CODE].variant_id is not None
    assert lines[W_CODE].variant_id is None and lines[W_CODE].title == W_TITLE
    [adjustment] = _adjustments_for(h, sale)
    assert [c.delta for c in adjustment.changes if c.name == "available"] == [-1]
    h.assert_stock(X_CODE, 0, 9)
    h.assert_invariants()


@PRIMARIES
def test_d10_tax_line_per_rate_and_exact_total(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    sale = h.pos_sale([(X_CODE, 1), (R_CODE, 3)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    smaregi_total = int(h.smaregi.state.transactions[sale]["total"])
    assert smaregi_total == 1100 + 3 * R_PRICE
    assert sum(li.unit_price * li.quantity for li in order.line_items) == smaregi_total
    rates = {tax.rate: tax.amount for li in order.line_items for tax in li.tax_lines}
    assert set(rates) == {Decimal("0.1"), Decimal("0.08")}
    smaregi_tax = int(h.smaregi.state.transactions[sale]["taxInclude"])
    assert sum(tax.amount for li in order.line_items for tax in li.tax_lines) == smaregi_tax
    h.assert_stock(R_CODE, 0, 7)
    h.assert_settled()


@PRIMARIES
def test_d11_shipping_becomes_carriage_with_totals_to_the_yen(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    order = _d2(h, shipping=500)
    [txn] = h.transactions_with_memo("order", order)
    assert txn["carriage"] == "500"
    assert int(txn["total"]) == 3300 + 500
    h.assert_settled()


@PRIMARIES
def test_d12_our_order_is_not_mirrored_back(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    sale = _d1(h)
    transactions = len(h.smaregi_transactions())
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    assert h.transactions_with_memo("order", f"gid://shopify/Order/{order.id}") == []
    assert len(h.smaregi_transactions()) == transactions
    h.assert_settled()


def test_s6_sale_at_the_second_store_moves_only_the_second_location(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi", two_pairs=True)
    h.pos_sale([(X_CODE, 1)], pair=1)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    h.assert_stock(X_CODE, 1, 9)
    h.assert_settled()


def test_dry_run_plans_and_shows_but_writes_nothing(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi")
    h.pos_sale([(X_CODE, 2)])
    orders = len(h.shopify_orders())
    result = h.run_full_sync(dry_run=True)
    assert len(h.shopify_orders()) == orders
    assert h.plan_row_counts()["order_plan"] == 2
    push = result.asset_materializations_for_node("push_orders")[0].metadata
    assert push["dry_run"].value is True and push["would_apply"].value == 2
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


# --- faults -------------------------------------------------------------------------------------------------


def _ledger_row(h: ScenarioHarness, key: str) -> tuple[object, ...]:
    [row] = h.query("SELECT status, attempts, remote_id FROM sync.ledger WHERE key = ?", [key])
    return row


def _injected(sandbox: object, operation: str) -> list[str]:
    return [str(d.kind) for d in sandbox.faults.log if d.operation == operation]  # type: ignore[attr-defined]


@PRIMARIES
def test_f1_lost_order_create_answer_is_resolved_by_the_marker(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    sale = h.pos_sale([(X_CODE, 2)])
    h.shopify.faults.script("orderCreate", "answer_lost", 1)
    h.run_full_sync()
    assert _injected(h.shopify, "orderCreate") == ["answer_lost"]
    [order] = h.orders_mirroring(sale)
    status, _, remote = _ledger_row(h, f"smaregi:{h.contract_id}:txn:{sale}:order")
    assert (status, remote) == ("applied", f"gid://shopify/Order/{order.id}")
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


@PRIMARIES
def test_f2_lost_transaction_post_answer_makes_one_smaregi_sale(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.smaregi.faults.script("POST /transactions", "answer_lost", 1)
    order = _d2(h)
    assert _injected(h.smaregi, "POST /transactions") == ["answer_lost"]
    assert len(h.transactions_with_memo("order", order)) == 1
    h.assert_stock(X_CODE, 0, 7)
    h.assert_settled()


@PRIMARIES
def test_f3_lost_refund_create_answer_is_replayed_with_the_same_key(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    sale = _d1(h)
    h.smaregi_return(sale, [(X_CODE, 1)])
    h.shopify.faults.script("refundCreate", "answer_lost", 1)
    h.run_full_sync()
    assert _injected(h.shopify, "refundCreate") == ["answer_lost"]
    [order] = h.orders_mirroring(sale)
    assert len(h.shopify_refunds(order)) == 1
    h.assert_stock(X_CODE, 0, 9)
    h.assert_settled()


@PRIMARIES
def test_f4_lost_stock_adjustment_answer_does_not_adjust_twice(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    sale = h.pos_sale([(X_CODE, 2)])
    h.shopify.faults.script("inventoryAdjustQuantities", "answer_lost", 1)
    h.run_full_sync()
    assert _injected(h.shopify, "inventoryAdjustQuantities") == ["answer_lost"]
    assert len(_adjustments_for(h, sale)) == 1
    h.assert_stock(X_CODE, 0, 8)
    h.assert_settled()


@pytest.mark.parametrize(
    ("platform", "operation"),
    [("shopify", "orderCreate"), ("shopify", "inventoryAdjustQuantities"), ("smaregi", "POST /transactions")],
)
def test_f6_a_run_killed_during_push_ends_like_an_unkilled_one(
    make_scenario: ScenarioFactory, platform: str, operation: str
) -> None:
    h = make_scenario("smaregi")
    sale = h.pos_sale([(X_CODE, 2)])
    order = h.online_order([(R_CODE, 1)])
    assert h.run_full_sync_killed_at(platform, operation) != 0
    pending = h.query("SELECT key FROM sync.ledger WHERE status = 'pending'")
    assert pending, "the killed run left no write with an unknown outcome"
    h.run_full_sync()
    assert len(h.orders_mirroring(sale)) == 1
    assert len(_adjustments_for(h, sale)) == 1
    assert len(h.transactions_with_memo("order", order)) == 1
    h.assert_stock(X_CODE, 0, 8)
    h.assert_stock(R_CODE, 0, 9)
    assert h.query("SELECT count(*) FROM sync.ledger WHERE status <> 'applied'") == [(0,)]
    h.assert_settled()


def test_an_order_that_cannot_be_mirrored_is_quarantined_with_its_reason(
    make_scenario: ScenarioFactory,
) -> None:
    h = make_scenario("smaregi")
    h.shopify.admin_product_create("除外 ギフトカード", "EXCLUDED-1", 500, {0: 5}, tags=["smapify-exclude"])
    order = h.online_order([("EXCLUDED-1", 1)])
    h.recorded.online_orders.remove(order)
    h.run_full_sync()
    assert h.transactions_with_memo("order", order) == []
    [(reason,)] = h.query(
        "SELECT reason FROM quarantine.records WHERE source_table = 'raw.shopify_orders' AND record_key = ?",
        [order],
    )
    assert "without a linked product" in reason
    h.assert_settled()


def test_lost_answer_of_a_compensating_stock_add_is_found_in_the_stock_history(
    make_scenario: ScenarioFactory,
) -> None:
    h = make_scenario("shopify")
    order = _d2(h)
    h.shopify_refund(order, [(X_CODE, 1)], "NO_RESTOCK")
    h.smaregi.faults.script("POST /stock/{productId}/add", "answer_lost", 1)
    h.run_full_sync()
    assert _injected(h.smaregi, "POST /stock/{productId}/add") == ["answer_lost"]
    h.assert_stock(X_CODE, 0, 7)
    h.assert_settled()
