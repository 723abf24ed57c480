"""Apply ``plan.product_plan`` through the ledger and keep the sync state in step with what was applied.

* An applied update makes the pair's merged fields (``plan.product_base``) its new base; a pair merged without
  any write gets its base (and raw hashes) at once. A conflict carried by an update is audited when it lands.
* An applied create links the new product at once (``core.product_links``) and brings its stock: a
  new Smaregi product gets a relative add of the Shopify count per paired store (no stock row before), a new
  Shopify product was created with its quantities; where the created side is the primary this is the
  first-link seed and is audited (``stock_seed``).
* An applied deletion (or ``ignore``) retires the link (``core.retired_links``): nothing is mirrored for it
  afterwards.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.products.plan import BASE_TABLE
from smapify_pipeline.products.writers import (
    ShopifyArchiveWriter,
    ShopifyCreateWriter,
    ShopifyDeleteWriter,
    ShopifyUpdateWriter,
    SmaregiCreateWriter,
    SmaregiDeleteWriter,
    SmaregiPatchWriter,
    shopify_variants_by_sku,
)
from smapify_pipeline.stock.rules import stock_memo
from smapify_pipeline.stock.writers import SmaregiStockAddWriter, stock_add_payload
from smapify_pipeline.sync.apply import ChangeOutcome, PlannedChange, Writer, apply_change
from smapify_pipeline.sync.plan import PlanRow
from smapify_pipeline.sync.push import PushSlice
from smapify_pipeline.sync.writes import SmaregiStockAdd
from smapify_pipeline.warehouse.audit import AuditKind, record_audit


def product_writers(shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[tuple[str, str], Writer]:
    return {
        ("product_update", "smaregi"): SmaregiPatchWriter(smaregi),
        ("product_update", "shopify"): ShopifyUpdateWriter(shopify),
        ("product_create", "smaregi"): SmaregiCreateWriter(smaregi),
        ("product_create", "shopify"): ShopifyCreateWriter(shopify),
        ("product_hide", "smaregi"): SmaregiPatchWriter(smaregi),
        ("product_delete", "smaregi"): SmaregiDeleteWriter(smaregi),
        ("product_archive", "shopify"): ShopifyArchiveWriter(shopify),
        ("product_delete_product", "shopify"): ShopifyDeleteWriter(shopify),
    }


class ProductPush(PushSlice):
    """The product family's push: links, stock and retirements follow each landed write; bases advance last."""

    def make_writers(self, shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[tuple[str, str], Writer]:
        return product_writers(shopify, smaregi)

    def writer_for(self, row: PlanRow) -> Writer | None:
        if row.kind == "product_unlink":
            return None
        return self.writers[(row.kind, row.target)]

    def landed(self, conn: duckdb.DuckDBPyConnection, row: PlanRow, outcome: ChangeOutcome) -> None:
        kind, target, key, payload = row.kind, row.target, row.key, row.payload
        if kind == "product_unlink":
            self.counts["retired"] += _retire(
                conn, row.smaregi_product_id, row.shopify_variant_id, "deleted; link ended"
            )
        elif kind == "product_update":
            self._audit(conn, row)
        elif kind == "product_create" and target == "smaregi":
            self._audit(conn, row)
            self.counts["linked"] += _link_smaregi_create(
                conn, self.smaregi, self.primary, key, payload, outcome.remote_id, self.run_id
            )
        elif kind == "product_create" and target == "shopify":
            self.counts["linked"] += _link_shopify_create(
                conn, self.shopify, self.primary, key, payload, self.run_id
            )
        else:
            why = f"deleted; {kind} applied on {target}"
            self.counts["retired"] += _retire(conn, row.smaregi_product_id, row.shopify_variant_id, why)

    def _audit(self, conn: duckdb.DuckDBPyConnection, row: PlanRow) -> None:
        """The audit records a landed product write carries: conflicts (numbered) and cut values (keyed)."""
        for number, record in enumerate(row.audit or ()):
            audited = record_audit(
                conn, kind=record["kind"], entity=record["entity"], entity_key=record["entity_key"],
                old_value=record["old_value"], new_value=record["new_value"], why=record["why"],
                location=record.get("location"), run_id=self.run_id,
                ledger_key=record.get("ledger_key") or f"{row.key}#conflict{number}",
            )  # fmt: skip
            if record["kind"] == AuditKind.PRODUCT_CONFLICT:
                self.counts["conflicts_audited"] += audited

    def after(
        self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], outcomes: list[ChangeOutcome]
    ) -> dict[str, Any]:
        applied = {outcome.key for outcome in outcomes if outcome.done}
        _audit_kept_names(conn, applied, self.run_id)
        _advance_bases(conn, applied)
        return {name: self.counts[name] for name in ("linked", "retired", "conflicts_audited")}


def _audit_kept_names(conn: duckdb.DuckDBPyConnection, applied: set[str], run_id: str | None) -> None:
    """The names left on their Smaregi member (carried by the base), audited once each as the base advances."""
    rows = conn.execute(f"SELECT write_keys, audit FROM {BASE_TABLE} WHERE audit IS NOT NULL").fetchall()
    for write_keys, audit in rows:
        if any(key not in applied for key in write_keys or ()):
            continue
        for record in json.loads(audit):
            record_audit(
                conn, kind=record["kind"], entity=record["entity"], entity_key=record["entity_key"],
                old_value=record["old_value"], new_value=record["new_value"], why=record["why"],
                run_id=run_id, ledger_key=record["ledger_key"],
            )  # fmt: skip


def _advance_bases(conn: duckdb.DuckDBPyConnection, applied: set[str]) -> None:
    """Every merged pair whose writes all landed takes its merged fields as the new base."""
    conn.execute("CREATE OR REPLACE TEMP TABLE product_push_applied (key VARCHAR)")
    if applied:
        conn.executemany("INSERT INTO product_push_applied VALUES (?)", [[k] for k in sorted(applied)])
    conn.execute(
        f"""
        INSERT INTO core.product_sync_base
        SELECT b.smaregi_product_id, b.shopify_variant_id, b.fields, b.shopify_hash, b.smaregi_hash, now()
        FROM {BASE_TABLE} AS b
        WHERE NOT EXISTS (
            SELECT 1 FROM unnest(b.write_keys) AS w(key) WHERE w.key NOT IN (SELECT key FROM product_push_applied)
        )
        ON CONFLICT (smaregi_product_id) DO UPDATE SET shopify_variant_id = excluded.shopify_variant_id,
            fields = excluded.fields, shopify_hash = excluded.shopify_hash,
            smaregi_hash = excluded.smaregi_hash, synced_at = excluded.synced_at
        """
    )


def _retire(conn: duckdb.DuckDBPyConnection, product_id: str | None, variant_id: str | None, why: str) -> int:
    if product_id is None or variant_id is None:
        return 0
    code = conn.execute(
        "SELECT product_code FROM core.product_links WHERE smaregi_product_id = ?", [product_id]
    ).fetchall()
    conn.execute(
        "INSERT INTO core.retired_links VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [product_id, variant_id, code[0][0] if code else None, why, datetime.now(UTC)],
    )
    conn.execute("DELETE FROM core.product_links WHERE smaregi_product_id = ?", [product_id])
    conn.execute("DELETE FROM core.product_sync_base WHERE smaregi_product_id = ?", [product_id])
    conn.execute("DELETE FROM core.stock_sync_base WHERE smaregi_product_id = ?", [product_id])
    return 1


def _insert_link(
    conn: duckdb.DuckDBPyConnection,
    product_id: str,
    code: str,
    variant_id: str,
    product: str,
    item: str | None,
) -> int:
    conn.execute(
        "INSERT INTO core.product_links VALUES (?, ?, ?, ?, ?, true, ?) ON CONFLICT DO NOTHING",
        [product_id, code, variant_id, product, item, datetime.now(UTC)],
    )
    return 1


def _link_smaregi_create(
    conn: duckdb.DuckDBPyConnection,
    smaregi: SmaregiClient,
    primary: str,
    key: str,
    payload: dict[str, Any],
    product_id: str | None,
    run_id: str | None,
) -> int:
    """Link the new Smaregi product and give it the Shopify count at each paired store."""
    if product_id is None:
        return 0
    linked = _insert_link(
        conn, product_id, payload["code"], payload["shopify_variant_id"], payload["shopify_product_id"],
        payload["inventory_item_id"],
    )  # fmt: skip
    locations = dict(
        conn.execute("SELECT smaregi_store_id, shopify_location_id FROM core.location_links").fetchall()
    )
    writer = SmaregiStockAddWriter(smaregi)
    for store, count in sorted(payload["stock"].items()):
        if store not in locations:
            continue
        add_key = f"{key}:stock@{store}"
        if count:
            add = SmaregiStockAdd(add_key, product_id, store, int(count), stock_memo(add_key))
            change = PlannedChange(add_key, "stock_add", "smaregi", stock_add_payload(add))
            outcome = apply_change(conn, change, writer)
            if not outcome.done:
                continue
            if primary == "smaregi":
                _audit_seed(conn, product_id, "smaregi", store, int(count), run_id, add_key)
        _remember_stock(conn, product_id, store, locations[store], int(count))
    return linked


def _link_shopify_create(
    conn: duckdb.DuckDBPyConnection,
    shopify: ShopifyClient,
    primary: str,
    key: str,
    payload: dict[str, Any],
    run_id: str | None,
) -> int:
    """Link each Smaregi member to the created variant with its code; its stock came with the create."""
    stores = dict(
        conn.execute("SELECT shopify_location_id, smaregi_store_id FROM core.location_links").fetchall()
    )
    linked = 0
    for member in payload["members"]:
        found = shopify_variants_by_sku(shopify, member["code"].strip())
        if not found:
            continue
        variant = found[0]
        product_id = member["smaregi_product_id"]
        linked += _insert_link(
            conn, product_id, member["code"], variant["id"], variant["product"]["id"],
            (variant.get("inventoryItem") or {}).get("id"),
        )  # fmt: skip
        for location, count in sorted((payload["stock"].get(product_id) or {}).items()):
            if location not in stores:
                continue
            if primary == "shopify":
                _audit_seed(
                    conn, product_id, "shopify", location, int(count), run_id, f"{key}:stock@{location}"
                )
            _remember_stock(conn, product_id, stores[location], location, int(count))
    return linked


def _audit_seed(
    conn: duckdb.DuckDBPyConnection,
    product_id: str,
    primary: str,
    place: str,
    count: int,
    run_id: str | None,
    ledger_key: str,
) -> None:
    """The first-link seed of the primary's count at ``place`` from the product created on the other side."""
    source, created_on = ("shopify", "Shopify") if primary == "smaregi" else ("smaregi", "Smaregi")
    record_audit(
        conn, kind=AuditKind.STOCK_SEED, entity="stock", entity_key=product_id, location=f"{primary}:{place}",
        old_value=None, new_value=count, run_id=run_id, ledger_key=ledger_key,
        why=f"first link of a product created from {created_on}: {primary} (primary) seeded from {source}",
    )  # fmt: skip


def _remember_stock(
    conn: duckdb.DuckDBPyConnection, product: str, store: str, location: str, count: int
) -> None:
    conn.execute(
        "INSERT INTO core.stock_sync_base VALUES (?, ?, ?, ?, ?) ON CONFLICT (smaregi_product_id, "
        "smaregi_store_id) DO UPDATE SET last_synced_secondary = excluded.last_synced_secondary, "
        "synced_at = excluded.synced_at",
        [product, store, location, count, datetime.now(UTC)],
    )
