"""Relay cursor connections as Shopify serves them: ``first/after/last/before`` ≤ 250, opaque cursors.

A cursor is base64 of ``{"last_id": N, "last_value": V}`` (the shape Shopify's cursors decode to): the
position after which (or before which) the next page starts, in the current sort order. So a page costs a
binary search, not a scan from the start, and objects added or removed between pages never shift a page.
"""

from __future__ import annotations

import base64
import bisect
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from graphql import GraphQLError

MAX_PAGE_SIZE = 250

T = TypeVar("T")


def encode_cursor(last_id: int, last_value: Any) -> str:
    if isinstance(last_value, datetime):
        last_value = last_value.isoformat()
    raw = json.dumps(
        {"last_id": last_id, "last_value": last_value}, separators=(",", ":"), ensure_ascii=False
    )
    return base64.b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, Any]:
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return int(data["last_id"]), data["last_value"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor}") from exc


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return ""
    return value


def check_page_arguments(first: int | None, last: int | None, unlimited: bool = False) -> None:
    """Shopify's argument rules for every connection (skipped for bulk operations, which page by themselves)."""
    if unlimited:
        return
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if first is not None and last is not None:
        raise GraphQLError("providing both first and last is not supported")
    for name, value in (("first", first), ("last", last)):
        if value is not None and (value < 0 or value > MAX_PAGE_SIZE):
            raise GraphQLError(
                f"The maximum number of records that can be returned in a single query is {MAX_PAGE_SIZE}"
                if value > MAX_PAGE_SIZE
                else f"Argument '{name}' must be a non-negative number"
            )


def paginate(
    items: Sequence[T],
    *,
    id_of: Callable[[T], int],
    sort_value: Callable[[T], Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
    unlimited: bool = False,
    presorted: bool = False,
) -> dict[str, Any]:
    """One page of ``items`` as ``{edges, nodes, pageInfo}``.

    ``sort_value`` gives each item's sort value (ties broken by id); without it items sort by id, and
    ``presorted=True`` says they already are (state dicts iterate in id order), which skips the sort.
    """
    check_page_arguments(first, last, unlimited)

    def key(item: T) -> tuple[Any, int]:
        return (_comparable(sort_value(item)) if sort_value else 0, id_of(item))

    ordered = list(items) if presorted and sort_value is None else sorted(items, key=key)
    if reverse:
        ordered.reverse()
    keys = [key(item) for item in ordered]
    if reverse:
        keys = [_Reversed(k) for k in keys]  # type: ignore[misc]

    start, stop = 0, len(ordered)
    if after:
        last_id, last_value = decode_cursor(after)
        probe = (_comparable(last_value) if sort_value else 0, last_id)
        start = bisect.bisect_right(keys, _Reversed(probe) if reverse else probe)
    if before:
        last_id, last_value = decode_cursor(before)
        probe = (_comparable(last_value) if sort_value else 0, last_id)
        stop = bisect.bisect_left(keys, _Reversed(probe) if reverse else probe)
    stop = max(start, stop)
    window_start, window_stop = start, stop
    if first is not None:
        window_stop = min(stop, start + first)
    elif last is not None:
        window_start = max(start, stop - last)
    page = ordered[window_start:window_stop]

    edges = [
        {"cursor": encode_cursor(id_of(node), sort_value(node) if sort_value else None), "node": node}
        for node in page
    ]
    return {
        "edges": edges,
        "nodes": page,
        "pageInfo": {
            "hasNextPage": window_stop < len(ordered),
            "hasPreviousPage": window_start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


class _Reversed:
    """Inverts comparisons, so a descending list can be bisected like an ascending one."""

    __slots__ = ("key",)

    def __init__(self, key: tuple[Any, int]) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return other.key < self.key

    def __gt__(self, other: _Reversed) -> bool:
        return other.key > self.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and other.key == self.key

    __hash__ = None  # type: ignore[assignment]
