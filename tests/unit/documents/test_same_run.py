"""Documents whose parent is mirrored in the same run: planned against the row that creates it, with the ids
that exist only after it resolved at push."""

from __future__ import annotations

from dataclasses import replace

import pytest

from smapify_pipeline.documents import same_run
from smapify_pipeline.documents.plan import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    SHOPIFY_STOCK_ADJUST,
    plan_orders,
    plan_refunds,
)
from smapify_pipeline.sync import keys
from tests.unit.documents.fake_world import CONTRACT, ITEM, LOCATION, PRICE, VARIANT, World, _line


def test_a_return_of_a_sale_mirrored_in_the_same_run_refunds_the_order_it_creates() -> None:
    world = World()
    sale = world.pos_sale(2)
    returned = world.line_return(sale, 1)
    rows = {row.key: row for row in plan_refunds(world.state()).rows}
    order_key = keys.sale_order_key(CONTRACT, sale)
    assert keys.return_restock_key(CONTRACT, returned) not in rows, "never a stock-only restock"
    refund = rows[keys.smaregi_refund_key(CONTRACT, returned, "return")]
    assert refund.kind == SHOPIFY_REFUND and refund.depends_on == order_key
    refund_input = refund.payload["variables"]["input"]
    assert refund_input["orderId"] == same_run.pending_order_id(order_key)
    [item] = refund_input["refundLineItems"]
    assert (item["lineItemId"], item["quantity"], item["restockType"]) == (
        same_run.pending_line_id(order_key, 0),
        1,
        "RETURN",
    )
    assert refund.payload["pending_lines"] == {
        item["lineItemId"]: {"index": 0, "variantId": VARIANT, "sku": None}
    }
    assert refund.payload["restock"] == [{"inventoryItemId": ITEM, "locationId": LOCATION, "delta": 1}]
    assert refund.payload["amount"] == PRICE


def test_a_void_after_a_return_in_one_run_refunds_exactly_the_rest_after_it() -> None:
    world = World()
    sale = world.pos_sale(2)
    world.sync()
    returned = world.line_return(sale, 1)
    world.void(sale)
    rows = {row.key: row for row in plan_refunds(world.state()).rows}
    return_key = keys.smaregi_refund_key(CONTRACT, returned, "return")
    void = rows[keys.smaregi_refund_key(CONTRACT, sale, "void")]
    assert void.depends_on == return_key
    assert [i["quantity"] for i in void.payload["variables"]["input"]["refundLineItems"]] == [1]
    assert void.payload["amount"] == PRICE
    extra = rows[keys.undo_restock_key(CONTRACT, sale, "void")]
    assert extra.kind == SHOPIFY_STOCK_ADJUST and extra.depends_on == void.key
    assert extra.payload["changes"] == [{"inventoryItemId": ITEM, "locationId": LOCATION, "delta": 1}]


def test_a_shopify_refund_of_an_order_mirrored_in_the_same_run_waits_only_for_that_row() -> None:
    world = World()
    order = world.online_order(1)
    refund = world.shopify_refund(order, 1)
    rows = {row.key: row for row in plan_refunds(world.state()).rows}
    assert rows[keys.refund_transaction_key(refund)].depends_on == keys.order_transaction_key(order)


def test_an_exchange_ticket_returning_a_line_of_a_sale_mirrored_in_the_same_run() -> None:
    world = World()
    sale = world.pos_sale(2)
    ticket = world.pos_sale(1)
    world.smaregi[ticket] = replace(
        world.smaregi[ticket],
        lines=(_line(1), _line(-1, "2", "2")),
        subtotal=0,
        total=0,
        tax_include=0,
        dispose_server_transaction_head_id=sale,
    )
    world.stock["smaregi"] += 1  # the returned unit
    state = world.state()
    orders = {row.key for row in plan_orders(state).rows}
    assert keys.sale_order_key(CONTRACT, ticket) in orders, "its sale line is an order of its own"
    rows = {row.key: row for row in plan_refunds(state).rows}
    refund = rows[keys.smaregi_refund_key(CONTRACT, ticket, "return")]
    assert refund.depends_on == keys.sale_order_key(CONTRACT, sale)
    world.sync()
    assert world.sync() == []
    assert world.stock["smaregi"] == world.stock["shopify"] == 8


def test_a_return_whose_restock_was_mirrored_alone_is_refunded_without_restock() -> None:
    world = World()
    sale = world.pos_sale(2)
    returned = world.line_return(sale, 1)
    world.ledger[keys.return_restock_key(CONTRACT, returned)] = "adjustment"  # mirrored alone, earlier
    [order_row] = [row for row in plan_orders(world.state()).rows if row.kind == SHOPIFY_ORDER]
    world.ledger[order_row.key] = world._create_order(order_row.payload["variables"]["order"])
    [refund] = [row for row in plan_refunds(world.state()).rows if row.kind == SHOPIFY_REFUND]
    assert [i["restockType"] for i in refund.payload["variables"]["input"]["refundLineItems"]] == [
        "NO_RESTOCK"
    ]
    assert refund.payload["restock"] == []


def test_a_placeholder_naming_another_line_is_not_resolved() -> None:
    wanted = {"p": {"index": 0, "variantId": VARIANT, "sku": None}}
    assert same_run.resolve_line_ids(wanted, [{"id": "L1", "variant": {"id": VARIANT}}]) == {"p": "L1"}
    with pytest.raises(same_run.UnresolvedPlaceholder):
        same_run.resolve_line_ids(
            wanted, [{"id": "L1", "variant": {"id": "gid://shopify/ProductVariant/99"}}]
        )
    with pytest.raises(same_run.UnresolvedPlaceholder):
        same_run.resolve_line_ids(wanted, [])
