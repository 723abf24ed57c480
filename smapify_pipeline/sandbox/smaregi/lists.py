"""The shared machinery of read endpoints: lists filtered + sorted once per state version, then sliced; one resource."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from smapify_pipeline.sandbox.smaregi.errors import not_found
from smapify_pipeline.sandbox.smaregi.listing import (
    MAX_LIMIT,
    Paging,
    SortSpec,
    parse_fields,
    parse_paging,
    parse_sort,
    project,
    sort_rows,
)
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call

PAGING_NAMES = frozenset({"limit", "page", "fields"})


def list_answer(
    call: Call,
    resource: str,
    rows: Callable[[], Iterable[dict[str, Any]]],
    predicates: list[Callable[[dict[str, Any]], bool]],
    field_names: tuple[str, ...],
    default_sort: SortSpec,
    sort_keys: Iterable[str] | None = None,
    max_limit: int = MAX_LIMIT,
    render: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Answer:
    """A bare JSON array: the page of rows passing every predicate, sorted, with only ``fields`` if asked."""
    paging: Paging = parse_paging(call.query, max_limit)
    sort = parse_sort(call.query, sort_keys if sort_keys is not None else field_names, default_sort)
    fields = parse_fields(call.query, field_names)
    key = (resource, sort, tuple(sorted((k, v) for k, v in call.query.items() if k not in PAGING_NAMES)))

    def build() -> list[dict[str, Any]]:
        selected = [row for row in rows() if all(p(row) for p in predicates)]
        if sort != default_sort or not _presorted(resource):
            sort_rows(selected, sort)
        return selected

    selected = call.state.cached_ids(key, build)
    page = selected[paging.window()]
    template = dict.fromkeys(field_names)
    rendered = [render(row) if render else {**template, **row} for row in page]
    return Answer(200, project(rendered, fields))


def one_answer(field_names: tuple[str, ...], row: dict[str, Any] | None) -> Answer:
    """One resource with every field (``null`` where unset); a missing one is a 404."""
    if row is None:
        raise not_found()
    return Answer(200, {**dict.fromkeys(field_names), **row})


def _presorted(resource: str) -> bool:
    """Stores, categories, products and transactions are kept in ascending id order already."""
    return resource in {"stores", "categories", "products", "transactions"}


def exact(field: str, value: str | None) -> Callable[[dict[str, Any]], bool] | None:
    if value is None:
        return None
    return lambda row: row.get(field) == value


def compact(
    predicates: Iterable[Callable[[dict[str, Any]], bool] | None],
) -> list[Callable[[dict[str, Any]], bool]]:
    return [p for p in predicates if p is not None]
