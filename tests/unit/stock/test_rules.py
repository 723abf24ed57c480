"""The stock cases and the first-link seed, decided by the stock principle (docs/architecture.md, "Stock principle")."""

from __future__ import annotations

import pytest

from smapify_pipeline.stock.rules import (
    ABOVE_MAXIMUM_ON_PRIMARY,
    StockObservation,
    plan_stock_correction,
    withheld_reason,
)
from tests.unit.scenario import LOCATION_L, STORE_S, X_ITEM, X_PRODUCT


def observe(
    primary: str, primary_count: int | None, secondary: int | None, last: int | None = 10, **extra: object
) -> StockObservation:
    return StockObservation(
        primary=primary,
        smaregi_product_id=X_PRODUCT,
        inventory_item_id=X_ITEM,
        smaregi_store_id=STORE_S,
        shopify_location_id=LOCATION_L,
        primary_count=primary_count,
        secondary_count=secondary,
        last_synced_secondary=last,
        **extra,  # type: ignore[arg-type]
    )


def test_s1_manual_edit_on_shopify_is_overwritten_with_compare_and_set_and_audited() -> None:
    correction = plan_stock_correction(observe("smaregi", 10, 15))
    assert correction is not None and correction.shopify is not None
    assert correction.target == "shopify" and correction.smaregi is None
    quantity = correction.shopify.variables()["input"]["quantities"][0]
    assert (quantity["quantity"], quantity["changeFromQuantity"]) == (10, 15)
    assert correction.audit is not None
    assert (correction.audit.kind, correction.audit.old_value, correction.audit.new_value) == (
        "stock_overwrite",
        15,
        10,
    )
    assert correction.audit.location == LOCATION_L
    assert correction.audit.ledger_key == correction.shopify.key


def test_s2_manual_edit_on_smaregi_is_a_relative_add_and_audited() -> None:
    correction = plan_stock_correction(observe("shopify", 10, 15))
    assert correction is not None and correction.smaregi is not None
    assert correction.smaregi.delta == -5
    assert correction.smaregi.body()["stockAmount"] == "-5"
    assert correction.smaregi.path() == f"/stock/{X_PRODUCT}/add"
    assert correction.audit is not None and correction.audit.location == STORE_S


def test_s3_primary_changed_is_pushed_without_audit() -> None:
    correction = plan_stock_correction(observe("smaregi", 12, 10, last=10))
    assert correction is not None and correction.shopify is not None
    assert (correction.shopify.quantity, correction.shopify.change_from) == (12, 10)
    assert correction.audit is None


def test_s4_the_push_carries_the_observed_count_so_a_late_sale_is_refused_by_shopify() -> None:
    correction = plan_stock_correction(observe("smaregi", 10, 10))
    assert correction is None  # nothing to push when in step
    late = plan_stock_correction(observe("smaregi", 12, 10))
    assert late is not None and late.shopify is not None
    assert late.shopify.change_from == 10  # a sale making Shopify 9 before the write makes Shopify refuse it


def test_s5_a_late_pos_sale_survives_the_relative_add() -> None:
    correction = plan_stock_correction(observe("shopify", 12, 10))
    assert correction is not None and correction.smaregi is not None
    assert correction.smaregi.delta == 2  # Smaregi at 9 after a late sale ends at 11, the sale is kept


def test_nothing_is_pushed_while_documents_are_pending() -> None:
    assert plan_stock_correction(observe("smaregi", 10, 8, pending_documents=True)) is None


@pytest.mark.parametrize("primary", ["smaregi", "shopify"])
def test_p1_first_link_without_a_primary_row_seeds_the_primary_once(primary: str) -> None:
    correction = plan_stock_correction(observe(primary, None, 5, last=None))
    assert correction is not None and correction.target == primary
    assert correction.audit is not None
    assert (correction.audit.kind, correction.audit.new_value) == ("stock_seed", 5)
    if primary == "smaregi":
        assert correction.smaregi is not None and correction.smaregi.delta == 5
    else:
        assert correction.shopify is not None and correction.shopify.activate
        assert correction.shopify.quantity == 5


def test_p1_shopify_primary_sets_a_missing_smaregi_row_without_audit() -> None:
    correction = plan_stock_correction(observe("shopify", 5, None, last=None))
    assert correction is not None and correction.smaregi is not None
    assert correction.smaregi.delta == 5
    assert correction.audit is None


def test_p2_missing_shopify_level_is_activated_with_the_primary_count() -> None:
    correction = plan_stock_correction(observe("smaregi", 4, None, last=None))
    assert correction is not None and correction.shopify is not None
    assert (correction.shopify.activate, correction.shopify.quantity, correction.shopify.change_from) == (
        True,
        4,
        None,
    )


def test_first_overwrite_of_a_count_we_never_wrote_is_audited() -> None:
    correction = plan_stock_correction(observe("smaregi", 10, 7, last=None))
    assert correction is not None and correction.audit is not None


def test_no_rows_anywhere_plans_nothing() -> None:
    assert plan_stock_correction(observe("smaregi", None, None, last=None)) is None


def test_same_observation_same_key() -> None:
    first = plan_stock_correction(observe("shopify", 10, 15))
    again = plan_stock_correction(observe("shopify", 10, 15))
    assert first is not None and again is not None and first.smaregi is not None and again.smaregi is not None
    assert first.smaregi.key == again.smaregi.key


@pytest.mark.parametrize(("primary_count", "secondary"), [(None, None), (None, 0), (0, None)])
def test_a_missing_row_against_zero_needs_nothing(primary_count: int | None, secondary: int | None) -> None:
    for primary in ("smaregi", "shopify"):
        assert plan_stock_correction(observe(primary, primary_count, secondary, last=None)) is None


def test_smaregi_stock_add_memo_names_its_ledger_key() -> None:
    correction = plan_stock_correction(observe("shopify", 10, 15))
    assert correction is not None and correction.smaregi is not None
    other = plan_stock_correction(observe("shopify", 10, 14))
    assert other is not None and other.smaregi is not None
    memo = correction.smaregi.memo
    assert memo.startswith("smapify:stock:") and len(memo) <= 100
    assert memo != other.smaregi.memo


# --- impossible counts (docs/architecture.md, "Stock principle") ------------------------------------------


@pytest.mark.parametrize("primary", ["smaregi", "shopify"])
def test_a_negative_primary_count_is_never_copied_to_the_secondary(primary: str) -> None:
    obs = StockObservation(
        primary=primary, smaregi_product_id="8000001", inventory_item_id="gid://shopify/InventoryItem/1",
        smaregi_store_id="1", shopify_location_id="gid://shopify/Location/1", primary_count=-5,
        secondary_count=10, last_synced_secondary=10,
    )  # fmt: skip
    assert plan_stock_correction(obs) is None
    assert withheld_reason(-5, 10) == "negative stock on the primary"


def test_a_count_above_what_both_platforms_hold_is_withheld() -> None:
    assert withheld_reason(1_000_000_000, 3) == ABOVE_MAXIMUM_ON_PRIMARY
    assert withheld_reason(999_999_999, 3) is None
    assert withheld_reason(0, 3) is None


def test_a_negative_secondary_never_seeds_the_primary() -> None:
    obs = StockObservation(
        primary="smaregi", smaregi_product_id="8000001", inventory_item_id="gid://shopify/InventoryItem/1",
        smaregi_store_id="1", shopify_location_id="gid://shopify/Location/1", primary_count=None,
        secondary_count=-2,
    )  # fmt: skip
    assert plan_stock_correction(obs) is None
    assert withheld_reason(None, -2) == "negative stock on the secondary cannot seed the primary"
    assert withheld_reason(None, 4) is None
