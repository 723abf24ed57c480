"""Bulk query operations: start, poll, download, and read the JSONL result.

A bulk result is JSON Lines: one object per line, and every node of a nested connection is its own line with
``"__parentId"`` naming its parent. Without ``groupObjects`` (the default since 2026-01) children need not
follow their parent, so the joined mode reads the file twice: first it indexes every child line by parent id,
then it yields each top-level row with its children attached under ``children_key(child)`` — by default the
type in the child's GID (``gid://shopify/ProductVariant/1`` → ``"ProductVariant"``), ``"children"`` for a child
without one. Memory holds the child rows, not the parents. The flat mode yields the lines as they come.

Choices, kept here so they can be corrected:

* Another bulk query already running (userError "already in progress") is waited for (``on_conflict="wait"``)
  or cancelled (``"cancel"``), then ours is started again.
* ``FAILED``/``CANCELED``/``EXPIRED`` raise :class:`BulkOperationError` with ``errorCode`` and
  ``partialDataUrl``; with ``accept_partial=True`` a failed operation's partial data is yielded instead and the
  outcome is in :attr:`BulkRunner.last_operation`.
* Starting is not idempotent: if the start mutation's answer is lost, the runner adopts the current bulk
  operation when it runs the same query, and starts again otherwise.
* The result file is downloaded without the Shopify token (it is a signed URL on another host).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

import httpx

from smapify_pipeline.platforms.http import USER_AGENT, verified_tls
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import BulkOperationError, OutcomeUnknown, ShopifyUserError

logger = logging.getLogger(__name__)

RUN_QUERY = """
mutation RunBulkQuery($query: String!, $groupObjects: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $groupObjects) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
RUN_QUERY_WITHOUT_GROUPING = """
mutation RunBulkQuery($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}
"""
OPERATION_FIELDS = (
    "id status errorCode objectCount rootObjectCount fileSize url partialDataUrl query createdAt"
)
POLL = (
    f"query BulkOperation($id: ID!) {{ node(id: $id) {{ ... on BulkOperation {{ {OPERATION_FIELDS} }} }} }}"
)
CURRENT = f"query CurrentBulkOperation {{ currentBulkOperation {{ {OPERATION_FIELDS} }} }}"
CANCEL = """
mutation CancelBulk($id: ID!) {
  bulkOperationCancel(id: $id) { bulkOperation { id status } userErrors { field message } }
}
"""
TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
IN_PROGRESS = re.compile(r"already in progress(?::\s*(gid://shopify/BulkOperation/\d+))?", re.IGNORECASE)
GID_TYPE = re.compile(r"^gid://shopify/([A-Za-z]+)/")


@dataclass(frozen=True)
class BulkOperation:
    id: str
    status: str
    error_code: str | None = None
    object_count: int | None = None
    url: str | None = None
    partial_data_url: str | None = None
    query: str | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> BulkOperation:
        count = raw.get("objectCount")
        return cls(
            id=raw["id"],
            status=raw["status"],
            error_code=raw.get("errorCode"),
            object_count=int(count) if count is not None else None,
            url=raw.get("url"),
            partial_data_url=raw.get("partialDataUrl"),
            query=raw.get("query"),
        )


def gid_type_key(row: dict[str, Any]) -> str:
    match = GID_TYPE.match(str(row.get("id", "")))
    return match.group(1) if match else "children"


class BulkRunner:
    """Runs bulk queries through a :class:`ShopifyClient` (its pacing, retries and token)."""

    def __init__(
        self,
        client: ShopifyClient,
        *,
        poll_interval: float = 1.0,
        max_poll_interval: float = 30.0,
        on_conflict: Literal["wait", "cancel"] = "wait",
        group_objects: bool | None = False,
        transport: httpx.BaseTransport | None = None,
        children_key: Callable[[dict[str, Any]], str] = gid_type_key,
    ) -> None:
        self.client = client
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.on_conflict = on_conflict
        self.group_objects = group_objects
        """Sent as ``groupObjects`` (required from 2026-01); ``None`` leaves the argument out (older versions)."""
        self.children_key = children_key
        self._download = httpx.Client(
            transport=transport, verify=verified_tls(), timeout=300.0, headers={"User-Agent": USER_AGENT}
        )
        self.last_operation: BulkOperation | None = None

    def run(
        self, query: str, *, flat: bool = False, accept_partial: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Run ``query`` as a bulk operation and yield its rows (joined by ``__parentId`` unless ``flat``)."""
        operation = self.wait(self.start(query))
        self.last_operation = operation
        url = operation.url
        if operation.status != "COMPLETED":
            if not (accept_partial and operation.partial_data_url):
                raise BulkOperationError(
                    operation.id, operation.status, operation.error_code, operation.partial_data_url
                )
            logger.warning(
                "bulk operation %s ended %s; reading its partial data", operation.id, operation.status
            )
            url = operation.partial_data_url
        if not url:
            return
        yield from self.read(url, flat=flat)

    def start(self, query: str) -> BulkOperation:
        """Start a bulk query, dealing with one already in progress as configured."""
        for _ in range(100):
            try:
                data = self._run_mutation(query)
            except OutcomeUnknown:
                current = self.current()
                if current is not None and current.query == query and current.status not in TERMINAL:
                    return current
                continue
            except ShopifyUserError as error:
                blocking = self._in_progress(error)
                if blocking is None:
                    raise
                self._clear_conflict(blocking)
                continue
            return BulkOperation.from_json(data["bulkOperationRunQuery"]["bulkOperation"])
        raise BulkOperationError(None, "NOT_STARTED", "another bulk operation kept running")

    def wait(self, operation: BulkOperation) -> BulkOperation:
        """Poll until ``operation`` reaches a final status, backing off up to ``max_poll_interval``."""
        interval = self.poll_interval
        while operation.status not in TERMINAL:
            self.client.retry.sleep(interval)
            interval = min(self.max_poll_interval, interval * 1.5)
            node = self.client.execute(POLL, {"id": operation.id}).get("node")
            if not node:
                raise BulkOperationError(operation.id, "UNKNOWN", "operation not found")
            operation = BulkOperation.from_json(node)
        return operation

    def current(self) -> BulkOperation | None:
        node = self.client.execute(CURRENT).get("currentBulkOperation")
        return BulkOperation.from_json(node) if node else None

    def cancel(self, operation_id: str) -> None:
        self.client.execute(CANCEL, {"id": operation_id}, raise_user_errors=False)

    def read(self, url: str, *, flat: bool = False) -> Iterator[dict[str, Any]]:
        """Download a result file and yield its rows."""
        with tempfile.TemporaryFile(mode="w+b") as spool:
            with self._download.stream("GET", url) as response:
                response.raise_for_status()
                for chunk in response.iter_bytes():
                    spool.write(chunk)
            spool.seek(0)
            if flat:
                yield from _lines(spool)
            else:
                yield from join_children(spool, self.children_key)

    def close(self) -> None:
        self._download.close()

    def _run_mutation(self, query: str) -> dict[str, Any]:
        if self.group_objects is None:
            return self.client.execute(RUN_QUERY_WITHOUT_GROUPING, {"query": query})
        return self.client.execute(RUN_QUERY, {"query": query, "groupObjects": self.group_objects})

    def _in_progress(self, error: ShopifyUserError) -> str | None:
        for detail in error.errors:
            match = IN_PROGRESS.search(detail.message)
            if match:
                return match.group(1) or ""
        return None

    def _clear_conflict(self, blocking_id: str) -> None:
        if not blocking_id:
            current = self.current()
            if current is None or current.status in TERMINAL:
                return
            blocking_id = current.id
        logger.info("bulk operation %s is in progress; %s", blocking_id, self.on_conflict)
        if self.on_conflict == "cancel":
            self.cancel(blocking_id)
        self.wait(BulkOperation(id=blocking_id, status="RUNNING"))


def _lines(spool: IO[bytes]) -> Iterator[dict[str, Any]]:
    for line in spool:
        if line.strip():
            yield json.loads(line)


def join_children(
    spool: IO[bytes], children_key: Callable[[dict[str, Any]], str] = gid_type_key
) -> Iterator[dict[str, Any]]:
    """Two passes over a seekable JSONL file: index child rows by ``__parentId``, then yield each top-level
    row with its children (and theirs) attached as lists under ``children_key(child)``."""
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in _lines(spool):
        parent = row.pop("__parentId", None)
        if parent is not None:
            children[parent].append(row)
    spool.seek(0)

    def attach(row: dict[str, Any]) -> dict[str, Any]:
        for child in children.pop(str(row.get("id")), ()):
            row.setdefault(children_key(child), []).append(attach(child))
        return row

    for row in _lines(spool):
        if "__parentId" not in row:
            yield attach(row)
    if children:
        logger.warning("bulk result has %d parent ids with no parent row", len(children))
