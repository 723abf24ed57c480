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
from smapify_pipeline.schemas import shopify as shop
from smapify_pipeline.schemas import smaregi as pos
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.schemas.normalize_shopify import normalize_shopify
from smapify_pipeline.schemas.normalize_smaregi import normalize_smaregi, normalize_smaregi_transactions
from smapify_pipeline.schemas.raw_table import RawTable

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
    tables: tuple[RawTable, ...]
    counted: RawTable | None = None

    @property
    def counted_table(self) -> str:
        return (self.counted or self.tables[0]).name

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(table.name for table in self.tables)


@dataclass(frozen=True)
class Cursor:
    """Incremental reads: what changed since the newest ``column`` value loaded into ``tables``."""

    column: str
    tables: tuple[RawTable, ...]
    history: bool = False
    """A first read goes back ``history_days`` instead of reading everything."""


@dataclass(frozen=True)
class Deletions:
    """How deleted records are found. After a full read: every key not read. After an incremental read: the
    platform's deletion feed (``gone_since``) or, without one, every key that still exists (``existing``)."""

    table: RawTable
    key_of: Callable[[dict[str, Any]], str | None]
    """The key of a record of a full read, None for a record of another type."""
    gone_since: Callable[[Read], Iterable[str]] | None = None
    existing: Callable[[Read], set[str]] | None = None

    def __post_init__(self) -> None:
        if (self.gone_since is None) == (self.existing is None):
            raise ValueError(f"{self.table.name}: deletions need a deletion feed or a listing, not both")
        if len(self.table.primary_key) != 1:
            raise ValueError(f"{self.table.name}: deletions need a single-column key")

    @property
    def key_column(self) -> str:
        return self.table.primary_key[0]


@dataclass(frozen=True)
class Stream:
    name: str
    """The cursor's name, and the asset's unless the stream is ``split``."""
    platform: Literal["shopify", "smaregi"]
    description: str
    tables: tuple[RawTable, ...]
    read: Callable[[Read], Records]
    normalize: Callable[[list[dict[str, Any]]], Iterable[NormalizedTable]]
    counted: RawTable | None = None
    """The table whose rows the asset's metadata counts (the first table by default)."""
    cursor: Cursor | None = None
    """None: a small list read whole on every run."""
    deletions: Deletions | None = None
    after_load: tuple[str, ...] = ()
    """SQL run once the rows and deletions are in (dropping what belongs to deleted records)."""
    chunk_size: int | None = None
    """Load this many records at a time; None loads them together (records that refer to each other)."""
    deps: tuple[str, ...] = ()
    split: tuple[Output, ...] = ()
    """Several assets materialized by one read, each standing for some of the tables."""
    op_name: str = ""

    @property
    def outputs(self) -> tuple[Output, ...]:
        return self.split or (Output(self.name, self.description, self.tables, self.counted),)

    @property
    def op(self) -> str:
        return self.op_name or self.name


def _shopify(*tables: RawTable) -> Callable[[list[dict[str, Any]]], Iterable[NormalizedTable]]:
    return lambda records: normalize_shopify(records, tables).values()


def _smaregi(table: RawTable) -> Callable[[list[dict[str, Any]]], Iterable[NormalizedTable]]:
    return lambda records: [normalize_smaregi(table, records)]


def _delete_rows_of_deleted(table: RawTable, parent: RawTable, column: str) -> str:
    return (
        f"DELETE FROM {table.name} WHERE {column} IN "
        f"(SELECT {column} FROM {parent.name} WHERE deleted_at IS NOT NULL)"
    )


def _mark_rows_of_deleted(table: RawTable, parent: RawTable, column: str) -> str:
    return (
        f"UPDATE {table.name} SET deleted_at = p.deleted_at FROM {parent.name} p "
        f"WHERE {table.name}.{column} = p.{column} AND p.deleted_at IS NOT NULL AND {table.name}.deleted_at IS NULL"
    )


def _changed_refunds(conn: duckdb.DuckDBPyConnection, refund_refs: list[dict[str, str]]) -> list[str]:
    """Ids of the refunds that are new or changed since they were loaded."""
    known = dict(conn.execute(f"SELECT refund_id, updated_at FROM {shop.REFUNDS.name}").fetchall())
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


def _small_list(table: RawTable, description: str, read: Callable[[Read], Records]) -> Stream:
    """A small list read whole on every run (a handful of rows: no cursor needed), named after its table."""
    name = table.name.removeprefix("raw.")
    if name.startswith("shopify_"):
        return Stream(name, "shopify", description, (table,), read=read, normalize=_shopify(table))
    return Stream(name, "smaregi", description, (table,), read=read, normalize=_smaregi(table))


STREAMS = (
    _small_list(
        shop.LOCATIONS,
        "Shopify locations (all of them, active or not).",
        lambda r: shopify_streams.locations(r.client),
    ),
    Stream(
        "shopify_products",
        "shopify",
        "Shopify products with their variants and inventory items; deleted products marked ``deleted_at``.",
        (shop.PRODUCTS, shop.VARIANTS),
        read=lambda r: shopify_streams.products(r.client, r.since, r.resource.bulk_poll_seconds),
        normalize=_shopify(shop.PRODUCTS, shop.VARIANTS),
        counted=shop.VARIANTS,
        cursor=Cursor("updated_at", (shop.VARIANTS, shop.PRODUCTS)),
        deletions=Deletions(
            shop.PRODUCTS,
            _shopify_product_id,
            gone_since=lambda r: [gid for gid, _ in shopify_streams.deleted_product_ids(r.client, r.since)],
        ),
        after_load=(_mark_rows_of_deleted(shop.VARIANTS, shop.PRODUCTS, "product_id"),),
    ),
    Stream(
        "shopify_inventory",
        "shopify",
        "Available and on-hand quantities per inventory item and location (none for deleted variants).",
        (shop.INVENTORY,),
        read=lambda r: shopify_streams.inventory_levels(r.client, r.since, r.resource.bulk_poll_seconds),
        normalize=_shopify(shop.INVENTORY),
        cursor=Cursor("updated_at", (shop.INVENTORY,)),
        after_load=(_delete_rows_of_deleted(shop.INVENTORY, shop.VARIANTS, "inventory_item_id"),),
        deps=("shopify_locations", "shopify_products"),
    ),
    Stream(
        "shopify_orders",
        "shopify",
        "Shopify orders and refunds.",
        shop.DOCUMENT_TABLES,
        read=_orders_and_refunds,
        normalize=_shopify(*shop.DOCUMENT_TABLES),
        cursor=Cursor("updated_at", (shop.ORDERS,)),
        split=(
            Output(
                "shopify_orders",
                "Shopify orders with their line items (discounts, tax lines) and shipping lines.",
                (shop.ORDERS, shop.ORDER_LINES, shop.SHIPPING_LINES),
            ),
            Output(
                "shopify_refunds",
                "Shopify refunds with their lines (restock type and location).",
                (shop.REFUNDS, shop.REFUND_LINES),
            ),
        ),
        op_name="shopify_orders_and_refunds",
    ),
    Stream(
        "shopify_fulfillment_orders",
        "shopify",
        "Shopify fulfilment orders with their lines: the location each order line's units are assigned to.",
        shop.FULFILMENT_TABLES,
        read=lambda r: shopify_streams.fulfillment_orders(r.client, r.since, r.resource.bulk_poll_seconds),
        normalize=_shopify(*shop.FULFILMENT_TABLES),
        counted=shop.FULFILLMENT_ORDER_LINES,
        cursor=Cursor("updated_at", (shop.FULFILLMENT_ORDERS,)),
    ),
    _small_list(pos.STORES, "Smaregi stores.", lambda r: smaregi_streams.stores(r.client)),
    _small_list(
        pos.CATEGORIES,
        "Smaregi categories (部門), the counterpart of Shopify's product type.",
        lambda r: smaregi_streams.categories(r.client),
    ),
    Stream(
        "smaregi_products",
        "smaregi",
        "Smaregi products; a product gone from the full id listing is marked ``deleted_at``.",
        (pos.PRODUCTS,),
        read=lambda r: smaregi_streams.products(r.client, r.since, r.until),
        normalize=_smaregi(pos.PRODUCTS),
        cursor=Cursor("upd_date_time", (pos.PRODUCTS,)),
        deletions=Deletions(
            pos.PRODUCTS,
            lambda record: str(record.get("productId")),
            existing=lambda r: smaregi_streams.product_ids(r.client),
        ),
    ),
    Stream(
        "smaregi_stock",
        "smaregi",
        "Smaregi stock per product and store (a row exists only once the product's stock has moved; none for "
        "deleted products).",
        (pos.STOCK,),
        read=lambda r: smaregi_streams.stock(r.client, r.since, r.until),
        normalize=_smaregi(pos.STOCK),
        cursor=Cursor("upd_date_time", (pos.STOCK,)),
        after_load=(_delete_rows_of_deleted(pos.STOCK, pos.PRODUCTS, "product_id"),),
        chunk_size=10_000,
        deps=("smaregi_products",),
    ),
    Stream(
        "smaregi_transactions",
        "smaregi",
        "Smaregi transactions (sales, returns, voids, reversals) with their detail lines.",
        (pos.TRANSACTIONS, pos.TRANSACTION_DETAILS),
        read=lambda r: smaregi_streams.transactions(r.client, r.since, r.until),
        normalize=lambda records: normalize_smaregi_transactions(records).values(),
        cursor=Cursor("upd_date_time", (pos.TRANSACTIONS,), history=True),
        chunk_size=10_000,
    ),
)
