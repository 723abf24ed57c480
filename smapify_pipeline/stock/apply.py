"""Apply ``plan.inventory_plan`` through the ledger, audit what it overwrote, remember what it left.

After each applied write ``core.stock_sync_base.last_synced_secondary`` is the count the secondary now holds
(the set quantity, or observed + delta of a relative add), so the next run can tell a manual edit of the
secondary (audited when overwritten) from a change of the primary (not audited). Pairs observed in
agreement are recorded too: their secondary count is one we accept.

Stock writes left ``pending`` by an earlier run whose key this run did not plan again (the counts moved since)
are resolved by looking, never by a resend: the level / stock history either shows the write (applied) or not
(failed, "superseded": this run's observation already accounts for it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.stock.plan import audit_record, observations_sql
from smapify_pipeline.stock.writers import (
    AT_TARGET,
    ShopifyActivateWriter,
    ShopifyStockSetWriter,
    SmaregiStockAddWriter,
    available_at,
)
from smapify_pipeline.sync import payloads
from smapify_pipeline.sync.apply import ChangeOutcome, ChangeStatus, PlannedChange, Writer
from smapify_pipeline.sync.plan import PlanRow
from smapify_pipeline.sync.push import PushSlice
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.audit import record_audit

STOCK_KINDS = ("stock_set", "stock_activate", "stock_add")
SUPERSEDED = "superseded"


def writers(shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[str, Writer]:
    return {
        "stock_set": ShopifyStockSetWriter(shopify),
        "stock_activate": ShopifyActivateWriter(shopify),
        "stock_add": SmaregiStockAddWriter(smaregi),
    }


class StockPush(PushSlice):
    """The stock family's push: earlier leftovers resolved first, audits and the synced base after each write."""

    def make_writers(self, shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[str, Writer]:
        return writers(shopify, smaregi)

    def before(self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow]) -> dict[str, Any]:
        resolved = _resolve_leftovers(conn, self.shopify, self.writers, {row.key for row in rows})
        return {"earlier_pending_resolved": resolved}

    def landed(self, conn: duckdb.DuckDBPyConnection, row: PlanRow, outcome: ChangeOutcome) -> None:
        if outcome.status is not ChangeStatus.APPLIED:
            return
        audit = audit_record(row.audit)
        if audit is not None and outcome.remote_id != AT_TARGET:
            self.counts["audited"] += record_audit(
                conn,
                kind=audit.kind,
                entity=audit.entity,
                entity_key=audit.entity_key,
                location=f"{row.target}:{audit.location}" if audit.location else None,
                old_value=audit.old_value,
                new_value=audit.new_value,
                why=audit.why,
                run_id=self.run_id,
                ledger_key=row.key,
            )
        left = row.extra["secondary_count"] if row.source == "stock_seed" else int(row.payload["quantity"])
        _remember(conn, row.smaregi_product_id, row.smaregi_store_id, row.shopify_location_id, left)

    def after(
        self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], outcomes: list[ChangeOutcome]
    ) -> dict[str, Any]:
        _remember_agreement(conn, self.primary)
        return {"audited": self.counts["audited"]}


def _remember(
    conn: duckdb.DuckDBPyConnection, product: str, store: str, location: str, secondary: int | None
) -> None:
    conn.execute(
        "INSERT INTO core.stock_sync_base VALUES (?, ?, ?, ?, ?) ON CONFLICT (smaregi_product_id, "
        "smaregi_store_id) DO UPDATE SET shopify_location_id = excluded.shopify_location_id, "
        "last_synced_secondary = excluded.last_synced_secondary, synced_at = excluded.synced_at",
        [product, store, location, secondary, datetime.now(UTC)],
    )


def _remember_agreement(conn: duckdb.DuckDBPyConnection, primary: str) -> None:
    """Pairs whose two counts agreed at extract time: that secondary count is now the accepted one."""
    conn.execute(
        f"""
        INSERT INTO core.stock_sync_base
        SELECT smaregi_product_id, smaregi_store_id, shopify_location_id, secondary_count, now()
        FROM ({observations_sql(primary)})
        WHERE primary_count IS NOT DISTINCT FROM secondary_count
           OR (primary_count = 0 AND secondary_count IS NULL)
           OR (primary_count IS NULL AND secondary_count = 0)
        ON CONFLICT (smaregi_product_id, smaregi_store_id) DO UPDATE SET
            shopify_location_id = excluded.shopify_location_id,
            last_synced_secondary = excluded.last_synced_secondary, synced_at = excluded.synced_at
        WHERE core.stock_sync_base.last_synced_secondary IS DISTINCT FROM excluded.last_synced_secondary
        """
    )


def _resolve_leftovers(
    conn: duckdb.DuckDBPyConnection, shopify: ShopifyClient, by_kind: dict[str, Writer], planned: set[str]
) -> int:
    resolved = 0
    for kind in STOCK_KINDS:
        for entry in ledger.pending_rows(conn, kind=kind):
            if entry.key in planned:
                continue
            variables = payloads.load(conn, entry.key) or {}
            try:
                found = _look(kind, variables, by_kind[kind], shopify)
            except Exception:  # the lookup failed: still unknown, try again next run
                continue
            if found is not None:
                ledger.mark_applied(conn, entry.key, found)
            else:
                ledger.mark_failed(
                    conn,
                    entry.key,
                    f"{SUPERSEDED}: not found on the remote side; a later observation replans",
                )
            resolved += 1
    return resolved


def _look(kind: str, variables: dict[str, Any], writer: Writer, shopify: ShopifyClient) -> str | None:
    if kind == "stock_set":
        quantity = variables["input"]["quantities"][0]
        now = available_at(shopify, quantity["inventoryItemId"], quantity["locationId"])
        return AT_TARGET if now == quantity["quantity"] else None
    change = PlannedChange(key="", kind=kind, target="", payload=variables)
    return writer.find(change, variables)
