"""Exactly-once rests on the plans being pure: the same source gives the same key and the same variables,
so a retry after a lost answer replays exactly (Shopify @idempotent) or is found by its marker."""

from __future__ import annotations

from smapify_pipeline.documents.orders import order_to_transaction, sale_to_order
from smapify_pipeline.documents.refunds import smaregi_to_refund
from smapify_pipeline.settings import LocationPair, SyncSettings
from smapify_pipeline.sync import keys
from smapify_pipeline.sync.records import SyncContext
from tests.unit.scenario import (
    CONTRACT,
    CTX,
    LINKS,
    LOCATION_L,
    X_ITEM,
    online_order,
    order_line,
    sale,
    x_line,
)


def test_f1_f4_sale_plan_is_the_same_every_time() -> None:
    first, again = sale_to_order(sale(x_line(2)), CTX, LINKS), sale_to_order(sale(x_line(2)), CTX, LINKS)
    assert first == again
    assert first.stock is not None and again.stock is not None
    seen = {(X_ITEM, LOCATION_L): 10}
    assert first.stock.variables(seen) == again.stock.variables(seen)
    assert keys.shopify_idempotency_key(first.stock.key, 1) == keys.shopify_idempotency_key(
        again.stock.key, 1
    )


def test_f2_transaction_body_is_the_same_every_time() -> None:
    order = online_order(order_line(3), shipping=500)
    assert order_to_transaction(order, CTX, LINKS) == order_to_transaction(order, CTX, LINKS)


def test_f3_refund_variables_are_the_same_every_time() -> None:
    order = online_order(order_line(2), parent_transaction_id="gid://shopify/OrderTransaction/1")
    txn = sale(x_line(-1), head_id="26", dispose_server_transaction_head_id="25")
    assert smaregi_to_refund(txn, "return", order, CTX, LINKS) == smaregi_to_refund(
        txn, "return", order, CTX, LINKS
    )


def test_context_from_settings_defaults_the_online_store_to_the_first_pair() -> None:
    settings = SyncSettings(
        location_pairs=(LocationPair(smaregi_store_id="1", shopify_location_id=LOCATION_L),)
    )
    ctx = SyncContext.from_settings(settings, CONTRACT)
    assert (ctx.online_store_id, ctx.location_for("1"), ctx.store_for(LOCATION_L)) == ("1", LOCATION_L, "1")
    assert ctx.location_for("2") is None and ctx.store_for("gid://shopify/Location/9") is None
