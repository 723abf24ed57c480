"""Reading Shopify: whole-shop reads by bulk operation, incremental reads by ``updated_at`` pages."""

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


def products(client: ShopifyClient, since: datetime | None) -> Iterator[dict[str, Any]]:
    """Products and variants changed since ``since`` (everything when None)."""
    if since is None:
        yield from _bulk(client, q.bulk_products())
        return
    search = updated_since(since)
    yield from client.paginate(q.PRODUCTS, {"first": q.PRODUCTS_PAGE_SIZE, "query": search}, "products")
    yield from client.paginate(
        q.VARIANTS, {"first": q.VARIANTS_PAGE_SIZE, "query": search}, "productVariants"
    )


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
    client: ShopifyClient, location_ids: list[str], since: datetime | None
) -> Iterator[dict[str, Any]]:
    """Inventory levels changed since ``since`` at the given locations (all levels everywhere when None)."""
    if since is None:
        yield from _bulk(client, q.bulk_inventory())
        return
    for location in location_ids:
        yield from client.paginate(
            q.INVENTORY_LEVELS,
            {"location": location, "first": q.INVENTORY_PAGE_SIZE, "query": updated_since(since)},
            "location.inventoryLevels",
        )


def orders(
    client: ShopifyClient, since: datetime | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Orders changed since ``since`` with their lines (bulk JSONL rows), and their refunds' ``{id, updatedAt}``
    (taken off the order rows: the full refunds are read with :func:`refunds`)."""
    rows = list(_bulk(client, q.bulk_orders(updated_since(since))))
    refund_refs = [ref for row in rows for ref in (row.pop("refunds", None) or [])]
    return rows, refund_refs


def refunds(client: ShopifyClient, refund_ids: list[str]) -> list[dict[str, Any]]:
    """Each refund with its lines (restock type, location, quantity)."""
    found = (client.execute(q.REFUND, {"id": refund_id}).get("refund") for refund_id in refund_ids)
    return [refund for refund in found if refund]


def _bulk(client: ShopifyClient, query: str) -> Iterator[dict[str, Any]]:
    runner = BulkRunner(client, poll_interval=0.2, max_poll_interval=5.0)
    try:
        yield from runner.run(query, flat=True)
    finally:
        runner.close()
