"""Sensor ticks against both sandboxes over real HTTP: with and without new sales, repeated ticks, our own
documents, webhook events followed by a poll."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import dagster as dg

from smapify_pipeline import sensors
from smapify_pipeline.sync import markers
from smapify_pipeline.webhooks import configure_smaregi_sandbox, subscribe_shopify
from tests.unit.served_ops import Ops

LATER = sensors.DEFAULT_POLL_INTERVAL + timedelta(seconds=1)

ORDER_CREATE = """
mutation Create($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) { order { id } userErrors { field message } }
}
"""


def _code(ops: Ops, index: int = 0) -> str:
    catalogue = ops.pair.shopify.catalogue
    assert catalogue is not None
    return catalogue.products[index].variants[0].code


def _sale(ops: Ops, quantity: int = 1, index: int = 0) -> str:
    return ops.pair.smaregi.ring_up_sale("1", [(_code(ops, index), quantity)])


def _smaregi_calls(ops: Ops) -> int:
    return sum(ops.smaregi.get_client().calls.values())


def _smaregi_tick(ops: Ops, cursor: str | None, now: datetime) -> dg.SensorResult:
    return sensors.smaregi_tick(cursor, ops.smaregi, ops.inbox_resource, now=now)


def test_smaregi_tick_without_sales_requests_nothing_and_starts_its_cursor(ops: Ops) -> None:
    result = _smaregi_tick(ops, None, datetime.now(UTC))

    assert not result.run_requests
    assert "no new Smaregi transactions" in (result.skip_reason.skip_message or "")
    cursor = json.loads(result.cursor or "")
    assert cursor["last_poll"] is not None and cursor["since"] is not None
    assert _smaregi_calls(ops) == 1


def test_smaregi_new_sale_requests_one_orders_run_and_a_repeat_tick_requests_nothing(ops: Ops) -> None:
    now = datetime.now(UTC)
    first = _smaregi_tick(ops, None, now)
    transaction_id = _sale(ops, quantity=2)

    second = _smaregi_tick(ops, first.cursor, now + LATER)
    third = _smaregi_tick(ops, second.cursor, now + 2 * LATER)

    assert len(second.run_requests or []) == 1
    request = (second.run_requests or [])[0]
    assert request.job_name == "orders_sync"
    assert request.run_key and request.run_key.startswith("smaregi-poll:")
    assert request.tags["smapify/changes"] == "1"
    assert json.loads(second.cursor or "")["seen"].keys() == {transaction_id}
    assert json.loads(second.cursor or "")["since"] > json.loads(first.cursor or "")["since"]
    assert not third.run_requests


def test_smaregi_tick_from_the_same_cursor_asks_for_the_same_run_key(ops: Ops) -> None:
    """A tick whose cursor was not saved is re-evaluated; Dagster then drops the repeated run_key."""
    now = datetime.now(UTC)
    first = _smaregi_tick(ops, None, now)
    _sale(ops)

    again = [_smaregi_tick(ops, first.cursor, now + LATER) for _ in range(2)]

    keys = {r.run_key for result in again for r in result.run_requests or []}
    assert len(keys) == 1


def test_smaregi_poll_waits_for_its_interval(ops: Ops) -> None:
    now = datetime.now(UTC)
    first = _smaregi_tick(ops, None, now)
    _sale(ops)

    early = _smaregi_tick(ops, first.cursor, now + timedelta(seconds=1))

    assert not early.run_requests
    assert "next poll not due" in (early.skip_reason.skip_message or "")
    assert _smaregi_calls(ops) == 1


def test_smaregi_second_sale_is_a_new_run_and_a_transaction_we_wrote_is_not(ops: Ops) -> None:
    now = datetime.now(UTC)
    cursor = _smaregi_tick(ops, None, now).cursor
    _sale(ops)
    first = _smaregi_tick(ops, cursor, now + LATER)
    ours = _sale(ops, index=1)
    ops.smaregi.get_client().patch(f"/transactions/{ours}", {"memo": markers.transaction_memo("order", "77")})
    echo = _smaregi_tick(ops, first.cursor, now + 2 * LATER)
    _sale(ops, index=2)
    second = _smaregi_tick(ops, echo.cursor, now + 3 * LATER)

    assert len(first.run_requests or []) == 1
    assert not echo.run_requests
    assert len(second.run_requests or []) == 1
    assert (second.run_requests or [])[0].run_key != (first.run_requests or [])[0].run_key


def test_smaregi_webhook_event_requests_a_run_without_an_api_call_and_the_poll_does_not_repeat_it(
    ops: Ops,
) -> None:
    now = datetime.now(UTC)
    cursor = _smaregi_tick(ops, None, now).cursor
    configure_smaregi_sandbox(
        ops.servers.smaregi_url,
        ops.receiver_url,
        ops.receiver.settings.smaregi_secret,
        "X-Smaregi-Webhook-Secret",
    )
    _sale(ops)
    assert ops.pair.smaregi.webhooks.delivery.drain(10)
    calls_before = _smaregi_calls(ops)

    from_inbox = _smaregi_tick(ops, cursor, now + timedelta(seconds=5))
    calls_after_inbox = _smaregi_calls(ops)
    poll = _smaregi_tick(ops, from_inbox.cursor, now + LATER)

    assert len(from_inbox.run_requests or []) == 1
    request = (from_inbox.run_requests or [])[0]
    assert request.run_key and request.run_key.startswith("smaregi-webhook:")
    assert request.tags["smapify/trigger_source"] == "webhook"
    assert calls_after_inbox == calls_before
    assert not poll.run_requests
    assert _smaregi_calls(ops) == calls_before + 1


def test_smaregi_sensor_through_dagster_evaluation(ops: Ops) -> None:
    _sale(ops)
    with dg.build_sensor_context(
        resources={"smaregi": ops.smaregi, "webhook_inbox": ops.inbox_resource},
        sensor_name="smaregi_sales_sensor",
    ) as context:
        sensor = {s.name: s for s in sensors.build_sensors()}["smaregi_sales_sensor"]
        data = sensor.evaluate_tick(context)

    assert [r.job_name for r in data.run_requests or []] == ["orders_sync"]
    assert data.cursor is not None


# -- Shopify -----------------------------------------------------------------------------------------------


def _shopify_tick(ops: Ops, cursor: str | None, now: datetime) -> dg.SensorResult:
    return sensors.shopify_tick(cursor, ops.shopify, ops.inbox_resource, now=now)


def _our_order(ops: Ops) -> str:
    variant = ops.pair.shopify.variant(_code(ops))
    data = ops.shopify.get_client().execute(
        ORDER_CREATE,
        {
            "order": {
                "lineItems": [{"variantId": f"gid://shopify/ProductVariant/{variant.id}", "quantity": 1}],
                "sourceName": "smapify",
                "sourceIdentifier": markers.order_source_identifier("c", "9"),
                "tags": [markers.order_tag("c", "9")],
            },
            "options": {"inventoryBehaviour": "BYPASS"},
        },
    )
    return str(data["orderCreate"]["order"]["id"])


def test_shopify_online_order_requests_one_run_and_our_own_order_none(ops: Ops) -> None:
    now = datetime.now(UTC)
    start = _shopify_tick(ops, None, now)
    ops.pair.shopify.storefront_sale([(_code(ops), 1)])
    online = _shopify_tick(ops, start.cursor, now + LATER)
    repeat = _shopify_tick(ops, online.cursor, now + 2 * LATER)
    _our_order(ops)
    echo = _shopify_tick(ops, repeat.cursor, now + 3 * LATER)

    assert not start.run_requests
    assert [r.job_name for r in online.run_requests or []] == ["orders_sync"]
    assert not repeat.run_requests
    assert not echo.run_requests


def test_shopify_webhook_order_requests_a_run_and_our_echo_does_not(ops: Ops) -> None:
    subscribed = subscribe_shopify(ops.shopify.get_client(), ops.receiver_url)
    assert {s.topic for s in subscribed} >= {"ORDERS_CREATE", "REFUNDS_CREATE"}
    now = datetime.now(UTC)
    cursor = _shopify_tick(ops, None, now).cursor
    ops.pair.shopify.storefront_sale([(_code(ops), 1)])
    assert ops.pair.shopify.delivery.drain(10)
    online = _shopify_tick(ops, cursor, now + timedelta(seconds=5))
    _our_order(ops)
    assert ops.pair.shopify.delivery.drain(10)
    echo = _shopify_tick(ops, online.cursor, now + timedelta(seconds=10))
    poll = _shopify_tick(ops, echo.cursor, now + LATER)

    assert len(online.run_requests or []) == 1
    assert (online.run_requests or [])[0].tags["smapify/trigger_source"] == "webhook"
    assert ops.inbox.count("shopify") == 2
    assert not echo.run_requests
    assert not poll.run_requests
