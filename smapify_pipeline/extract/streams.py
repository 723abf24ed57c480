"""The ten extract streams, declared: what each reads, which raw tables it fills, how it reads incrementally and
how it finds deletions. ``run.py`` runs any of them; ``assets.py`` makes each an asset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import duckdb
import pandas as pd

from smapify_pipeline.extract import shopify_streams, smaregi_streams
from smapify_pipeline.schemas import normalize_shopify as ns
from smapify_pipeline.schemas import normalize_smaregi as nm
from smapify_pipeline.schemas.frames import NormalizedTable

Records = Iterable[dict[str, Any]]


@dataclass(frozen=True)
class Read:
    """What a stream function is given."""

    client: Any
    """The platform's API client."""
    resource: Any
    """The platform's resource (its read settings)."""
    since: datetime | None
    """Read what changed since then; None reads everything."""
    until: datetime
    """Upper bound of windowed reads."""
    conn: duckdb.DuckDBPyConnection
    """The warehouse, for what is already loaded."""


@dataclass(frozen=True)
class Output:
    """One asset of a stream: the raw tables it stands for and the one whose rows its metadata counts."""

    asset: str
    description: str
    tables: tuple[str, ...]
    counted: str = ""

    @property
    def counted_table(self) -> str:
        return self.counted or self.tables[0]


@dataclass(frozen=True)
class Cursor:
    """Incremental reads: what changed since the newest ``column`` value loaded into ``tables``."""

    column: str
    tables: tuple[str, ...]
    history: bool = False
    """A first read goes back ``history_days`` instead of reading everything."""


@dataclass(frozen=True)
class Deletions:
    """How deleted records are found. After a full read: every key not read. After an incremental read: the
    platform's deletion feed (``gone_since``) or, without one, every key that still exists (``existing``)."""

    table: str
    key_column: str
    key_of: Callable[[dict[str, Any]], str | None]
    """The key of a record of a full read, None for a record of another type."""
    gone_since: Callable[[Read], Iterable[str]] | None = None
    existing: Callable[[Read], set[str]] | None = None


@dataclass(frozen=True)
class Stream:
    name: str
    """The cursor's name, and the asset's when the stream has one output."""
    platform: Literal["shopify", "smaregi"]
    read: Callable[[Read], Records]
    normalize: Callable[[list[dict[str, Any]]], Iterable[NormalizedTable]]
    outputs: tuple[Output, ...]
    cursor: Cursor | None = None
    """None: a small list read whole on every run."""
    deletions: Deletions | None = None
    after_load: tuple[str, ...] = ()
    """SQL run once the rows and deletions are in (dropping what belongs to deleted records)."""
    chunk_size: int | None = None
    """Load this many records at a time; None loads them together (records that refer to each other)."""
    deps: tuple[str, ...] = ()
    op_name: str = ""

    @property
    def op(self) -> str:
        return self.op_name or self.name


def _delete_rows_of_deleted(table: str, parent: str, column: str) -> str:
    return (
        f"DELETE FROM {table} WHERE {column} IN (SELECT {column} FROM {parent} WHERE deleted_at IS NOT NULL)"
    )


def _changed_refunds(conn: duckdb.DuckDBPyConnection, refund_refs: list[dict[str, str]]) -> list[str]:
    """Ids of the refunds that are new or changed since they were loaded."""
    known = dict(conn.execute(f"SELECT refund_id, updated_at FROM {ns.REFUNDS}").fetchall())
    return [
        ref["id"]
        for ref in refund_refs
        if known.get(ref["id"]) is None or pd.Timestamp(ref["updatedAt"]) > pd.Timestamp(known[ref["id"]])
    ]


def _orders_and_refunds(read: Read) -> list[dict[str, Any]]:
    records, refund_refs = shopify_streams.orders(read.client, read.since, read.resource.bulk_poll_seconds)
    return records + shopify_streams.refunds(read.client, _changed_refunds(read.conn, refund_refs))


def _shopify_product_id(record: dict[str, Any]) -> str | None:
    gid = str(record.get("id", ""))
    return gid if gid.startswith("gid://shopify/Product/") else None


SHOPIFY_LOCATIONS = Stream(
    "shopify_locations",
    "shopify",
    read=lambda r: shopify_streams.locations(r.client),
    normalize=lambda records: ns.normalize_shopify(records, (ns.LOCATIONS,)).values(),
    outputs=(
        Output("shopify_locations", "Shopify locations (all of them, active or not).", (ns.LOCATIONS,)),
    ),
)
SHOPIFY_PRODUCTS = Stream(
    "shopify_products",
    "shopify",
    read=lambda r: shopify_streams.products(r.client, r.since, r.resource.bulk_poll_seconds),
    normalize=lambda records: ns.normalize_shopify(records, (ns.PRODUCTS, ns.VARIANTS)).values(),
    outputs=(
        Output(
            "shopify_products",
            "Shopify products with their variants and inventory items; deleted products marked ``deleted_at``.",
            (ns.PRODUCTS, ns.VARIANTS),
            counted=ns.VARIANTS,
        ),
    ),
    cursor=Cursor("updated_at", (ns.VARIANTS, ns.PRODUCTS)),
    deletions=Deletions(
        ns.PRODUCTS,
        "product_id",
        _shopify_product_id,
        gone_since=lambda r: [gid for gid, _ in shopify_streams.deleted_product_ids(r.client, r.since)],
    ),
    after_load=(
        f"UPDATE {ns.VARIANTS} SET deleted_at = p.deleted_at FROM {ns.PRODUCTS} p "
        f"WHERE {ns.VARIANTS}.product_id = p.product_id AND p.deleted_at IS NOT NULL "
        f"AND {ns.VARIANTS}.deleted_at IS NULL",
    ),
)
SHOPIFY_INVENTORY = Stream(
    "shopify_inventory",
    "shopify",
    read=lambda r: shopify_streams.inventory_levels(r.client, r.since, r.resource.bulk_poll_seconds),
    normalize=lambda records: ns.normalize_shopify(records, (ns.INVENTORY,)).values(),
    outputs=(
        Output(
            "shopify_inventory",
            "Available and on-hand quantities per inventory item and location (none for deleted variants).",
            (ns.INVENTORY,),
        ),
    ),
    cursor=Cursor("updated_at", (ns.INVENTORY,)),
    after_load=(_delete_rows_of_deleted(ns.INVENTORY, ns.VARIANTS, "inventory_item_id"),),
    deps=("shopify_locations", "shopify_products"),
)
SHOPIFY_ORDERS = Stream(
    "shopify_orders",
    "shopify",
    read=_orders_and_refunds,
    normalize=lambda records: ns.normalize_shopify_orders(records).values(),
    outputs=(
        Output(
            "shopify_orders",
            "Shopify orders with their line items and tax lines.",
            (ns.ORDERS, ns.ORDER_LINES),
        ),
        Output(
            "shopify_refunds",
            "Shopify refunds with their lines (restock type and location).",
            (ns.REFUNDS, ns.REFUND_LINES),
        ),
    ),
    cursor=Cursor("updated_at", (ns.ORDERS,)),
    op_name="shopify_orders_and_refunds",
)
SMAREGI_STORES = Stream(
    "smaregi_stores",
    "smaregi",
    read=lambda r: smaregi_streams.stores(r.client),
    normalize=lambda records: [nm.normalize_smaregi_stores(records)],
    outputs=(Output("smaregi_stores", "Smaregi stores.", (nm.STORES,)),),
)
SMAREGI_CATEGORIES = Stream(
    "smaregi_categories",
    "smaregi",
    read=lambda r: smaregi_streams.categories(r.client),
    normalize=lambda records: [nm.normalize_smaregi_categories(records)],
    outputs=(
        Output(
            "smaregi_categories",
            "Smaregi categories (部門), the counterpart of Shopify's product type.",
            (nm.CATEGORIES,),
        ),
    ),
)
SMAREGI_PRODUCTS = Stream(
    "smaregi_products",
    "smaregi",
    read=lambda r: smaregi_streams.products(r.client, r.since, r.until),
    normalize=lambda records: [nm.normalize_smaregi_products(records)],
    outputs=(
        Output(
            "smaregi_products",
            "Smaregi products; a product gone from the full id listing is marked ``deleted_at``.",
            (nm.PRODUCTS,),
        ),
    ),
    cursor=Cursor("upd_date_time", (nm.PRODUCTS,)),
    deletions=Deletions(
        nm.PRODUCTS,
        "product_id",
        lambda record: str(record.get("productId")),
        existing=lambda r: smaregi_streams.product_ids(r.client),
    ),
)
SMAREGI_STOCK = Stream(
    "smaregi_stock",
    "smaregi",
    read=lambda r: smaregi_streams.stock(r.client, r.since, r.until),
    normalize=lambda records: [nm.normalize_smaregi_stock(records)],
    outputs=(
        Output(
            "smaregi_stock",
            "Smaregi stock per product and store (a row exists only once the product's stock has moved; none for "
            "deleted products).",
            (nm.STOCK,),
        ),
    ),
    cursor=Cursor("upd_date_time", (nm.STOCK,)),
    after_load=(_delete_rows_of_deleted(nm.STOCK, nm.PRODUCTS, "product_id"),),
    chunk_size=10_000,
    deps=("smaregi_products",),
)
SMAREGI_TRANSACTIONS = Stream(
    "smaregi_transactions",
    "smaregi",
    read=lambda r: smaregi_streams.transactions(r.client, r.since, r.until),
    normalize=lambda records: nm.normalize_smaregi_transactions(records).values(),
    outputs=(
        Output(
            "smaregi_transactions",
            "Smaregi transactions (sales, returns, voids, reversals) with their detail lines.",
            (nm.TRANSACTIONS, nm.TRANSACTION_DETAILS),
        ),
    ),
    cursor=Cursor("upd_date_time", (nm.TRANSACTIONS,), history=True),
    chunk_size=10_000,
)

STREAMS = (
    SHOPIFY_LOCATIONS,
    SHOPIFY_PRODUCTS,
    SHOPIFY_INVENTORY,
    SHOPIFY_ORDERS,
    SMAREGI_STORES,
    SMAREGI_CATEGORIES,
    SMAREGI_PRODUCTS,
    SMAREGI_STOCK,
    SMAREGI_TRANSACTIONS,
)
