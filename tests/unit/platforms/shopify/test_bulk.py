from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest

from smapify_pipeline.platforms.shopify.bulk import BulkRunner, join_children
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import BulkOperationError

from ..fakes import FakeClock, Recorder, retry_policy

JSONL_UNGROUPED = [
    {"id": "gid://shopify/Product/1", "title": "Tee"},
    {"id": "gid://shopify/Product/2", "title": "Cap"},
    {"id": "gid://shopify/ProductVariant/21", "sku": "B1", "__parentId": "gid://shopify/Product/2"},
    {"id": "gid://shopify/ProductVariant/11", "sku": "A1", "__parentId": "gid://shopify/Product/1"},
    {
        "id": "gid://shopify/InventoryLevel/7?inventory_item_id=3",
        "__parentId": "gid://shopify/ProductVariant/11",
    },
    {"id": "gid://shopify/ProductVariant/12", "sku": "A2", "__parentId": "gid://shopify/Product/1"},
]


def spool(rows: list[dict[str, Any]]) -> io.BytesIO:
    return io.BytesIO("".join(json.dumps(r) + "\n" for r in rows).encode())


def test_children_are_joined_under_their_parent_whatever_the_line_order() -> None:
    rows = list(join_children(spool(JSONL_UNGROUPED)))
    assert [r["title"] for r in rows] == ["Tee", "Cap"]
    tee, cap = rows
    assert [v["sku"] for v in tee["ProductVariant"]] == ["A1", "A2"]
    assert [v["sku"] for v in cap["ProductVariant"]] == ["B1"]
    assert tee["ProductVariant"][0]["InventoryLevel"][0]["id"].startswith("gid://shopify/InventoryLevel/7")
    assert all("__parentId" not in v for v in tee["ProductVariant"])


def test_children_without_gid_go_under_children() -> None:
    rows = list(
        join_children(
            spool([{"id": "gid://shopify/Order/1"}, {"quantity": 2, "__parentId": "gid://shopify/Order/1"}])
        )
    )
    assert rows == [{"id": "gid://shopify/Order/1", "children": [{"quantity": 2}]}]


class FakeBulkShop:
    """A scripted Shopify answering the runner's GraphQL calls and serving the result file."""

    def __init__(
        self, statuses: list[dict[str, Any]], start_errors: list[list[dict[str, Any]]] | None = None
    ):
        self.statuses = statuses
        self.start_errors = start_errors or []
        self.started: list[dict[str, Any]] = []
        self.cancelled: list[str] = []
        self.polled: list[str] = []

    def __call__(self, request: httpx.Request, n: int) -> httpx.Response:
        if request.url.path == "/result.jsonl":
            assert "X-Shopify-Access-Token" not in request.headers
            return httpx.Response(200, content=spool(JSONL_UNGROUPED).getvalue())
        body = json.loads(request.content)
        query, variables = body["query"], body.get("variables", {})
        if "bulkOperationRunQuery" in query:
            self.started.append(variables)
            errors = self.start_errors.pop(0) if self.start_errors else []
            op = None if errors else {"id": "gid://shopify/BulkOperation/9", "status": "CREATED"}
            return ok({"bulkOperationRunQuery": {"bulkOperation": op, "userErrors": errors}})
        if "bulkOperationCancel" in query:
            self.cancelled.append(variables["id"])
            return ok(
                {
                    "bulkOperationCancel": {
                        "bulkOperation": {"id": variables["id"], "status": "CANCELING"},
                        "userErrors": [],
                    }
                }
            )
        if "currentBulkOperation" in query:
            return ok({"currentBulkOperation": None})
        self.polled.append(variables["id"])
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return ok({"node": {"id": variables["id"], **status}})


def ok(data: dict[str, Any]) -> httpx.Response:
    cost = {
        "requestedQueryCost": 1,
        "throttleStatus": {"maximumAvailable": 2000, "currentlyAvailable": 2000, "restoreRate": 100},
    }
    return httpx.Response(200, json={"data": data, "extensions": {"cost": cost}})


def make_runner(shop: FakeBulkShop, clock: FakeClock, **kwargs: Any) -> BulkRunner:
    recorder = Recorder(shop)
    client = ShopifyClient(
        "https://shop.example",
        access_token="t",
        transport=recorder.transport,
        retry=retry_policy(clock),
        clock=clock,
    )
    return BulkRunner(client, transport=recorder.transport, **kwargs)


def test_run_polls_with_backoff_downloads_and_joins() -> None:
    clock = FakeClock()
    shop = FakeBulkShop(
        [
            {"status": "RUNNING"},
            {"status": "RUNNING"},
            {"status": "COMPLETED", "url": "https://files.example/result.jsonl", "objectCount": "6"},
        ]
    )
    rows = list(make_runner(shop, clock, poll_interval=1.0).run("{ products { edges { node { id } } } }"))
    assert [r["title"] for r in rows] == ["Tee", "Cap"]
    assert shop.started == [{"query": "{ products { edges { node { id } } } }", "groupObjects": False}]
    assert clock.sleeps == [1.0, 1.5, 2.25]


def test_flat_mode_keeps_lines_as_they_are() -> None:
    shop = FakeBulkShop([{"status": "COMPLETED", "url": "https://files.example/result.jsonl"}])
    rows = list(make_runner(shop, FakeClock()).run("{ products { edges { node { id } } } }", flat=True))
    assert len(rows) == len(JSONL_UNGROUPED)
    assert rows[2]["__parentId"] == "gid://shopify/Product/2"


def test_completed_without_url_means_no_rows() -> None:
    shop = FakeBulkShop([{"status": "COMPLETED", "url": None, "objectCount": "0"}])
    assert list(make_runner(shop, FakeClock()).run("{ products { edges { node { id } } } }")) == []


def test_failed_raises_with_error_code_and_partial_url() -> None:
    shop = FakeBulkShop(
        [
            {
                "status": "FAILED",
                "errorCode": "INTERNAL_SERVER_ERROR",
                "partialDataUrl": "https://files.example/result.jsonl",
            }
        ]
    )
    with pytest.raises(BulkOperationError) as caught:
        list(make_runner(shop, FakeClock()).run("{ products { edges { node { id } } } }"))
    assert caught.value.error_code == "INTERNAL_SERVER_ERROR"
    assert caught.value.partial_data_url == "https://files.example/result.jsonl"


def test_partial_results_are_read_when_accepted() -> None:
    shop = FakeBulkShop(
        [{"status": "FAILED", "errorCode": "TIMEOUT", "partialDataUrl": "https://files.example/result.jsonl"}]
    )
    runner = make_runner(shop, FakeClock())
    rows = list(runner.run("{ products { edges { node { id } } } }", accept_partial=True))
    assert len(rows) == 2
    assert runner.last_operation is not None and runner.last_operation.status == "FAILED"


IN_PROGRESS = [
    {
        "field": None,
        "code": None,
        "message": "A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/5.",
    }
]


def test_already_in_progress_is_waited_for_then_started_again() -> None:
    shop = FakeBulkShop(
        [
            {"status": "RUNNING"},
            {"status": "COMPLETED", "url": None},
            {"status": "COMPLETED", "url": "https://files.example/result.jsonl"},
        ],
        start_errors=[IN_PROGRESS],
    )
    rows = list(make_runner(shop, FakeClock()).run("{ products { edges { node { id } } } }"))
    assert len(rows) == 2
    assert len(shop.started) == 2
    assert shop.polled[:2] == ["gid://shopify/BulkOperation/5", "gid://shopify/BulkOperation/5"]
    assert shop.cancelled == []


def test_already_in_progress_can_be_cancelled() -> None:
    shop = FakeBulkShop(
        [{"status": "CANCELED"}, {"status": "COMPLETED", "url": "https://files.example/result.jsonl"}],
        start_errors=[IN_PROGRESS],
    )
    list(make_runner(shop, FakeClock(), on_conflict="cancel").run("{ products { edges { node { id } } } }"))
    assert shop.cancelled == ["gid://shopify/BulkOperation/5"]
