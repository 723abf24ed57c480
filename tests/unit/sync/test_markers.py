"""Markers of our own writes: round trips, echo recognition (D12) and lookups after a lost answer (F1, F2)."""

from datetime import UTC, datetime

import pytest

from smapify_pipeline.sync import markers
from smapify_pipeline.sync.gids import numeric_id, shopify_gid


def test_gid_round_trip() -> None:
    assert numeric_id("gid://shopify/Order/5551234567890") == "5551234567890"
    assert numeric_id("gid://shopify/InventoryLevel/7?inventory_item_id=9") == "7"
    assert shopify_gid("Order", 42) == "gid://shopify/Order/42"
    with pytest.raises(ValueError):
        numeric_id("gid://shopify/Order/abc")


def test_order_markers_round_trip() -> None:
    identifier = markers.order_source_identifier("sb_skp380c6", "25")
    tag = markers.order_tag("sb_skp380c6", "25")
    assert identifier == "smapify:smaregi:sb_skp380c6:txn:25"
    assert "," not in tag and ":" not in tag
    expected = markers.SmaregiSource("sb_skp380c6", "25")
    assert markers.order_source(identifier) == expected
    assert markers.order_source(None, ("vip", tag)) == expected


def test_order_lookup_query_searches_the_tag() -> None:
    assert markers.order_lookup_query("c1", "25") == "tag:'smapify-txn-c1-25'"


def test_d12_our_order_is_recognised_by_any_marker() -> None:
    assert markers.order_is_ours("smapify", None)
    assert markers.order_is_ours("pos", "smapify:smaregi:c1:txn:9")
    assert markers.order_is_ours("web", None, ("smapify-txn-c1-9",))
    assert not markers.order_is_ours("web", None, ("smapify-exclude", "gift"))
    assert not markers.order_is_ours("web", "checkout-123")


def test_refund_note_round_trip() -> None:
    note = markers.refund_note("c1", "31", "void")
    assert markers.refund_is_ours(note)
    assert markers.refund_source(note) == markers.SmaregiSource("c1", "31")
    assert not markers.refund_is_ours("customer changed their mind")
    assert not markers.refund_is_ours(None)


def test_transaction_memo_round_trip() -> None:
    memo = markers.transaction_memo("order", "gid://shopify/Order/5551234567890")
    assert memo == "smapify:shopify:order:5551234567890"
    assert markers.transaction_is_ours(memo)
    assert markers.transaction_is_ours("staff note\n" + memo)
    assert markers.transaction_source(memo) == markers.ShopifySource("order", "5551234567890")
    assert not markers.transaction_is_ours("smapify is great")
    assert not markers.transaction_is_ours(None)


def test_terminal_tran_id_is_ten_digits_at_most() -> None:
    value = markers.terminal_tran_id("order", "gid://shopify/Order/5551234567890")
    assert value == "1234567890"
    assert len(value) <= 10 and value.isdigit()
    assert markers.terminal_tran_id("refund", "gid://shopify/Refund/77") == "2000000077"
    assert markers.terminal_tran_id("order", "1") != markers.terminal_tran_id("refund", "1")


def test_unknown_marker_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        markers.terminal_tran_id("fulfillment", "1")
    with pytest.raises(ValueError):
        markers.transaction_memo("fulfillment", "1")


def test_transaction_lookup_window_is_in_japan_time() -> None:
    params = markers.transaction_lookup_params("3", datetime(2026, 9, 1, 3, 0, tzinfo=UTC))
    assert params == {
        "store_id": "3",
        "terminal_tran_date_time-from": "2026-09-01T11:50:00+09:00",
        "terminal_tran_date_time-to": "2026-09-01T12:10:00+09:00",
    }


def test_transaction_match_needs_the_full_id_in_the_memo() -> None:
    order = "gid://shopify/Order/5551234567890"
    memo = markers.transaction_memo("order", order)
    tran_id = markers.terminal_tran_id("order", order)
    assert markers.transaction_matches("order", order, memo, tran_id)
    # same last nine digits, different order: the terminal id collides, the memo does not
    other = "gid://shopify/Order/4441234567890"
    assert markers.terminal_tran_id("order", other) == tran_id
    assert not markers.transaction_matches("order", other, memo, tran_id)
    assert not markers.transaction_matches("refund", order, memo, tran_id)
