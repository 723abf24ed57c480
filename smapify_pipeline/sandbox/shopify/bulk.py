"""Shopify bulk query operations: validation, the state machine, and the JSONL result.

Facts relied on (shopify.dev "Perform bulk operations", ``BulkOperation`` object,
``BulkOperationRunQueryPayload``, changelog "Faster bulk operations"):

* ``bulkOperationRunQuery`` needs at least one connection, at most 5, nested at most 2 deep, no top-level
  ``node``; nested connections need their parent node's ``id`` (it becomes the children's ``__parentId``).
  Invalid queries get ``userErrors`` with ``field: ["query"]``, code ``INVALID`` and the messages Shopify
  answers with, as captured by a public Admin API parity suite;
* status ``CREATED → RUNNING → COMPLETED | FAILED``, ``CANCELING → CANCELED`` on request, ``EXPIRED`` once the
  result URL lapses (7 days); ``objectCount`` counts every object, ``rootObjectCount`` the top-level ones;
* up to 5 bulk queries at once per shop from 2026-01 (1 before); a query over the limit gets
  "A bulk query operation for this app and shop is already in progress: <gid>." (``OPERATION_IN_PROGRESS``);
* the result is JSON Lines, one object per line; nodes of nested connections are their own lines with
  ``"__parentId"``; ``edges``/``node``/``nodes`` wrappers and ``pageInfo`` do not appear;
* cancelling a finished operation: "A bulk operation cannot be canceled when it is <status>"; an unknown id:
  "Bulk operation does not exist".

Choices where Shopify's documentation is silent (kept here so they can be corrected):

* Connections selected through ``nodes`` instead of ``edges { node }`` are refused, as the parity suite shows
  Shopify doing (``NODES_SELECTION_ALLOWED``).
* The guide says a bulk query selects "a single top-level field"; more than one is refused with a message of
  our own wording (``MULTIPLE_TOP_LEVEL_FIELDS_MESSAGE``).
* Over the limit of 5 the message names the oldest running operation and the code is ``LIMIT_REACHED``
  (with a limit of 1 it is ``OPERATION_IN_PROGRESS``, as documented) — both contain "already in progress".
* The query runs once over the whole state, on a worker thread, as soon as the operation is created (so the
  result is a snapshot of that moment); the operation turns ``RUNNING`` after ``CREATED_SECONDS`` and
  completes ``BASE_RUN_SECONDS + objects / 1000 × seconds_per_1000_objects`` simulated seconds after creation,
  or when the worker is done if that is later (default 0.1 s per 1000 objects, i.e. 10,000 objects a second:
  a 50,000-variant shop, ~77,000 objects, takes ~9 simulated seconds). ``objectCount`` grows linearly while
  running.
* ``CANCELING`` becomes ``CANCELED`` ``CANCEL_SECONDS`` later; a canceled operation has no data.
* ``groupObjects`` is ignored: children are written right after their parent, which is one valid ordering
  of an ungrouped file too.
* :meth:`BulkOperations.script_failure` makes the next operation end ``FAILED`` with an error code and the
  first part of its lines behind ``partialDataUrl`` (Shopify does this on ``INTERNAL_SERVER_ERROR``).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import graphql
from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.shopify.schema import is_connection, is_list
from smapify_pipeline.sandbox.shopify.selections import flat_fields, fragments_of

MAX_CONNECTIONS = 5
MAX_CONNECTION_DEPTH = 2
NODES_SELECTION_ALLOWED = False
MULTIPLE_TOP_LEVEL_FIELDS_MESSAGE = "Bulk queries must contain exactly one top-level field."
CREATED_SECONDS = 0.5
BASE_RUN_SECONDS = 1.0
DEFAULT_SECONDS_PER_1000_OBJECTS = 0.1
CANCEL_SECONDS = 1.0
URL_LIFETIME = timedelta(days=7)
GID_PREFIX = "gid://shopify/BulkOperation/"
ACTIVE_STATUSES = frozenset({"CREATED", "RUNNING", "CANCELING"})
TERMINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
_MAX_IDLE_WAIT = 0.05


def _invalid(message: str) -> dict:
    return {"field": ["query"], "message": message, "code": "INVALID"}


# -- validation ---------------------------------------------------------------------------------------------


def validate_bulk_query(schema: GraphQLSchema, query: str) -> list[dict]:
    """Shopify's userErrors for a bulk query ([] when it may run)."""
    if not query or not query.strip():
        return [_invalid("Invalid bulk query: syntax error, unexpected end of file")]
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError as exc:
        return [_invalid(f"Invalid bulk query: {_syntax_message(exc)}")]
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        return [_invalid("Invalid bulk query: the document must contain exactly one operation")]
    if operations[0].operation is not OperationType.QUERY:
        return [_invalid("Invalid operation type. Only `query` operations are supported.")]
    validation_errors = graphql.validate(schema, document)
    if validation_errors:
        return [_invalid(f"Invalid bulk query: {validation_errors[0].message}")]
    analysis = _Analysis(schema, document)
    analysis.run(operations[0])
    return analysis.user_errors()


def _syntax_message(error: graphql.GraphQLError) -> str:
    message = error.message.removeprefix("Syntax Error: ").rstrip(".")
    if "<EOF>" in message:
        return "syntax error, unexpected end of file"
    return f"syntax error, {message[:1].lower()}{message[1:]}"


@dataclass
class _Analysis:
    schema: GraphQLSchema
    document: graphql.DocumentNode
    connection_count: int = 0
    max_depth: int = 0
    top_level_node: bool = False
    top_level_fields: int = 0
    connection_within_list: bool = False
    nodes_connections: list[str] = field(default_factory=list)
    parents_without_id: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fragments = fragments_of(self.document)

    def run(self, operation: OperationDefinitionNode) -> None:
        root = self.schema.query_type
        assert root is not None
        top_level = list(self._fields(operation.selection_set))
        self.top_level_fields = len(top_level)
        for node in top_level:
            if node.name.value in ("node", "nodes"):
                self.top_level_node = True
        self._visit(operation.selection_set, root, depth=0, inside_list=False)

    def user_errors(self) -> list[dict]:
        errors: list[dict] = []
        if self.nodes_connections and not NODES_SELECTION_ALLOWED:
            first = self.nodes_connections[0]
            names = "', '".join(self.nodes_connections)
            errors.append(
                _invalid(
                    "All connection fields in a bulk query must select their contents using 'edges' > 'node', "
                    f"e.g: '{first} {{ edges {{ node {{'. Selecting via 'nodes' is not supported. "
                    f"Invalid connection fields: '{names}'."
                )
            )
        if self.top_level_node:
            errors.append(_invalid("Bulk queries cannot contain a top level `node` field."))
        if self.top_level_fields > 1:
            errors.append(_invalid(MULTIPLE_TOP_LEVEL_FIELDS_MESSAGE))
        if self.max_depth > MAX_CONNECTION_DEPTH:
            errors.append(
                _invalid(
                    "Bulk queries cannot contain connections with a nesting depth greater than "
                    f"{MAX_CONNECTION_DEPTH}."
                )
            )
        if self.connection_count > MAX_CONNECTIONS:
            errors.append(_invalid(f"Bulk queries cannot contain more than {MAX_CONNECTIONS} connections."))
        if self.parents_without_id:
            errors.append(
                _invalid(
                    "The parent 'node' field for a nested connection must select the 'id' field without an "
                    "alias and must be of 'ID' return type. Connection fields without 'id': "
                    f"{', '.join(self.parents_without_id)}."
                )
            )
        if self.connection_within_list:
            errors.append(
                _invalid(
                    "Queries that contain a connection field within a list field are not currently supported."
                )
            )
        only_node_error = self.top_level_node and len(errors) == 1
        if self.connection_count == 0 and (not errors or only_node_error):
            errors.append(_invalid("Bulk queries must contain at least one connection."))
        return errors

    def _fields(self, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
        """Fields of a selection set with fragments flattened (type conditions do not matter here)."""
        return flat_fields(selection_set, self.fragments)

    def _field_type(self, parent: Any, node: FieldNode) -> GraphQLOutputType | None:
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            definition = parent.fields.get(node.name.value)
            if definition is not None:
                return definition.type
        if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
            for possible in self.schema.get_possible_types(parent):
                definition = possible.fields.get(node.name.value)
                if definition is not None:
                    return definition.type
        return None

    def _visit(
        self, selection_set: SelectionSetNode | None, parent: Any, depth: int, inside_list: bool
    ) -> bool:
        """Walk one selection set; True if a connection was found anywhere inside it."""
        found = False
        for node in self._fields(selection_set):
            type_ = self._field_type(parent, node)
            if type_ is None:
                continue
            named = graphql.get_named_type(type_)
            if isinstance(named, GraphQLObjectType) and is_connection(named):
                found = True
                self._visit_connection(node, named, depth + 1, inside_list)
            elif isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                found |= self._visit(node.selection_set, named, depth, inside_list or is_list(type_))
        return found

    def _visit_connection(
        self, node: FieldNode, connection: GraphQLObjectType, depth: int, inside_list: bool
    ) -> None:
        self.connection_count += 1
        self.max_depth = max(self.max_depth, depth)
        if inside_list:
            self.connection_within_list = True
        name = node.name.value
        for child in self._fields(node.selection_set):
            child_type = self._field_type(connection, child)
            if child_type is None:
                continue
            if child.name.value == "edges":
                edge_type = graphql.get_named_type(child_type)
                for edge_child in self._fields(child.selection_set):
                    if edge_child.name.value == "node":
                        self._visit_node(name, edge_child, self._field_type(edge_type, edge_child), depth)
            elif child.name.value == "nodes":
                self.nodes_connections.append(name)
                self._visit_node(name, child, child_type, depth)

    def _visit_node(
        self, connection_name: str, node: FieldNode, type_: GraphQLOutputType | None, depth: int
    ) -> None:
        if type_ is None:
            return
        named = graphql.get_named_type(type_)
        has_nested = self._visit(node.selection_set, named, depth, inside_list=False)
        selects_id = any(f.name.value == "id" and f.alias is None for f in self._fields(node.selection_set))
        if has_nested and not selects_id and connection_name not in self.parents_without_id:
            self.parents_without_id.append(connection_name)


# -- JSONL ----------------------------------------------------------------------------------------------------


def jsonl_lines(data: dict) -> Iterator[dict]:
    """Flatten a fully-paged result into JSONL objects: each node a line, nested ones with ``__parentId``."""
    for value in data.values():
        if _connection_items(value) is not None:
            yield from _connection_lines(value, parent_id=None)
        elif isinstance(value, dict):
            yield from _object_lines(value, parent_id=None)


def _connection_items(value: Any) -> list | None:
    """The nodes of a connection-shaped value (``edges[].node`` or ``nodes``), or None if it is not one."""
    if not isinstance(value, dict) or not value or not value.keys() <= {"edges", "nodes", "pageInfo"}:
        return None
    edges = value.get("edges")
    if isinstance(edges, list):
        return [edge["node"] for edge in edges if isinstance(edge, dict) and edge.get("node") is not None]
    nodes = value.get("nodes")
    if isinstance(nodes, list):
        return [n for n in nodes if n is not None]
    return None


def _connection_lines(connection: dict, parent_id: str | None) -> Iterator[dict]:
    for item in _connection_items(connection) or ():
        line, children = _split(item)
        if parent_id is not None:
            line["__parentId"] = parent_id
        yield line
        node_id = item.get("id") if isinstance(item, dict) else None
        for child in children:
            yield from _connection_lines(child, node_id)


def _object_lines(value: dict, parent_id: str | None) -> Iterator[dict]:
    """Connections found inside a plain object (not a node): their nodes become lines of ``parent_id``."""
    _, children = _split(value)
    for child in children:
        yield from _connection_lines(child, parent_id)


def _split(node: dict) -> tuple[dict, list[dict]]:
    """A node without its nested connections (searched through plain sub-objects), and those connections."""
    children: list[dict] = []
    return _strip(node, children), children


def _strip(value: dict, children: list[dict]) -> dict:
    out: dict = {}
    for key, item in value.items():
        if isinstance(item, dict):
            if _connection_items(item) is not None:
                children.append(item)
                continue
            out[key] = _strip(item, children)
        else:
            out[key] = item
    return out


def encode_jsonl(lines: Iterator[dict]) -> tuple[bytes, int, int]:
    """(file bytes, object count, root object count); compact JSON, one object per line."""
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    parts: list[str] = []
    roots = 0
    for line in lines:
        if "__parentId" not in line:
            roots += 1
        parts.append(dumps(line))
    if not parts:
        return b"", 0, 0
    return ("\n".join(parts) + "\n").encode("utf-8"), len(parts), roots


# -- operations -----------------------------------------------------------------------------------------------


def _timestamp(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class BulkOperation:
    id: str
    status: str
    query: str
    created_at: datetime
    error_code: str | None = None
    completed_at: datetime | None = None
    object_count: int = 0
    root_object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    partial_data_url: str | None = None
    type: str = "QUERY"

    @property
    def numeric_id(self) -> str:
        return self.id.removeprefix(GID_PREFIX)

    def to_graphql(self) -> dict:
        """The ``BulkOperation`` object as the schema spells it (UnsignedInt64 values as strings)."""
        return {
            "__typename": "BulkOperation",
            "id": self.id,
            "status": self.status,
            "errorCode": self.error_code,
            "createdAt": _timestamp(self.created_at),
            "completedAt": _timestamp(self.completed_at),
            "objectCount": str(self.object_count),
            "rootObjectCount": str(self.root_object_count),
            "fileSize": None if self.file_size is None else str(self.file_size),
            "url": self.url,
            "partialDataUrl": self.partial_data_url,
            "query": self.query,
            "type": self.type,
        }


def finish_payload(operation: BulkOperation) -> dict:
    """The REST-shaped body of the ``bulk_operations/finish`` webhook."""
    return {
        "admin_graphql_api_id": operation.id,
        "completed_at": _timestamp(operation.completed_at),
        "created_at": _timestamp(operation.created_at),
        "error_code": operation.error_code.lower() if operation.error_code else None,
        "status": operation.status.lower(),
        "type": operation.type.lower(),
    }


@dataclass
class _Run:
    """What the sandbox keeps per operation besides the public record."""

    operation: BulkOperation
    created_mono: float
    done: threading.Event = field(default_factory=threading.Event)
    result: bytes | None = None
    objects: int = 0
    roots: int = 0
    error: str | None = None
    cancel_mono: float | None = None
    scripted_failure: tuple[str, float] | None = None
    partial: bytes | None = None
    notified: bool = False
    api_version: str | None = None
    """The API version of the request that created the operation (its result downloads are labelled so)."""


class BulkOperations:
    """The shop's bulk query operations."""

    def __init__(
        self,
        clock: SandboxClock,
        execute_all: Callable[[str], dict],
        result_url: Callable[[str], str],
        max_concurrent: int = 5,
        seconds_per_1000_objects: float = DEFAULT_SECONDS_PER_1000_OBJECTS,
        on_finish: Callable[[BulkOperation], None] | None = None,
        api_version: Callable[[], str | None] = lambda: None,
    ) -> None:
        self.clock = clock
        self.execute_all = execute_all
        self.result_url = result_url
        self.max_concurrent = max_concurrent
        self.seconds_per_1000_objects = seconds_per_1000_objects
        self.on_finish = on_finish
        self.api_version = api_version
        self._runs: dict[str, _Run] = {}
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._next_failure: tuple[str, float] | None = None

    # -- public API --------------------------------------------------------------------------------------------

    def run_query(self, query: str, schema: GraphQLSchema) -> tuple[BulkOperation | None, list[dict]]:
        """``bulkOperationRunQuery``: a new CREATED operation, or None and userErrors."""
        errors = validate_bulk_query(schema, query)
        if errors:
            return None, errors
        with self._lock:
            active = [r.operation for r in self._runs.values() if self._advance(r) in ACTIVE_STATUSES]
            if len(active) >= self.max_concurrent:
                return None, [self._in_progress_error(active)]
            operation = BulkOperation(
                id=f"{GID_PREFIX}{next(self._ids)}",
                status="CREATED",
                query=query,
                created_at=self.clock.now(),
            )
            run = _Run(
                operation=operation, created_mono=self.clock.monotonic(), api_version=self.api_version()
            )
            run.scripted_failure, self._next_failure = self._next_failure, None
            self._runs[operation.numeric_id] = run
        threading.Thread(
            target=self._work, args=(run,), name=f"bulk-{operation.numeric_id}", daemon=True
        ).start()
        return _copy(operation), []

    def cancel(self, gid: str) -> tuple[BulkOperation | None, list[dict]]:
        """``bulkOperationCancel``."""
        with self._lock:
            run = self._runs.get(gid.removeprefix(GID_PREFIX)) if gid.startswith(GID_PREFIX) else None
            if run is None:
                return None, [{"field": ["id"], "message": "Bulk operation does not exist"}]
            status = self._advance(run)
            if status in TERMINAL_STATUSES:
                message = f"A bulk operation cannot be canceled when it is {status.lower()}"
                return _copy(run.operation), [{"field": None, "message": message}]
            if status != "CANCELING":
                run.cancel_mono = self.clock.monotonic()
                run.operation.status = "CANCELING"
            return _copy(run.operation), []

    def get(self, gid: str) -> BulkOperation | None:
        """The operation as of now (the state machine advances by the clock)."""
        if not gid.startswith(GID_PREFIX):
            return None
        with self._lock:
            run = self._runs.get(gid.removeprefix(GID_PREFIX))
            if run is None:
                return None
            self._advance(run)
            operation = _copy(run.operation)
        self._notify_finished()
        return operation

    def current(self) -> BulkOperation | None:
        """The most recently created operation (``currentBulkOperation``)."""
        with self._lock:
            if not self._runs:
                return None
            latest = max(self._runs, key=int)
        return self.get(f"{GID_PREFIX}{latest}")

    def operations(self) -> list[BulkOperation]:
        """Every operation, oldest first (for a ``bulkOperations`` connection)."""
        with self._lock:
            numbers = sorted(self._runs, key=int)
        return [op for op in (self.get(f"{GID_PREFIX}{n}") for n in numbers) if op is not None]

    def result_bytes(self, numeric_id: str) -> bytes | None:
        """The JSONL file behind ``url`` (or the partial one behind ``partialDataUrl``); None if there is none."""
        return self.result(numeric_id)[0]

    def result(self, numeric_id: str) -> tuple[bytes | None, str | None]:
        """(:meth:`result_bytes`, the API version of the request that created the operation)."""
        with self._lock:
            run = self._runs.get(numeric_id)
            if run is None:
                return None, None
            status = self._advance(run)
            if status == "COMPLETED":
                return run.result, run.api_version
            if status == "FAILED":
                return run.partial, run.api_version
            return None, run.api_version

    def wait_until_executed(self, gid: str, timeout: float = 60.0) -> bool:
        """Block (real seconds) until the operation's query has been executed; for tests and benchmarks."""
        with self._lock:
            run = self._runs.get(gid.removeprefix(GID_PREFIX))
        return run is not None and run.done.wait(timeout)

    def script_failure(
        self, error_code: str = "INTERNAL_SERVER_ERROR", partial_fraction: float = 0.5
    ) -> None:
        """Make the next operation end FAILED with ``error_code``, its first lines behind ``partialDataUrl``."""
        if error_code not in ("ACCESS_DENIED", "INTERNAL_SERVER_ERROR", "TIMEOUT"):
            raise ValueError(f"unknown BulkOperationErrorCode {error_code!r}")
        with self._lock:
            self._next_failure = (error_code, partial_fraction)

    def run_seconds(self, objects: int) -> float:
        """Simulated seconds from creation to completion for a result of ``objects`` objects."""
        return BASE_RUN_SECONDS + objects / 1000.0 * self.seconds_per_1000_objects

    # -- internals ---------------------------------------------------------------------------------------------

    def _in_progress_error(self, active: list[BulkOperation]) -> dict:
        oldest = min(active, key=lambda op: int(op.numeric_id))
        message = f"A bulk query operation for this app and shop is already in progress: {oldest.id}."
        code = "OPERATION_IN_PROGRESS" if self.max_concurrent == 1 else "LIMIT_REACHED"
        return {"field": None, "message": message, "code": code}

    def _work(self, run: _Run) -> None:
        try:
            data = self.execute_all(run.operation.query)
            body, objects, roots = encode_jsonl(jsonl_lines(data))
            with self._lock:
                run.result, run.objects, run.roots = body, objects, roots
        except Exception as exc:  # the operation fails like Shopify's: INTERNAL_SERVER_ERROR, no data
            with self._lock:
                run.error = f"{type(exc).__name__}: {exc}"
        finally:
            run.done.set()
        while True:
            with self._lock:
                status = self._advance(run)
                if status in TERMINAL_STATUSES:
                    break
                wake_in = self._next_change(run) - self.clock.monotonic()
            time.sleep(max(0.0, min(self.clock.real_seconds(wake_in), _MAX_IDLE_WAIT)))
        self._notify_finished()

    def _next_change(self, run: _Run) -> float:
        if run.cancel_mono is not None:
            return run.cancel_mono + CANCEL_SECONDS
        if run.operation.status == "CREATED":
            return run.created_mono + CREATED_SECONDS
        return run.created_mono + self.run_seconds(run.objects)

    def _advance(self, run: _Run) -> str:
        """Under the lock: move the operation along by the clock; returns its status."""
        operation = run.operation
        now = self.clock.monotonic()
        if operation.status in ("CANCELED", "FAILED"):
            return operation.status
        if operation.status == "COMPLETED":
            if operation.completed_at and self.clock.now() - operation.completed_at >= URL_LIFETIME:
                operation.status = "EXPIRED"
                operation.url = None
            return operation.status
        if operation.status == "EXPIRED":
            return operation.status
        if run.cancel_mono is not None:
            if now >= run.cancel_mono + CANCEL_SECONDS:
                operation.status = "CANCELED"
                operation.completed_at = self.clock.now()
            return operation.status
        if now >= run.created_mono + CREATED_SECONDS:
            operation.status = "RUNNING"
        if operation.status != "RUNNING":
            return operation.status
        if not run.done.is_set():
            return operation.status
        finish_at = run.created_mono + self.run_seconds(run.objects)
        if now < finish_at:
            elapsed = max(0.0, now - run.created_mono)
            fraction = min(1.0, elapsed / max(finish_at - run.created_mono, 1e-9))
            operation.object_count = int(run.objects * fraction)
            operation.root_object_count = int(run.roots * fraction)
            return operation.status
        operation.completed_at = self.clock.now()
        if run.error is not None:
            operation.status = "FAILED"
            operation.error_code = "INTERNAL_SERVER_ERROR"
        elif run.scripted_failure is not None:
            self._fail_with_partial_data(run, *run.scripted_failure)
        else:
            operation.status = "COMPLETED"
            operation.object_count = run.objects
            operation.root_object_count = run.roots
            operation.file_size = len(run.result or b"")
            operation.url = self.result_url(operation.numeric_id) if run.result else None
        return operation.status

    def _fail_with_partial_data(self, run: _Run, error_code: str, fraction: float) -> None:
        operation = run.operation
        operation.status = "FAILED"
        operation.error_code = error_code
        lines = (run.result or b"").splitlines(keepends=True)
        kept = lines[: int(len(lines) * fraction)]
        if kept:
            run.partial = b"".join(kept)
            operation.partial_data_url = self.result_url(operation.numeric_id)
            operation.object_count = len(kept)
            operation.root_object_count = sum(1 for line in kept if b'"__parentId"' not in line)

    def _notify_finished(self) -> None:
        if self.on_finish is None:
            return
        to_notify: list[BulkOperation] = []
        with self._lock:
            for run in self._runs.values():
                if not run.notified and run.operation.status in TERMINAL_STATUSES:
                    run.notified = True
                    to_notify.append(_copy(run.operation))
        for operation in to_notify:
            self.on_finish(operation)


def _copy(operation: BulkOperation) -> BulkOperation:
    return BulkOperation(**operation.__dict__)
