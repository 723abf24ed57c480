"""Bulk query validation, JSONL flattening and the bulk operation state machine."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import graphql
import pytest

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.shopify.bulk import (
    CANCEL_SECONDS,
    CREATED_SECONDS,
    BulkOperation,
    BulkOperations,
    encode_jsonl,
    finish_payload,
    jsonl_lines,
    validate_bulk_query,
)
from smapify_pipeline.sandbox.shopify.schema import SCHEMA_PATH
from tests.unit.sandbox.shopify._admin_test_schema import admin_test_schema

SCHEMA = admin_test_schema()


def frozen_clock() -> SandboxClock:
    """Simulated time that only moves when the test advances it (real time barely counts)."""
    return SandboxClock(scale=1e-6)


PRODUCTS_WITH_VARIANTS = "{ products { edges { node { id title variants { edges { node { id sku } } } } } } }"


def messages(query: str) -> list[str]:
    errors = validate_bulk_query(SCHEMA, query)
    for error in errors:
        assert error["field"] == ["query"]
        assert error["code"] == "INVALID"
    return [e["message"] for e in errors]


# -- validation ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "{ products { edges { node { id title } } } }",
        PRODUCTS_WITH_VARIANTS,
        '{ products(query: "updated_at:>2026-01-01") { edges { node { id } } } }',
        "{ productVariants { edges { node { id sku inventoryItem { id inventoryLevels { edges { node { id } } } } } } } }",
        "query Export { products { edges { node { ...P } } } } fragment P on Product { id title }",
    ],
)
def test_valid_bulk_queries(query: str) -> None:
    assert validate_bulk_query(SCHEMA, query) == []


def test_no_connection() -> None:
    assert messages("{ shop { name } }") == ["Bulk queries must contain at least one connection."]


def test_top_level_node() -> None:
    assert messages('{ node(id: "gid://shopify/Product/1") { id } }') == [
        "Bulk queries cannot contain a top level `node` field.",
        "Bulk queries must contain at least one connection.",
    ]


def test_more_than_five_connections() -> None:
    query = "{ collections { edges { node { id products { edges { node { id } } } } } } }"
    assert messages(query) == []
    query = (
        "{ products { edges { node { id variants { edges { node { id } } } metafields { edges { node { id } } } "
        "collections { edges { node { id } } } media { edges { node { id } } } "
        "extra: variants { edges { node { id } } } } } } }"
    )
    assert messages(query) == ["Bulk queries cannot contain more than 5 connections."]


def test_one_top_level_field() -> None:
    query = "{ products { edges { node { id } } } locations { edges { node { id } } } }"
    assert messages(query) == ["Bulk queries must contain exactly one top-level field."]


def test_five_connections_are_fine() -> None:
    query = (
        "{ products { edges { node { id variants { edges { node { id } } } metafields { edges { node { id } } } "
        "collections { edges { node { id } } } media { edges { node { id } } } } } } }"
    )
    assert messages(query) == []


def test_nesting_deeper_than_two() -> None:
    query = (
        "{ collections { edges { node { id products { edges { node { id "
        "variants { edges { node { id } } } } } } } } } }"
    )
    assert messages(query) == ["Bulk queries cannot contain connections with a nesting depth greater than 2."]


def test_nested_connection_needs_the_parent_id() -> None:
    assert messages("{ products { edges { node { title variants { edges { node { id } } } } } } }") == [
        "The parent 'node' field for a nested connection must select the 'id' field without an alias and must "
        "be of 'ID' return type. Connection fields without 'id': products."
    ]
    aliased = "{ products { edges { node { pid: id variants { edges { node { id } } } } } } }"
    assert len(messages(aliased)) == 1


def test_nodes_instead_of_edges() -> None:
    assert messages("{ products { nodes { id title } } }") == [
        "All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: "
        "'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: "
        "'products'."
    ]


def test_connection_within_a_list() -> None:
    query = "{ orders { edges { node { id fulfillments { events { edges { node { id } } } } } } } }"
    assert messages(query) == [
        "Queries that contain a connection field within a list field are not currently supported."
    ]


def test_mutations_are_refused() -> None:
    assert messages('mutation { productCreate(product: {title: "x"}) { product { id } } }') == [
        "Invalid operation type. Only `query` operations are supported."
    ]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Invalid bulk query: syntax error, unexpected end of file"),
        ("   ", "Invalid bulk query: syntax error, unexpected end of file"),
        ("{ products { edges { node { id }", "Invalid bulk query: syntax error, unexpected end of file"),
    ],
)
def test_syntax_errors(query: str, message: str) -> None:
    assert messages(query) == [message]


def test_schema_errors() -> None:
    [message] = messages("{ products { edges { node { id nope } } } }")
    assert message.startswith("Invalid bulk query: ")
    assert "nope" in message


# -- JSONL --------------------------------------------------------------------------------------------------


def sample_data() -> dict:
    return {
        "products": {
            "edges": [
                {
                    "node": {
                        "id": "gid://shopify/Product/1",
                        "title": "Tシャツ",
                        "variants": {
                            "edges": [
                                {"node": {"id": "gid://shopify/ProductVariant/11", "sku": "4900000000011"}},
                                {"node": {"id": "gid://shopify/ProductVariant/12", "sku": "4900000000012"}},
                            ]
                        },
                    }
                },
                {
                    "node": {
                        "id": "gid://shopify/Product/2",
                        "title": "Socks",
                        "variants": {"edges": []},
                    }
                },
            ],
            "pageInfo": {"hasNextPage": False},
        }
    }


def test_jsonl_lines_flatten_nested_connections_with_parent_ids() -> None:
    assert list(jsonl_lines(sample_data())) == [
        {"id": "gid://shopify/Product/1", "title": "Tシャツ"},
        {
            "id": "gid://shopify/ProductVariant/11",
            "sku": "4900000000011",
            "__parentId": "gid://shopify/Product/1",
        },
        {
            "id": "gid://shopify/ProductVariant/12",
            "sku": "4900000000012",
            "__parentId": "gid://shopify/Product/1",
        },
        {"id": "gid://shopify/Product/2", "title": "Socks"},
    ]


def test_connections_inside_plain_objects_belong_to_the_enclosing_node() -> None:
    data = {
        "productVariants": {
            "nodes": [
                {
                    "id": "v1",
                    "inventoryItem": {
                        "id": "i1",
                        "tracked": True,
                        "inventoryLevels": {"edges": [{"node": {"id": "l1"}}, {"node": {"id": "l2"}}]},
                    },
                }
            ]
        }
    }
    assert list(jsonl_lines(data)) == [
        {"id": "v1", "inventoryItem": {"id": "i1", "tracked": True}},
        {"id": "l1", "__parentId": "v1"},
        {"id": "l2", "__parentId": "v1"},
    ]


def join_by_parent(jsonl: bytes) -> list[dict]:
    """What a client does with a bulk file: parents with their children re-attached."""
    parents: list[dict] = []
    children: dict[str, list[dict]] = defaultdict(list)
    for raw in jsonl.decode("utf-8").splitlines():
        line = json.loads(raw)
        parent = line.pop("__parentId", None)
        if parent is None:
            parents.append(line)
        else:
            children[parent].append(line)
    return [{**p, "variants": children.get(p["id"], [])} for p in parents]


def test_jsonl_joined_by_parent_id_gives_back_the_tree() -> None:
    body, objects, roots = encode_jsonl(jsonl_lines(sample_data()))
    assert (objects, roots) == (4, 2)
    assert body.endswith(b"\n") and body.count(b"\n") == 4
    assert join_by_parent(body) == [
        {
            "id": "gid://shopify/Product/1",
            "title": "Tシャツ",
            "variants": [
                {"id": "gid://shopify/ProductVariant/11", "sku": "4900000000011"},
                {"id": "gid://shopify/ProductVariant/12", "sku": "4900000000012"},
            ],
        },
        {"id": "gid://shopify/Product/2", "title": "Socks", "variants": []},
    ]


def test_empty_result_is_an_empty_file() -> None:
    assert encode_jsonl(jsonl_lines({"products": {"edges": []}})) == (b"", 0, 0)


# -- operations ---------------------------------------------------------------------------------------------


class Shop:
    """Stands in for the sandbox state: runs any bulk query by returning the same data."""

    def __init__(self, data: dict | None = None, error: Exception | None = None) -> None:
        self.data = data if data is not None else sample_data()
        self.error = error
        self.queries: list[str] = []

    def execute_all(self, query: str) -> dict:
        self.queries.append(query)
        if self.error is not None:
            raise self.error
        return self.data


def make(clock: SandboxClock, shop: Shop | None = None, **kwargs: Any) -> BulkOperations:
    shop = shop or Shop()
    return BulkOperations(
        clock, shop.execute_all, lambda n: f"http://127.0.0.1:8701/_sandbox/bulk/{n}.jsonl", **kwargs
    )


def finish(bulk: BulkOperations, clock: SandboxClock, operation: BulkOperation) -> BulkOperation:
    assert bulk.wait_until_executed(operation.id)
    clock.advance(bulk.run_seconds(100_000))
    current = bulk.get(operation.id)
    assert current is not None
    return current


def test_lifecycle_created_running_completed() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    operation, errors = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert errors == [] and operation is not None
    assert operation.id == "gid://shopify/BulkOperation/1"
    assert operation.status == "CREATED"
    assert operation.to_graphql()["objectCount"] == "0"
    assert bulk.wait_until_executed(operation.id)
    clock.advance(CREATED_SECONDS)
    running = bulk.get(operation.id)
    assert running is not None and running.status == "RUNNING"
    assert bulk.result_bytes(operation.numeric_id) is None
    clock.advance(bulk.run_seconds(4))
    done = bulk.get(operation.id)
    assert done is not None and done.status == "COMPLETED"
    assert (done.object_count, done.root_object_count) == (4, 2)
    assert done.url == "http://127.0.0.1:8701/_sandbox/bulk/1.jsonl"
    assert done.completed_at is not None and done.completed_at >= done.created_at
    body = bulk.result_bytes("1")
    assert body is not None and done.file_size == len(body)
    assert join_by_parent(body)[0]["variants"][1]["sku"] == "4900000000012"
    graph = done.to_graphql()
    assert graph["status"] == "COMPLETED"
    assert graph["fileSize"] == str(len(body))
    assert graph["rootObjectCount"] == "2"
    assert graph["type"] == "QUERY"
    assert graph["createdAt"].endswith("Z")


def test_running_time_grows_with_the_result() -> None:
    bulk = make(frozen_clock())
    assert bulk.run_seconds(50_000) > bulk.run_seconds(5_000) > bulk.run_seconds(0) > 0


def test_big_result_still_running_until_its_time() -> None:
    clock = frozen_clock()
    data = {"products": {"edges": [{"node": {"id": f"p{n}"}} for n in range(20_000)]}}
    bulk = make(clock, Shop(data))
    operation, _ = bulk.run_query("{ products { edges { node { id } } } }", SCHEMA)
    assert operation is not None
    assert bulk.wait_until_executed(operation.id)
    clock.advance(bulk.run_seconds(20_000) / 2)
    halfway = bulk.get(operation.id)
    assert halfway is not None and halfway.status == "RUNNING"
    assert 0 < halfway.object_count < 20_000
    clock.advance(bulk.run_seconds(20_000))
    done = bulk.get(operation.id)
    assert done is not None and done.status == "COMPLETED" and done.object_count == 20_000


def test_invalid_query_creates_nothing() -> None:
    shop = Shop()
    bulk = make(frozen_clock(), shop)
    operation, errors = bulk.run_query("{ shop { name } }", SCHEMA)
    assert operation is None
    assert errors[0]["message"] == "Bulk queries must contain at least one connection."
    assert bulk.current() is None
    assert shop.queries == []


def test_one_at_a_time_when_the_limit_is_one() -> None:
    clock = frozen_clock()
    bulk = make(clock, max_concurrent=1)
    first, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert first is not None
    second, errors = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert second is None
    assert errors == [
        {
            "field": None,
            "message": "A bulk query operation for this app and shop is already in progress: "
            "gid://shopify/BulkOperation/1.",
            "code": "OPERATION_IN_PROGRESS",
        }
    ]
    finish(bulk, clock, first)
    third, errors = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert errors == [] and third is not None


def test_up_to_five_at_once() -> None:
    bulk = make(frozen_clock())
    started = [bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)[0] for _ in range(5)]
    assert all(op is not None for op in started)
    sixth, errors = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert sixth is None
    assert errors[0]["code"] == "LIMIT_REACHED"
    assert "already in progress" in errors[0]["message"]


def test_current_is_the_most_recent() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    first, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    second, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert first is not None and second is not None
    current = bulk.current()
    assert current is not None and current.id == second.id
    assert [op.id for op in bulk.operations()] == [first.id, second.id]


def test_cancel_running_then_canceled() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    canceling, errors = bulk.cancel(operation.id)
    assert errors == [] and canceling is not None and canceling.status == "CANCELING"
    clock.advance(CANCEL_SECONDS)
    canceled = bulk.get(operation.id)
    assert canceled is not None and canceled.status == "CANCELED" and canceled.url is None
    assert bulk.result_bytes(operation.numeric_id) is None
    again, errors = bulk.cancel(operation.id)
    assert again is not None
    assert errors == [{"field": None, "message": "A bulk operation cannot be canceled when it is canceled"}]


def test_cancel_completed_and_unknown() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    finish(bulk, clock, operation)
    done, errors = bulk.cancel(operation.id)
    assert done is not None and done.status == "COMPLETED"
    assert errors == [{"field": None, "message": "A bulk operation cannot be canceled when it is completed"}]
    assert bulk.cancel("gid://shopify/BulkOperation/999") == (
        None,
        [{"field": ["id"], "message": "Bulk operation does not exist"}],
    )
    assert bulk.get("gid://shopify/BulkOperation/999") is None


def test_an_execution_error_fails_the_operation() -> None:
    clock = frozen_clock()
    bulk = make(clock, Shop(error=RuntimeError("boom")))
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    failed = finish(bulk, clock, operation)
    assert (failed.status, failed.error_code, failed.url, failed.partial_data_url) == (
        "FAILED",
        "INTERNAL_SERVER_ERROR",
        None,
        None,
    )


def test_scripted_failure_leaves_partial_data() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    bulk.script_failure("INTERNAL_SERVER_ERROR", partial_fraction=0.5)
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    failed = finish(bulk, clock, operation)
    assert failed.status == "FAILED" and failed.error_code == "INTERNAL_SERVER_ERROR"
    assert failed.url is None and failed.partial_data_url is not None
    partial = bulk.result_bytes(operation.numeric_id)
    assert partial is not None and partial.count(b"\n") == 2
    next_op, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert next_op is not None
    assert finish(bulk, clock, next_op).status == "COMPLETED", "a scripted failure happens once"


def test_results_expire_after_seven_days() -> None:
    clock = frozen_clock()
    bulk = make(clock)
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    finish(bulk, clock, operation)
    clock.advance(7 * 24 * 3600)
    expired = bulk.get(operation.id)
    assert expired is not None and expired.status == "EXPIRED" and expired.url is None
    assert bulk.result_bytes(operation.numeric_id) is None


def test_on_finish_is_called_once_per_operation() -> None:
    clock = SandboxClock(scale=1000.0)
    finished: list[BulkOperation] = []
    bulk = make(clock, on_finish=finished.append)
    operation, _ = bulk.run_query(PRODUCTS_WITH_VARIANTS, SCHEMA)
    assert operation is not None
    assert bulk.wait_until_executed(operation.id)
    clock.advance(bulk.run_seconds(10))
    bulk.get(operation.id)
    bulk.get(operation.id)
    assert [op.status for op in finished] == ["COMPLETED"]
    assert finish_payload(finished[0]) == {
        "admin_graphql_api_id": operation.id,
        "completed_at": finished[0].to_graphql()["completedAt"],
        "created_at": finished[0].to_graphql()["createdAt"],
        "error_code": None,
        "status": "completed",
        "type": "query",
    }


def test_against_the_sandbox_schema() -> None:
    schema = graphql.build_schema(SCHEMA_PATH.read_text())
    query = (
        "{ products { edges { node { id title variants { edges { node { id sku price "
        "inventoryItem { id tracked } } } } } } } }"
    )
    assert validate_bulk_query(schema, query) == []
    assert validate_bulk_query(schema, "{ shop { name } }")[0]["message"] == (
        "Bulk queries must contain at least one connection."
    )
    clock = frozen_clock()
    bulk = make(clock)
    operation, _ = bulk.run_query(query, schema)
    assert operation is not None
    done = finish(bulk, clock, operation)
    result = graphql.graphql_sync(
        schema,
        "{ currentBulkOperation { id status errorCode createdAt completedAt objectCount rootObjectCount "
        "fileSize url partialDataUrl query type } }",
        root_value={"currentBulkOperation": done.to_graphql()},
    )
    assert result.errors is None
    assert result.data is not None and result.data["currentBulkOperation"]["status"] == "COMPLETED"
    assert result.data["currentBulkOperation"]["objectCount"] == "4"
