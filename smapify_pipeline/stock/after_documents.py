"""Stock read again after the document pushes (docs/architecture.md, "Stock principle": documents first, in
the same run).

The stock extract ran before any document of this run was mirrored, so its counts of the products those
documents touch are stale. Once the document pushes are done, the products whose document rows were all
applied are read again on both platforms and loaded into the raw stock tables, so the stock plan of the same
run sees both sides after the mirrors.

A re-read count is trusted only if it moved exactly as this run's applied documents move it (their stock
effects are known from the plan rows). Anything else moved it too — a sale or an order not extracted yet,
whose mirror is still to come — and correcting that product now could write a count that ignores it or counts
it twice: such a product is left out of this run's stock push, like a product whose documents failed or still
wait, and the next run settles it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from smapify_pipeline.documents.plan import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    SHOPIFY_STOCK_ADJUST,
    SMAREGI_STOCK_ADD,
    SMAREGI_TRANSACTION,
)
from smapify_pipeline.extract.load import load_table
from smapify_pipeline.extract.shopify_queries import INVENTORY_LEVEL_FIELDS
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.schemas import smaregi as pos
from smapify_pipeline.schemas.normalize_shopify import normalize_shopify_inventory
from smapify_pipeline.schemas.normalize_smaregi import normalize_smaregi
from smapify_pipeline.stock.touched import DOCUMENT_PLAN_TABLES, touched_products
from smapify_pipeline.sync import choices
from smapify_pipeline.sync.plan import read_plan

TABLE = "core.stock_after_documents"
LEVELS_PER_READ = 50
"""Inventory levels read per Shopify request (aliased ``inventoryItem { inventoryLevel }`` fields), well under
the single-query cost limit."""

Effects = dict[tuple[str, str, str], int]
"""(platform, Smaregi product or Shopify inventory item, store or location) → units moved."""


@dataclass(frozen=True)
class Pair:
    """A linked, stock-managed product at one location pair."""

    product_id: str
    item_id: str
    store_id: str
    location_id: str


def _pairs(conn: duckdb.DuckDBPyConnection, products: Iterable[str]) -> list[Pair]:
    wanted = sorted(set(products))
    if not wanted:
        return []
    rows = conn.execute(
        "SELECT l.smaregi_product_id, l.inventory_item_id, ll.smaregi_store_id, ll.shopify_location_id "
        "FROM core.product_links AS l CROSS JOIN core.location_links AS ll "
        "WHERE coalesce(l.stock_managed, true) AND l.inventory_item_id IS NOT NULL "
        "AND list_contains(?, l.smaregi_product_id) ORDER BY 1, 3",
        [wanted],
    ).fetchall()
    return [Pair(*map(str, row)) for row in rows]


def products_to_read(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Linked products named by this run's document plans whose every row is applied now."""
    planned = " UNION ALL ".join(
        f"SELECT smaregi_product_ids, shopify_variant_ids FROM {table}" for table in DOCUMENT_PLAN_TABLES
    )
    named = {
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT l.smaregi_product_id FROM ({planned}) AS p JOIN core.product_links AS l "
            "ON list_contains(p.smaregi_product_ids, l.smaregi_product_id) "
            "OR list_contains(p.shopify_variant_ids, l.shopify_variant_id)"
        ).fetchall()
    }
    return named - touched_products(conn)


def applied_effects(conn: duckdb.DuckDBPyConnection) -> tuple[Effects, set[str]]:
    """What this run's applied document rows moved on each platform, and the products moved by a row whose
    stock effect is not known here (never settled)."""
    planned = " UNION ALL ".join(f"SELECT key FROM {table}" for table in DOCUMENT_PLAN_TABLES)
    applied = {
        key
        for (key,) in conn.execute(
            f"SELECT key FROM sync.ledger WHERE status = 'applied' AND key IN ({planned})"
        ).fetchall()
    }
    managed = {
        str(product): bool(flag) and item is not None
        for product, item, flag in conn.execute(
            "SELECT smaregi_product_id, inventory_item_id, coalesce(stock_managed, true) FROM core.product_links"
        ).fetchall()
    }
    effects: Effects = defaultdict(int)
    unknown: set[str] = set()
    for table in DOCUMENT_PLAN_TABLES:
        for row in read_plan(conn, table):
            if row.key not in applied:
                continue
            moved = _row_effects(row.kind, row.payload, managed)
            if moved is None:
                unknown.update(row.smaregi_product_ids)
                continue
            for key, delta in moved:
                effects[key] += delta
    return effects, unknown


def _row_effects(
    kind: str, payload: Mapping[str, Any], managed: Mapping[str, bool]
) -> list[tuple[tuple[str, str, str], int]] | None:
    """The stock one applied row moved, per (platform, subject, place); ``None`` for a kind not known here."""
    if kind == SHOPIFY_ORDER:
        return []  # created with inventory BYPASS; its adjustment is a row of its own
    if kind == SHOPIFY_STOCK_ADJUST:
        changes = payload["changes"]
    elif kind == SHOPIFY_REFUND:
        if "restock" not in payload:
            return None
        changes = payload["restock"]
    elif kind == SMAREGI_STOCK_ADD:
        product = str(payload["path"]).split("/")[2]
        body = payload["body"]
        return [(("smaregi", product, str(body["storeId"])), int(body["stockAmount"]))]
    elif kind == SMAREGI_TRANSACTION:
        body = payload["body"]
        moved = []
        for detail in body.get("details") or []:
            product = detail.get("productId")
            if product is None or not managed.get(str(product), False):
                continue
            if detail.get("transactionDetailDivision") == "2" and not choices.RETURNS_RESTOCK_ON_SMAREGI:
                continue
            moved.append((("smaregi", str(product), str(body["storeId"])), -int(detail["quantity"])))
        return moved
    else:
        return None
    return [(("shopify", str(c["inventoryItemId"]), str(c["locationId"])), int(c["delta"])) for c in changes]


# --- reads ------------------------------------------------------------------------------------------------------


def _shopify_query(count: int) -> str:
    arguments = ", ".join(f"$i{n}: ID!, $l{n}: ID!" for n in range(count))
    fields = " ".join(
        f"p{n}: inventoryItem(id: $i{n}) {{ inventoryLevel(locationId: $l{n}) {{ {INVENTORY_LEVEL_FIELDS} }} }}"
        for n in range(count)
    )
    return f"query StockAfterDocuments({arguments}) {{ {fields} }}"


def read_shopify_levels(client: ShopifyClient, places: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The inventory levels of (inventory item, location) ``places`` now, as InventoryLevel nodes (none where
    the item is not stocked)."""
    wanted = sorted(set(places))
    levels: list[dict[str, Any]] = []
    for start in range(0, len(wanted), LEVELS_PER_READ):
        batch = wanted[start : start + LEVELS_PER_READ]
        variables = {}
        for n, (item, location) in enumerate(batch):
            variables.update({f"i{n}": item, f"l{n}": location})
        data = client.execute(_shopify_query(len(batch)), variables)
        for n in range(len(batch)):
            level = (data.get(f"p{n}") or {}).get("inventoryLevel")
            if level:
                levels.append(level)
    return levels


def read_smaregi_stock(client: SmaregiClient, products: Iterable[str]) -> list[dict[str, Any]]:
    """The stock rows of ``products`` now, every store."""
    rows: list[dict[str, Any]] = []
    for product in sorted(set(products)):
        rows.extend(client.get_list("/stock", {"product_id": product}, typed=False))
    return rows


# --- the step ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AfterDocumentsReport:
    products: int
    settled: int
    unsettled: int


def _counts(conn: duckdb.DuckDBPyConnection, pairs: list[Pair]) -> dict[Pair, tuple[int | None, int | None]]:
    smaregi = {
        (str(p), str(s)): None if n is None else int(n)
        for p, s, n in conn.execute(
            f"SELECT product_id, store_id, stock_amount FROM {pos.STOCK.name} WHERE list_contains(?, product_id)",
            [sorted({pair.product_id for pair in pairs})],
        ).fetchall()
    }
    shopify = {
        (str(i), str(loc)): None if n is None else int(n)
        for i, loc, n in conn.execute(
            "SELECT inventory_item_id, location_id, available FROM raw.shopify_inventory "
            "WHERE list_contains(?, inventory_item_id)",
            [sorted({pair.item_id for pair in pairs})],
        ).fetchall()
    }
    return {
        pair: (smaregi.get((pair.product_id, pair.store_id)), shopify.get((pair.item_id, pair.location_id)))
        for pair in pairs
    }


def read_after_documents(
    conn: duckdb.DuckDBPyConnection, shopify: ShopifyClient, smaregi: SmaregiClient, run_id: str | None
) -> AfterDocumentsReport:
    """Read the stock of the products whose documents this run applied, load it, and record per product and
    location pair whether it moved exactly as those documents move it (``core.stock_after_documents``)."""
    pairs = _pairs(conn, products_to_read(conn))
    before = _counts(conn, pairs)
    if pairs:
        levels = read_shopify_levels(shopify, {(pair.item_id, pair.location_id) for pair in pairs})
        load_table(conn, normalize_shopify_inventory(levels), run_id)
        stock = read_smaregi_stock(smaregi, {pair.product_id for pair in pairs})
        load_table(conn, normalize_smaregi(pos.STOCK, stock), run_id)
    after = _counts(conn, pairs)
    effects, unknown = applied_effects(conn)
    rows = []
    now = datetime.now(UTC)
    unsettled: set[str] = set()
    for pair in pairs:
        (sm_before, sh_before), (sm_after, sh_after) = before[pair], after[pair]
        sm_expected = (sm_before or 0) + effects.get(("smaregi", pair.product_id, pair.store_id), 0)
        sh_expected = (sh_before or 0) + effects.get(("shopify", pair.item_id, pair.location_id), 0)
        if pair.product_id in unknown:
            reason = "moved by a document whose stock effect is not known here"
        elif (sm_after or 0) != sm_expected or (sh_after or 0) != sh_expected:
            reason = (
                f"moved by something not mirrored yet: Smaregi {sm_before}→{sm_after} (documents: {sm_expected}), "
                f"Shopify {sh_before}→{sh_after} (documents: {sh_expected})"
            )
        else:
            reason = "moved exactly as this run's documents"
        settled = reason.startswith("moved exactly")
        if not settled:
            unsettled.add(pair.product_id)
        rows.append(
            (
                pair.product_id,
                pair.store_id,
                pair.location_id,
                sm_before,
                sm_after,
                sh_before,
                sh_after,
                settled,
                reason,
                now,
            )  # fmt: skip
        )
    frame = pd.DataFrame(
        rows,
        columns=[
            "smaregi_product_id", "smaregi_store_id", "shopify_location_id", "smaregi_before", "smaregi_after",
            "shopify_before", "shopify_after", "settled", "reason", "read_at",
        ],
    )  # fmt: skip
    _replace(conn, frame)
    products = {pair.product_id for pair in pairs}
    return AfterDocumentsReport(len(products), len(products - unsettled), len(unsettled))


def _replace(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {TABLE}")
        if len(frame):
            conn.register("after_documents", frame)
            try:
                conn.execute(f"INSERT INTO {TABLE} SELECT * FROM after_documents")
            finally:
                conn.unregister("after_documents")
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def clear(conn: duckdb.DuckDBPyConnection) -> None:
    """Nothing was read after documents in this run (dry run)."""
    conn.execute(f"DELETE FROM {TABLE}")


def unsettled_products(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Products the last re-read found moved by something not mirrored yet (left out of the stock push)."""
    return {
        row[0] for row in conn.execute(f"SELECT smaregi_product_id FROM {TABLE} WHERE NOT settled").fetchall()
    }
