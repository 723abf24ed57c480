"""Idempotency keys are deterministic from the source event (docs/architecture.md, "Ledger and exactly-once")."""

import re
import uuid

import pytest

from smapify_pipeline.sync import keys


def test_document_keys_follow_the_design_shape() -> None:
    assert keys.sale_order_key("c1", "25") == "smaregi:c1:txn:25:order"
    assert keys.sale_stock_key("c1", "25") == "smaregi:c1:txn:25:stock"
    assert keys.order_transaction_key("gid://shopify/Order/7") == "shopify:order:7:txn"
    assert keys.order_transaction_key("7") == keys.order_transaction_key("gid://shopify/Order/7")
    assert keys.refund_transaction_key("gid://shopify/Refund/9") == "shopify:refund:9:txn"
    assert keys.refund_stock_key("gid://shopify/Refund/9") == "shopify:refund:9:stock"


def test_smaregi_refund_keys_differ_by_event() -> None:
    void = keys.smaregi_refund_key("c1", "25", "void")
    assert void == "smaregi:c1:txn:25:void"
    assert void != keys.sale_order_key("c1", "25")
    assert keys.smaregi_refund_key("c1", "26", "reversal") != keys.smaregi_refund_key("c1", "26", "return")
    with pytest.raises(ValueError):
        keys.smaregi_refund_key("c1", "25", "cancel")


def test_stock_push_key_changes_with_the_observation() -> None:
    first = keys.stock_push_key("shopify", "1", "gid://shopify/Location/5", "8000001", 10, 15)
    assert first == "stock:shopify:1@5:8000001:p10:s15"
    assert first == keys.stock_push_key("shopify", "1", "gid://shopify/Location/5", "8000001", 10, 15)
    assert first != keys.stock_push_key("shopify", "1", "gid://shopify/Location/5", "8000001", 10, 14)
    assert keys.stock_push_key("smaregi", "1", "5", "8000001", 10, None).endswith(":snone")


def test_product_update_key_depends_on_the_values() -> None:
    one = keys.product_update_key("smaregi", "8000001", {"title": "A", "price": 1100})
    same = keys.product_update_key("smaregi", "8000001", {"price": 1100, "title": "A"})
    other = keys.product_update_key("smaregi", "8000001", {"title": "B", "price": 1100})
    assert one == same != other
    assert (
        keys.product_delete_key("shopify", "gid://shopify/Product/3", "archive")
        == "shopify:product:3:archive"
    )
    with pytest.raises(ValueError):
        keys.product_create_key("amazon", "1")


def test_shopify_idempotency_key_is_a_deterministic_uuid_per_attempt() -> None:
    ledger_key = "smaregi:c1:txn:25:stock"
    first = keys.shopify_idempotency_key(ledger_key, 1)
    assert first == keys.shopify_idempotency_key(ledger_key, 1)
    assert first != keys.shopify_idempotency_key(ledger_key, 2)
    assert first != keys.shopify_idempotency_key("smaregi:c1:txn:26:stock", 1)
    assert str(uuid.UUID(first)) == first and len(first) == 36
    assert re.fullmatch(r"[0-9a-f-]{36}", first)
    with pytest.raises(ValueError):
        keys.shopify_idempotency_key(ledger_key, 0)
