"""Reading Shopify by bulk operations, filtered by ``updated_at`` for incremental reads.

Bulk operations have no cost ceiling, so a read costs a start, a few polls and a download whatever its size;
paged queries would be throttled by the cost bucket on a large catalogue (a 150-variant page costs about 750 of
the 2,000 points, restored at 100 a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from smapify_pipeline.extract import shopify_queries as q
from smapify_pipeline.platforms.shopify.bulk import BulkRunner
from smapify_pipeline.platforms.shopify.client import ShopifyClient


def updated_since(since: datetime | None) -> str | None:
    """Shopify search syntax for records changed at or after ``since`` (quoted ISO-8601, UTC)."""
    if since is None:
        return None
    return f"updated_at:>='{since.astimezone(UTC).isoformat(timespec='seconds')}'"


def products(client: ShopifyClient, since: datetime | None, poll_seconds: float) -> Iterator[dict[str, Any]]:
    """Products changed since ``since`` (everything when None) with all their variants, as bulk JSONL rows.

    A variant's change bumps its product's ``updatedAt`` on Shopify, so filtering products is enough.
    """
    yield from _bulk(client, q.bulk_products(updated_since(since)), poll_seconds)


def deleted_product_ids(client: ShopifyClient, since: datetime) -> list[tuple[str, str]]:
    """(product GID, occurred at) of products deleted since ``since``."""
    search = f"occurred_at:>='{since.astimezone(UTC).isoformat(timespec='seconds')}'"
    return [
        (event["subjectId"], event["occurredAt"])
        for event in client.paginate(q.DELETED_PRODUCTS, {"first": 250, "query": search}, "deletionEvents")
    ]


def locations(client: ShopifyClient) -> list[dict[str, Any]]:
    return list(client.paginate(q.LOCATIONS, {"first": 250}, "locations"))


def inventory_levels(
    client: ShopifyClient, since: datetime | None, poll_seconds: float
) -> Iterator[dict[str, Any]]:
    """Inventory levels changed since ``since`` at every location (all levels when None)."""
    yield from _bulk(client, q.bulk_inventory(updated_since(since)), poll_seconds)


def orders(
    client: ShopifyClient, since: datetime | None, poll_seconds: float
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Orders changed since ``since`` with their lines (bulk JSONL rows), and their refunds' ``{id, updatedAt}``
    (taken off the order rows: the full refunds are read with :func:`refunds`)."""
    rows = list(_bulk(client, q.bulk_orders(updated_since(since)), poll_seconds))
    refund_refs = [ref for row in rows for ref in (row.pop("refunds", None) or [])]
    return rows, refund_refs


def fulfillment_orders(
    client: ShopifyClient, since: datetime | None, poll_seconds: float
) -> Iterator[dict[str, Any]]:
    """Fulfilment orders (closed ones too) changed since ``since``, with their lines."""
    yield from _bulk(client, q.bulk_fulfillment_orders(updated_since(since)), poll_seconds)


def refunds(client: ShopifyClient, refund_ids: list[str]) -> list[dict[str, Any]]:
    """Each refund with its lines (restock type, location, quantity)."""
    found = (client.execute(q.REFUND, {"id": refund_id}).get("refund") for refund_id in refund_ids)
    return [refund for refund in found if refund]


def _bulk(client: ShopifyClient, query: str, poll_seconds: float) -> Iterator[dict[str, Any]]:
    runner = BulkRunner(client, poll_interval=poll_seconds, max_poll_interval=max(poll_seconds, 5.0))
    try:
        yield from runner.run(query, flat=True)
    finally:
        runner.close()
