"""The webhook receiver over real HTTP: refusals record nothing, duplicates are recorded once, and a POS sale
in the Smaregi sandbox reaches the inbox and makes the sales sensor ask for exactly one run."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from smapify_pipeline import sensors
from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.settings import ReceiverSettings, SettingsError
from smapify_pipeline.webhooks import configure_smaregi_sandbox
from smapify_pipeline.webhooks.verify import shopify_signature
from tests.unit.served_ops import Ops

ORDER = {
    "id": 450789469,
    "admin_graphql_api_id": "gid://shopify/Order/450789469",
    "source_name": "web",
    "tags": "",
}


def _shopify_headers(
    body: bytes, secret: str = sandboxes.SHOPIFY_CLIENT_SECRET, **extra: str
) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": "orders/create",
        "X-Shopify-Hmac-Sha256": shopify_signature(body, secret),
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Shop-Domain": sandboxes.SHOPIFY_SHOP_DOMAIN,
    }
    headers.update(extra)
    return headers


def _smaregi_headers(**overrides: str) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "Smaregi-Event": "pos:transactions",
        "Smaregi-Contract-Id": sandboxes.SMAREGI_CONTRACT_ID,
        "Smaregi-Event-Id": str(uuid.uuid4()),
        "X-Smaregi-Webhook-Secret": sandboxes.SMAREGI_WEBHOOK_SECRET,
    }
    headers.update(overrides)
    return headers


def _smaregi_body(contract: str = sandboxes.SMAREGI_CONTRACT_ID) -> bytes:
    return json.dumps(
        {
            "contractId": contract,
            "event": "pos:transactions",
            "action": "created",
            "transactionHeadIds": ["25"],
        }
    ).encode()


def _post(ops: Ops, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(ops.receiver_url + path, content=body, headers=headers, timeout=10, trust_env=False)


def test_valid_shopify_delivery_is_recorded(ops: Ops) -> None:
    body = json.dumps(ORDER).encode()

    response = _post(ops, "/webhooks/shopify", body, _shopify_headers(body))

    assert response.status_code == 200 and response.json() == {"recorded": True, "duplicate": False}
    [event] = ops.inbox.read_after("shopify", 0)
    assert event.resource_ids == ("gid://shopify/Order/450789469",) and event.topic == "orders/create"


@pytest.mark.parametrize(
    "signature",
    ["bad", "", None, shopify_signature(b"another body", sandboxes.SHOPIFY_CLIENT_SECRET)],
    ids=["garbage", "empty", "missing", "other-body"],
)
def test_shopify_delivery_without_a_valid_hmac_is_refused_and_not_recorded(
    ops: Ops, signature: str | None
) -> None:
    body = json.dumps(ORDER).encode()
    headers = _shopify_headers(body)
    if signature is None:
        del headers["X-Shopify-Hmac-Sha256"]
    else:
        headers["X-Shopify-Hmac-Sha256"] = signature

    response = _post(ops, "/webhooks/shopify", body, headers)

    assert response.status_code == 401
    assert ops.inbox.count() == 0


def test_shopify_delivery_signed_with_another_secret_is_refused(ops: Ops) -> None:
    body = json.dumps(ORDER).encode()

    response = _post(ops, "/webhooks/shopify", body, _shopify_headers(body, secret="someone-elses-secret"))

    assert response.status_code == 401 and ops.inbox.count() == 0


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (_smaregi_headers(**{"X-Smaregi-Webhook-Secret": "wrong"}), _smaregi_body()),
        ({k: v for k, v in _smaregi_headers().items() if k != "X-Smaregi-Webhook-Secret"}, _smaregi_body()),
        (_smaregi_headers(**{"Smaregi-Contract-Id": "someone-else"}), _smaregi_body()),
        ({k: v for k, v in _smaregi_headers().items() if k != "Smaregi-Contract-Id"}, _smaregi_body()),
        (_smaregi_headers(), _smaregi_body(contract="someone-else")),
    ],
    ids=["wrong-secret", "no-secret", "wrong-contract-header", "no-contract-header", "wrong-contract-body"],
)
def test_smaregi_delivery_without_our_secret_and_contract_is_refused_and_not_recorded(
    ops: Ops, headers: dict[str, str], body: bytes
) -> None:
    response = _post(ops, "/webhooks/smaregi", body, headers)

    assert response.status_code == 401
    assert ops.inbox.count() == 0


def test_refusal_answers_do_not_echo_the_secret(ops: Ops) -> None:
    response = _post(
        ops, "/webhooks/smaregi", _smaregi_body(), _smaregi_headers(**{"X-Smaregi-Webhook-Secret": "wrong"})
    )

    assert sandboxes.SMAREGI_WEBHOOK_SECRET not in response.text
    assert sandboxes.SMAREGI_WEBHOOK_SECRET not in repr(ops.receiver.settings)
    assert sandboxes.SHOPIFY_CLIENT_SECRET not in repr(ops.receiver.settings)


def test_duplicate_deliveries_are_recorded_once(ops: Ops) -> None:
    body = json.dumps(ORDER).encode()
    shopify_headers = _shopify_headers(body)
    smaregi_headers = _smaregi_headers()

    shopify_answers = [_post(ops, "/webhooks/shopify", body, shopify_headers).json() for _ in range(3)]
    smaregi_answers = [
        _post(ops, "/webhooks/smaregi", _smaregi_body(), smaregi_headers).json() for _ in range(2)
    ]

    assert [a["duplicate"] for a in shopify_answers] == [False, True, True]
    assert [a["duplicate"] for a in smaregi_answers] == [False, True]
    assert ops.inbox.count("shopify") == 1 and ops.inbox.count("smaregi") == 1


def test_missing_delivery_id_is_a_bad_request_and_unknown_topics_are_not_recorded(ops: Ops) -> None:
    body = json.dumps(ORDER).encode()
    no_id = {k: v for k, v in _shopify_headers(body).items() if k != "X-Shopify-Webhook-Id"}
    other_topic = _shopify_headers(body, **{"X-Shopify-Topic": "customers/create"})

    assert _post(ops, "/webhooks/shopify", body, no_id).status_code == 400
    answer = _post(ops, "/webhooks/shopify", body, other_topic)
    assert answer.status_code == 200 and answer.json()["recorded"] is False
    assert ops.inbox.count() == 0


def test_pos_sale_webhook_from_the_sandbox_reaches_the_inbox_and_asks_for_exactly_one_run(ops: Ops) -> None:
    configure_smaregi_sandbox(
        ops.servers.smaregi_url,
        ops.receiver_url,
        sandboxes.SMAREGI_WEBHOOK_SECRET,
        "X-Smaregi-Webhook-Secret",
    )
    ops.pair.smaregi.configure_webhooks(
        ops.receiver_url + "/webhooks/smaregi", duplicates=1.0, events=["pos:transactions"]
    )
    catalogue = ops.pair.shopify.catalogue
    assert catalogue is not None
    transaction_id = ops.pair.smaregi.ring_up_sale("1", [(catalogue.products[0].variants[0].code, 1)])
    assert ops.pair.smaregi.webhooks.delivery.drain(10)
    attempts = ops.pair.smaregi.webhooks.delivery.attempts

    events = ops.inbox.read_after("smaregi", 0)
    now = datetime.now(UTC)
    first = sensors.smaregi_tick(None, ops.smaregi, ops.inbox_resource, now=now)
    second = sensors.smaregi_tick(
        first.cursor, ops.smaregi, ops.inbox_resource, now=now + timedelta(seconds=5)
    )

    assert len(attempts) == 2 and all(a.ok for a in attempts)
    assert [e.resource_ids for e in events] == [(transaction_id,)]
    assert len(first.run_requests or []) == 1
    assert not second.run_requests


def test_settings_refuse_a_real_platform_without_its_secret() -> None:
    real_shopify = {
        "SHOPIFY_ACCESS_TOKEN": "shpat_real",
        "SHOPIFY_BASE_URL": "https://shop.myshopify.com",
        "SMAPIFY_DATA_DIR": "/tmp/smapify-test",
    }

    with pytest.raises(SettingsError, match="SHOPIFY_CLIENT_SECRET"):
        ReceiverSettings.from_env(real_shopify)
    settings = ReceiverSettings.from_env({**real_shopify, "SHOPIFY_CLIENT_SECRET": "s3cret"})
    sandbox_defaults = ReceiverSettings.from_env({"SMAPIFY_DATA_DIR": "/tmp/smapify-test"})

    assert "s3cret" not in repr(settings)
    assert sandbox_defaults.shopify_secret == sandboxes.SHOPIFY_CLIENT_SECRET
    assert sandbox_defaults.smaregi_secret == sandboxes.SMAREGI_WEBHOOK_SECRET
    assert str(sandbox_defaults.inbox_path).endswith("inbox.sqlite")
