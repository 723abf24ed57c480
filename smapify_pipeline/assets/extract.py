"""Extract group: both platforms into ``raw.*``, validated, incrementally.

Each asset reads what changed since its stream's cursor minus a look-back overlap (rows read twice are
de-duplicated by key in the upsert), validates with pandera (bad rows to ``quarantine.records`` with the
reason, good rows go on) and detects deletions. ``full_refresh`` reads everything again.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline import warehouse
from smapify_pipeline.extract import shopify_streams, smaregi_streams
from smapify_pipeline.extract.load import (
    LoadReport,
    load_in_chunks,
    load_table,
    mark_deleted,
    mark_missing_deleted,
)
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.schemas import normalize_shopify as ns
from smapify_pipeline.schemas import normalize_smaregi as nm
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.warehouse.queries import first_row

GROUP = "extract"
POOL = "duckdb"


class ExtractConfig(dg.Config):
    full_refresh: bool = False
    """Read everything again instead of what changed since the cursor."""
    overlap_minutes: int = 10
    """Look-back overlap of incremental reads, against clock skew and late commits."""
    history_days: int = 90
    """How far back the first transaction read goes."""


def _since(conn: duckdb.DuckDBPyConnection, stream: str, config: ExtractConfig) -> datetime | None:
    if config.full_refresh:
        return None
    cursor = warehouse.get_cursor(conn, stream)
    if cursor is None:
        return None
    return datetime.fromisoformat(cursor) - timedelta(minutes=config.overlap_minutes)


def _advance_cursor(
    conn: duckdb.DuckDBPyConnection, stream: str, table: str, column: str = "updated_at"
) -> None:
    """The cursor is the newest change time loaded, never moved backwards."""
    row = first_row(conn, f"SELECT max({column}) FROM {table}")
    newest = row[0] if row else None
    if newest is None:
        return
    value = pd.Timestamp(newest).tz_convert(UTC).isoformat()
    previous = warehouse.get_cursor(conn, stream)
    if previous is None or datetime.fromisoformat(previous) < datetime.fromisoformat(value):
        warehouse.set_cursor(conn, stream, value)


class ApiUsage:
    """The API calls one asset made and the seconds it spent reading, for its materialization metadata."""

    def __init__(self, client: ShopifyClient | SmaregiClient) -> None:
        self._client = client
        self._calls_before = sum(client.calls.values())
        self.read_seconds = 0.0

    @contextmanager
    def reading(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.read_seconds += time.perf_counter() - started

    def timed(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """``records`` as they come, the time spent waiting for each counted as reading."""
        iterator = iter(records)
        while True:
            with self.reading():
                record = next(iterator, None)
            if record is None:
                return
            yield record

    @property
    def calls(self) -> int:
        return sum(self._client.calls.values()) - self._calls_before

    def metadata(self) -> dict[str, object]:
        return {"api_calls": self.calls, "api_read_seconds": round(self.read_seconds, 3)}


def _live_rows(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    deletable = first_row(
        conn,
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = 'deleted_at'",
        table.split("."),
    )
    where = " WHERE deleted_at IS NULL" if deletable and deletable[0] else ""
    row = first_row(conn, f"SELECT count(*) FROM {table}{where}")
    return int(row[0]) if row else 0


def _preview(conn: duckdb.DuckDBPyConnection, table: str, limit: int = 5) -> dg.MetadataValue:
    frame = conn.execute(f"SELECT * EXCLUDE (extracted_at) FROM {table} LIMIT {limit}").fetchdf()
    return dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "_(empty)_")


def _result(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    reports: Iterable[LoadReport],
    usage: ApiUsage | None,
    asset_key: str | None = None,
) -> dg.MaterializeResult:
    metadata: dict[str, object] = {
        "dagster/row_count": _live_rows(conn, table),
        "dagster/table_name": table,
        **(usage.metadata() if usage else {}),
        "preview": _preview(conn, table),
    }
    for report in reports:
        metadata[report.table] = dg.MetadataValue.json(report.as_metadata())
    return dg.MaterializeResult(asset_key=asset_key, metadata=metadata)


def _load_all(
    conn: duckdb.DuckDBPyConnection, tables: dict[str, NormalizedTable], run_id: str
) -> list[LoadReport]:
    return [load_table(conn, normalized, run_id) for normalized in tables.values()]


def _spec(name: str, platform: str, description: str, deps: Iterable[str] = ()) -> dg.AssetSpec:
    return dg.AssetSpec(
        name, group_name=GROUP, kinds={platform, "duckdb"}, description=description, deps=list(deps)
    )


# -- Shopify -----------------------------------------------------------------------------------------------


@dg.asset(group_name=GROUP, kinds={"shopify", "duckdb"}, pool=POOL)
def shopify_locations(
    context: dg.AssetExecutionContext, shopify: ShopifyResource, warehouse_db: WarehouseResource
) -> dg.MaterializeResult:
    """Shopify locations (all of them, active or not)."""
    client = shopify.get_client()
    usage = ApiUsage(client)
    with usage.reading():
        records = shopify_streams.locations(client)
    with warehouse_db.connect() as conn:
        report = load_table(conn, ns.normalize_shopify_locations(records), context.run.run_id)
        return _result(conn, "raw.shopify_locations", [report], usage)


@dg.asset(group_name=GROUP, kinds={"shopify", "duckdb"}, pool=POOL)
def shopify_products(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    shopify: ShopifyResource,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Shopify products with their variants and inventory items; deleted products marked ``deleted_at``."""
    client = shopify.get_client()
    usage = ApiUsage(client)
    started = datetime.now(UTC)
    with warehouse_db.connect() as conn:
        since = _since(conn, "shopify_products", config)
        context.log.info(
            "reading Shopify products %s", "in full" if since is None else f"changed since {since}"
        )
        with usage.reading():
            records = list(shopify_streams.products(client, since, shopify.bulk_poll_seconds))
        tables = ns.normalize_shopify(records, (ns.PRODUCTS, ns.VARIANTS))
        reports = _load_all(conn, tables, context.run.run_id)
        deleted = 0
        if since is None:
            present = {r["id"] for r in records if str(r.get("id", "")).startswith("gid://shopify/Product/")}
            deleted = mark_missing_deleted(conn, ns.PRODUCTS, "product_id", present, started)
        else:
            gone = [gid for gid, _ in shopify_streams.deleted_product_ids(client, since)]
            deleted = mark_deleted(conn, ns.PRODUCTS, "product_id", gone, started)
        conn.execute(
            f"UPDATE {ns.VARIANTS} SET deleted_at = p.deleted_at FROM {ns.PRODUCTS} p "
            f"WHERE {ns.VARIANTS}.product_id = p.product_id AND p.deleted_at IS NOT NULL "
            f"AND {ns.VARIANTS}.deleted_at IS NULL"
        )
        context.log.info("%d products marked deleted", deleted)
        reports = [replace(r, deleted=deleted) if r.table == ns.PRODUCTS else r for r in reports]
        _advance_cursor(conn, "shopify_products", ns.VARIANTS)
        _advance_cursor(conn, "shopify_products", ns.PRODUCTS)
        return _result(conn, ns.VARIANTS, reports, usage)


@dg.asset(
    group_name=GROUP, kinds={"shopify", "duckdb"}, pool=POOL, deps=[shopify_locations, shopify_products]
)
def shopify_inventory(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    shopify: ShopifyResource,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Available and on-hand quantities per inventory item and location (none for deleted variants)."""
    client = shopify.get_client()
    usage = ApiUsage(client)
    with warehouse_db.connect() as conn:
        since = _since(conn, "shopify_inventory", config)
        with usage.reading():
            records = list(shopify_streams.inventory_levels(client, since, shopify.bulk_poll_seconds))
        report = load_table(conn, ns.normalize_shopify_inventory(records), context.run.run_id)
        conn.execute(
            f"DELETE FROM {ns.INVENTORY} WHERE inventory_item_id IN "
            f"(SELECT inventory_item_id FROM {ns.VARIANTS} WHERE deleted_at IS NOT NULL)"
        )
        _advance_cursor(conn, "shopify_inventory", ns.INVENTORY)
        return _result(conn, ns.INVENTORY, [report], usage)


@dg.multi_asset(
    specs=[
        _spec("shopify_orders", "shopify", "Shopify orders with their line items and tax lines."),
        _spec("shopify_refunds", "shopify", "Shopify refunds with their lines (restock type and location)."),
    ],
    pool=POOL,
)
def shopify_orders_and_refunds(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    shopify: ShopifyResource,
    warehouse_db: WarehouseResource,
) -> Iterator[dg.MaterializeResult]:
    client = shopify.get_client()
    usage = ApiUsage(client)
    with warehouse_db.connect() as conn:
        since = _since(conn, "shopify_orders", config)
        with usage.reading():
            records, refund_refs = shopify_streams.orders(client, since, shopify.bulk_poll_seconds)
            records += shopify_streams.refunds(client, _changed_refunds(conn, refund_refs))
        tables = ns.normalize_shopify_orders(records)
        reports = _load_all(conn, tables, context.run.run_id)
        _advance_cursor(conn, "shopify_orders", ns.ORDERS)
        yield _result(conn, ns.ORDERS, reports[:2], usage, asset_key="shopify_orders")
        yield _result(conn, ns.REFUNDS, reports[2:], None, asset_key="shopify_refunds")


def _changed_refunds(conn: duckdb.DuckDBPyConnection, refund_refs: list[dict[str, str]]) -> list[str]:
    """Ids of the refunds that are new or changed since they were loaded."""
    known = dict(conn.execute("SELECT refund_id, updated_at FROM raw.shopify_refunds").fetchall())
    return [
        ref["id"]
        for ref in refund_refs
        if known.get(ref["id"]) is None or pd.Timestamp(ref["updatedAt"]) > pd.Timestamp(known[ref["id"]])
    ]


# -- Smaregi -----------------------------------------------------------------------------------------------


def _smaregi_until() -> datetime:
    """Upper bound of incremental windows: now, plus an hour against clock skew with Smaregi's servers."""
    return datetime.now(UTC) + timedelta(hours=1)


def _smaregi_master(
    name: str,
    table: str,
    read: Callable[[SmaregiClient], list[dict[str, Any]]],
    normalize: Callable[[list[dict[str, Any]]], NormalizedTable],
    description: str,
) -> dg.AssetsDefinition:
    """A small Smaregi master list read whole on every run (a handful of rows: no cursor needed)."""

    @dg.asset(name=name, group_name=GROUP, kinds={"smaregi", "duckdb"}, pool=POOL, description=description)
    def master(
        context: dg.AssetExecutionContext, smaregi: SmaregiResource, warehouse_db: WarehouseResource
    ) -> dg.MaterializeResult:
        client = smaregi.get_client()
        usage = ApiUsage(client)
        with usage.reading():
            records = read(client)
        with warehouse_db.connect() as conn:
            report = load_table(conn, normalize(records), context.run.run_id)
            return _result(conn, table, [report], usage)

    return master


smaregi_stores = _smaregi_master(
    "smaregi_stores", nm.STORES, smaregi_streams.stores, nm.normalize_smaregi_stores, "Smaregi stores."
)
smaregi_categories = _smaregi_master(
    "smaregi_categories",
    nm.CATEGORIES,
    smaregi_streams.categories,
    nm.normalize_smaregi_categories,
    "Smaregi categories (部門), the counterpart of Shopify's product type.",
)


@dg.asset(group_name=GROUP, kinds={"smaregi", "duckdb"}, pool=POOL)
def smaregi_products(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Smaregi products; a product gone from the full id listing is marked ``deleted_at``."""
    client = smaregi.get_client()
    usage = ApiUsage(client)
    started = datetime.now(UTC)
    with warehouse_db.connect() as conn:
        since = _since(conn, "smaregi_products", config)
        with usage.reading():
            records = list(smaregi_streams.products(client, since, _smaregi_until()))
        report = load_table(conn, nm.normalize_smaregi_products(records), context.run.run_id)
        present = (
            {str(r.get("productId")) for r in records}
            if since is None
            else smaregi_streams.product_ids(client)
        )
        deleted = mark_missing_deleted(conn, nm.PRODUCTS, "product_id", present, started)
        context.log.info("%d Smaregi products marked deleted", deleted)
        report = replace(report, deleted=deleted)
        _advance_cursor(conn, "smaregi_products", nm.PRODUCTS, "upd_date_time")
        return _result(conn, nm.PRODUCTS, [report], usage)


@dg.asset(group_name=GROUP, kinds={"smaregi", "duckdb"}, pool=POOL, deps=[smaregi_products])
def smaregi_stock(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Smaregi stock per product and store (a row exists only once the product's stock has moved; none for
    deleted products)."""
    client = smaregi.get_client()
    usage = ApiUsage(client)
    with warehouse_db.connect() as conn:
        since = _since(conn, "smaregi_stock", config)
        reports = load_in_chunks(
            conn,
            usage.timed(smaregi_streams.stock(client, since, _smaregi_until())),
            lambda chunk: [nm.normalize_smaregi_stock(chunk)],
            context.run.run_id,
        ) or [load_table(conn, nm.normalize_smaregi_stock([]), context.run.run_id)]
        conn.execute(
            f"DELETE FROM {nm.STOCK} WHERE product_id IN "
            f"(SELECT product_id FROM {nm.PRODUCTS} WHERE deleted_at IS NOT NULL)"
        )
        _advance_cursor(conn, "smaregi_stock", nm.STOCK, "upd_date_time")
        return _result(conn, nm.STOCK, reports, usage)


@dg.asset(group_name=GROUP, kinds={"smaregi", "duckdb"}, pool=POOL)
def smaregi_transactions(
    context: dg.AssetExecutionContext,
    config: ExtractConfig,
    smaregi: SmaregiResource,
    warehouse_db: WarehouseResource,
) -> dg.MaterializeResult:
    """Smaregi transactions (sales, returns, voids, reversals) with their detail lines."""
    client = smaregi.get_client()
    usage = ApiUsage(client)
    with warehouse_db.connect() as conn:
        since = _since(conn, "smaregi_transactions", config) or datetime.now(UTC) - timedelta(
            days=config.history_days
        )
        reports = load_in_chunks(
            conn,
            usage.timed(smaregi_streams.transactions(client, since, _smaregi_until())),
            lambda chunk: list(nm.normalize_smaregi_transactions(chunk).values()),
            context.run.run_id,
        )
        if not reports:
            reports = _load_all(conn, nm.normalize_smaregi_transactions([]), context.run.run_id)
        _advance_cursor(conn, "smaregi_transactions", nm.TRANSACTIONS, "upd_date_time")
        return _result(conn, nm.TRANSACTIONS, reports, usage)


EXTRACT_ASSETS = [
    shopify_locations,
    shopify_products,
    shopify_inventory,
    shopify_orders_and_refunds,
    smaregi_stores,
    smaregi_categories,
    smaregi_products,
    smaregi_stock,
    smaregi_transactions,
]
