"""SCENARIOS.md P1–P10, S1–S6 and F5 for both primaries, over both sandboxes on real HTTP.

Every test drives the platform-side action through the sandboxes' hooks, runs one full sync, checks the final
state of both sandboxes and DESIGN §4's invariants, and checks that a second run plans nothing.

A stock correction of a product that documents of the same run touched comes after those documents, in the
same run, from the stock read again once they are pushed (``stock/after_documents.py``): S4 therefore converges
in the run that mirrors the sale.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.seed import jan_check_digit
from tests.e2e.scenario_harness import (
    X_CODE,
    X_TITLE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]

PRIMARIES = pytest.mark.parametrize("primary", ["smaregi", "shopify"])
POLICIES = pytest.mark.parametrize("policy", ["archive", "delete", "ignore"])
Y_CODE = "490123456792" + str(jan_check_digit("490123456792"))
Z_CODE = "490123456793" + str(jan_check_digit("490123456793"))
Q_CODE = "490123456794" + str(jan_check_digit("490123456794"))
E_CODE = "490123456795" + str(jan_check_digit("490123456795"))


def _finish(h: ScenarioHarness) -> None:
    h.assert_invariants()
    h.assert_second_run_plans_nothing()
    h.assert_invariants()


def _smaregi_product(h: ScenarioHarness, code: str) -> dict[str, Any] | None:
    with h.smaregi.state.lock:
        return next(
            (dict(p) for p in h.smaregi.state.products.values() if p.get("productCode") == code), None
        )


def _smaregi_products_with_code(h: ScenarioHarness, code: str) -> int:
    with h.smaregi.state.lock:
        return sum(1 for p in h.smaregi.state.products.values() if p.get("productCode") == code)


def _shopify_product_of(h: ScenarioHarness, code: str) -> Any:
    variant = h.shopify.state.variant_by_sku(code)
    return None if variant is None else h.shopify.state.products.get(variant.product_id)


def _linked(h: ScenarioHarness, code: str) -> bool:
    return bool(h.query("SELECT 1 FROM core.product_links WHERE product_code = ?", [code]))


def _quarantine_reasons(h: ScenarioHarness) -> list[str]:
    rows = h.query("SELECT reason FROM quarantine.records WHERE source_table = 'core.product_links'")
    return [reason for (reason,) in rows]


def _forget(h: ScenarioHarness, code: str) -> None:
    """The product leaves the sync (deleted, excluded): the no-lost-sale invariant no longer covers it."""
    for key in [k for k in h.expected if k[0] == code]:
        h.expected.pop(key)


# --- products -------------------------------------------------------------------------------------------------


@PRIMARIES
def test_p1_product_created_on_shopify_is_created_on_smaregi_with_its_stock(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.shopify.admin_product_create("新作 手ぬぐい", Y_CODE, 880, {0: 5}, productType="雑貨")
    h.run_full_sync()
    created = _smaregi_product(h, Y_CODE)
    assert created is not None
    assert (created["productName"], int(created["price"]), created["taxDivision"]) == (
        "新作 手ぬぐい",
        880,
        "0",
    )
    category = h.smaregi.state.categories[created["categoryId"]]
    assert category["categoryName"] == "雑貨"
    assert _linked(h, Y_CODE)
    h.assert_stock(Y_CODE, 0, 5)
    seeds = h.audit_rows("stock_seed")
    assert len(seeds) == (1 if primary == "smaregi" else 0)
    _finish(h)


@PRIMARIES
def test_p2_product_created_on_smaregi_is_created_on_shopify_with_its_stock(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.add_unlinked_smaregi_product(Z_CODE, "季節限定 豆皿", 1650)
    h.smaregi.stock_count(Z_CODE, h.store_id(0), 4)
    h.run_full_sync()
    product = _shopify_product_of(h, Z_CODE)
    assert product is not None and product.title == "季節限定 豆皿"
    assert len(product.variant_ids) == 1
    assert h.shopify.state.variant_by_sku(Z_CODE).price == 1650
    assert _linked(h, Z_CODE)
    h.assert_stock(Z_CODE, 0, 4)
    assert len(h.audit_rows("stock_seed")) == (1 if primary == "shopify" else 0)
    _finish(h)


@PRIMARIES
def test_p3_price_changed_on_smaregi_reaches_shopify(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    h.smaregi.product_edit(X_CODE, {"price": "1320"})
    h.run_full_sync()
    assert h.shopify.state.variant_by_sku(X_CODE).price == 1320
    assert int(_smaregi_product(h, X_CODE)["price"]) == 1320  # type: ignore[index]
    assert h.audit_rows("product_conflict") == []
    _finish(h)


@PRIMARIES
def test_p4_title_changed_on_shopify_reaches_smaregi(make_scenario: ScenarioFactory, primary: str) -> None:
    h = make_scenario(primary)
    h.shopify.admin_product_edit(X_CODE, title="定番 トートバッグ（大）")
    h.run_full_sync()
    assert _smaregi_product(h, X_CODE)["productName"] == "定番 トートバッグ（大）"  # type: ignore[index]
    assert h.audit_rows("product_conflict") == []
    _finish(h)


@PRIMARIES
def test_p5_title_changed_on_both_sides_the_primary_wins_and_is_audited(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.shopify.admin_product_edit(X_CODE, title="Shopifyの新しい名前")
    h.smaregi.product_edit(X_CODE, {"productName": "スマレジの新しい名前"})
    h.run_full_sync()
    winner = "スマレジの新しい名前" if primary == "smaregi" else "Shopifyの新しい名前"
    assert _shopify_product_of(h, X_CODE).title == winner
    assert _smaregi_product(h, X_CODE)["productName"] == winner  # type: ignore[index]
    [conflict] = h.audit_rows("product_conflict")
    assert json.loads(conflict["new_value"]) == {"field": "title", "value": winner}
    _finish(h)


@PRIMARIES
@POLICIES
def test_p6_deleted_on_shopify_follows_the_delete_policy(
    make_scenario: ScenarioFactory, primary: str, policy: str
) -> None:
    h = make_scenario(primary, delete_policy=policy)
    h.shopify.admin_product_delete(X_CODE)
    _forget(h, X_CODE)
    h.run_full_sync()
    remaining = _smaregi_product(h, X_CODE)
    if policy == "archive":
        assert remaining is not None and remaining["displayFlag"] == "0"
    elif policy == "delete":
        assert remaining is None
    else:
        assert remaining is not None and remaining["displayFlag"] == "1"
    assert not _linked(h, X_CODE)
    assert _shopify_product_of(h, X_CODE) is None, "nothing is created back on Shopify"
    _finish(h)


@PRIMARIES
@POLICIES
def test_p7_deleted_on_smaregi_follows_the_delete_policy(
    make_scenario: ScenarioFactory, primary: str, policy: str
) -> None:
    h = make_scenario(primary, delete_policy=policy)
    h.smaregi.product_delete(X_CODE)
    _forget(h, X_CODE)
    h.run_full_sync()
    product = _shopify_product_of(h, X_CODE)
    if policy == "archive":
        assert product is not None and product.status == "ARCHIVED"
    elif policy == "delete":
        assert product is None
    else:
        assert product is not None and product.status == "ACTIVE"
    assert not _linked(h, X_CODE)
    assert _smaregi_products_with_code(h, X_CODE) == 0, "nothing is created back on Smaregi"
    _finish(h)


@PRIMARIES
def test_p8_duplicate_sku_is_quarantined_and_nothing_is_linked_or_created(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.add_unlinked_smaregi_product(Q_CODE, "限定 キャップ", 2200)
    h.shopify.admin_product_create("キャップ A", Q_CODE, 2200, {0: 3})
    h.shopify.admin_product_create("キャップ B", Q_CODE, 2200, {0: 3})
    h.run_full_sync()
    assert not _linked(h, Q_CODE)
    assert _quarantine_reasons(h).count("duplicate match key") == 3
    smaregi_q = _smaregi_product(h, Q_CODE)
    assert smaregi_q is not None and smaregi_q["productName"] == "限定 キャップ"
    assert _smaregi_products_with_code(h, Q_CODE) == 1
    assert (
        sum(
            1
            for v in h.shopify.state.variants.values()
            if h.shopify.state.items[v.inventory_item_id].sku == Q_CODE
        )
        == 2
    )
    h.smaregi.stock_count(Q_CODE, h.store_id(0), 5)
    sale = h.pos_sale([(Q_CODE, 1)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    [line] = order.line_items
    assert line.variant_id is None and line.sku == Q_CODE, "a sale of Q mirrors as a custom line"
    _finish(h)


@PRIMARIES
def test_p9_blank_sku_is_quarantined_and_not_created(make_scenario: ScenarioFactory, primary: str) -> None:
    """The extract already holds back a variant without SKU ("sku: missing", the raw layer's rule); the link
    step's "no match key" covers a blank barcode under ``match_key=barcode`` and anything that gets past."""
    h = make_scenario(primary)
    products_before = len(h.smaregi.state.products)
    product_id = h.shopify.admin_product_create("SKUなし ハンカチ", "", 660, {0: 2})
    variant_id = f"gid://shopify/ProductVariant/{h.shopify.product(product_id).variant_ids[0]}"
    h.run_full_sync()
    reasons = [
        reason
        for (reason,) in h.query(
            "SELECT reason FROM quarantine.records WHERE record_key LIKE ?", [f"%{variant_id}"]
        )
    ]
    assert reasons and all(("no match key" in r or "sku" in r) for r in reasons), reasons
    assert len(h.smaregi.state.products) == products_before
    _finish(h)


@PRIMARIES
def test_p10_excluded_products_are_never_created_updated_or_stock_pushed(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    h.shopify.admin_product_create("非連携 ストール", E_CODE, 3300, {0: 7}, tags=["smapify-exclude"])
    h.shopify.admin_product_edit(X_CODE, tags=["smapify-exclude"])
    h.shopify.admin_product_edit(X_CODE, title="除外後の名前")
    h.manual_edit("shopify", X_CODE, 15)
    h.manual_edit("smaregi", X_CODE, 12)
    _forget(h, X_CODE)
    h.run_full_sync()
    assert _smaregi_products_with_code(h, E_CODE) == 0
    assert _smaregi_product(h, X_CODE)["productName"] == X_TITLE  # type: ignore[index]
    assert h.stock(X_CODE, 0) == (12, 15)
    assert "excluded by tag" in _quarantine_reasons(h)
    _finish(h)


# --- stock ----------------------------------------------------------------------------------------------------


def test_s1_manual_edit_on_shopify_is_overwritten_and_audited(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("shopify", X_CODE, 15)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    [audit] = h.audit_rows("stock_overwrite")
    assert (json.loads(audit["old_value"]), json.loads(audit["new_value"])) == (15, 10)
    assert audit["location"] == f"shopify:{h.location_id(0)}"
    _finish(h)


def test_s2_manual_edit_on_smaregi_is_a_relative_add_and_audited(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("shopify")
    h.manual_edit("smaregi", X_CODE, 15)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    [audit] = h.audit_rows("stock_overwrite")
    assert (json.loads(audit["old_value"]), json.loads(audit["new_value"])) == (15, 10)
    assert audit["location"] == "smaregi:1"
    _finish(h)


def test_s3_stock_count_on_the_primary_is_pushed_without_audit(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("smaregi", X_CODE, 12)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 12)
    assert h.audit_rows("stock_overwrite") == []
    _finish(h)


def test_s4_a_sale_landing_before_the_compare_and_set_is_never_overwritten(
    make_scenario: ScenarioFactory,
) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("shopify", X_CODE, 15)
    h.shopify.before_next("inventorySetQuantities", lambda: h.online_order([(X_CODE, 1)]))
    h.run_full_sync()
    assert h.stock(X_CODE, 0) == (10, 14), "the refused compare-and-set overwrote nothing"
    assert h.audit_rows("stock_overwrite") == []
    h.run_full_sync()
    assert h.smaregi_stock(X_CODE) == 9, "the next run mirrors the sale"
    h.assert_stock(X_CODE, 0, 9)  # and corrects the manual edit after it, in the same run
    _finish(h)


def test_s5_a_sale_landing_before_the_relative_add_is_kept(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("shopify")
    h.manual_edit("smaregi", X_CODE, 15)
    h.smaregi.before_next("POST /stock/{productId}/add", lambda: h.pos_sale([(X_CODE, 1)]))
    h.run_full_sync()
    assert h.stock(X_CODE, 0) == (9, 10), "the add of -5 kept the sale"
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 9)
    _finish(h)


@PRIMARIES
def test_s6_a_sale_at_the_second_store_moves_only_the_second_location(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary, two_pairs=True)
    h.pos_sale([(X_CODE, 1)], pair=1)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    h.assert_stock(X_CODE, 1, 9)
    _finish(h)


# --- faults ---------------------------------------------------------------------------------------------------


@PRIMARIES
def test_f5_throttling_and_server_errors_reach_the_same_end_state(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    faults = FaultPlan.parse("seed=7,throttle=0.1,server_error=0.1")
    h = make_scenario(primary, faults=faults)
    h.manual_edit(h.secondary, X_CODE, 15)
    h.smaregi.product_edit(X_CODE, {"price": "1320"})
    h.shopify.admin_product_create("新作 手ぬぐい", Y_CODE, 880, {0: 5}, productType="雑貨")
    for _ in range(3):
        h.run_full_sync()
    assert h.shopify.faults.log or h.smaregi.faults.log, "the fault plan injected nothing"
    h.assert_stock(X_CODE, 0, 10)
    h.assert_stock(Y_CODE, 0, 5)
    assert h.shopify.state.variant_by_sku(X_CODE).price == 1320
    assert _smaregi_products_with_code(h, Y_CODE) == 1
    assert len(h.audit_rows("stock_overwrite")) == 1
    h.shopify.faults.clear()
    h.smaregi.faults.set_plan(FaultPlan.parse(""))
    _finish(h)


# --- dry run --------------------------------------------------------------------------------------------------


def test_dry_run_shows_the_plan_and_writes_nothing(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("shopify", X_CODE, 15)
    h.smaregi.product_edit(X_CODE, {"price": "1320"})
    ledger_before = h.ledger_counts()
    result = h.run_full_sync(dry_run=True)
    assert h.stock(X_CODE, 0) == (10, 15)
    assert h.shopify.state.variant_by_sku(X_CODE).price == 1100
    assert h.ledger_counts() == ledger_before and h.audit_rows() == []
    planned = h.plan_row_counts()
    assert (planned["inventory_plan"], planned["product_plan"]) == (1, 1)
    metadata = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]  # type: ignore[union-attr]
    }
    assert metadata["push_inventory"]["dry_run"].value is True
    assert metadata["inventory_plan"]["changes_by_kind"].value == {"stock_set": 1}
    assert "stock_set" in metadata["push_inventory"]["first_changes"].value
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    assert h.shopify.state.variant_by_sku(X_CODE).price == 1320
    _finish(h)


# --- lost answers of stock pushes -----------------------------------------------------------------------------


def test_lost_answer_of_a_compare_and_set_is_replayed_not_applied_twice(
    make_scenario: ScenarioFactory,
) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("shopify", X_CODE, 15)
    h.shopify.faults.script("inventorySetQuantities", "answer_lost", times=1)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    assert len(h.audit_rows("stock_overwrite")) == 1
    assert h.ledger_counts().get("pending", 0) == 0
    _finish(h)


def test_lost_answer_of_a_relative_add_is_found_by_its_memo_not_added_twice(
    make_scenario: ScenarioFactory,
) -> None:
    h = make_scenario("shopify")
    h.manual_edit("smaregi", X_CODE, 15)
    h.smaregi.faults.script("POST /stock/{productId}/add", "answer_lost", times=1)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    assert len(h.audit_rows("stock_overwrite")) == 1
    assert h.ledger_counts().get("pending", 0) == 0
    _finish(h)
