"""Apply ``plan.inventory_plan`` through the ledger, audit what it overwrote, remember what it left.

After each applied write ``core.stock_sync_base.last_synced_secondary`` is the count the secondary now holds
(the set quantity, or observed + delta of a relative add), so the next run can tell a manual edit of the
secondary (audited when overwritten, S1/S2) from a change of the primary (not audited, S3). Pairs observed in
agreement are recorded too: their secondary count is one we accept.

Stock writes left ``pending`` by an earlier run whose key this run did not plan again (the counts moved since)
are resolved by looking, never by a resend: the level / stock history either shows the write (applied) or not
(failed, "superseded": this run's observation already accounts for it).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.planning.inventory import PLAN_TABLE, audit_from_json, observations_sql
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.push import payloads
from smapify_pipeline.push.apply import ChangeStatus, PlannedChange, Writer, apply_change
from smapify_pipeline.push.stock_writers import (
    AT_TARGET,
    ShopifyActivateWriter,
    ShopifyStockSetWriter,
    SmaregiStockAddWriter,
    shopify_available,
)
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.audit import record_audit

STOCK_KINDS = ("stock_set", "stock_activate", "stock_add")
SUPERSEDED = "superseded"


@dataclass
class StockPushReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    audited: int = 0
    leftovers_resolved: int = 0
    errors: list[str] = field(default_factory=list)


def writers(shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[str, Writer]:
    return {
        "stock_set": ShopifyStockSetWriter(shopify),
        "stock_activate": ShopifyActivateWriter(shopify),
        "stock_add": SmaregiStockAddWriter(smaregi),
    }


def push_stock(
    conn: duckdb.DuckDBPyConnection,
    shopify: ShopifyClient,
    smaregi: SmaregiClient,
    primary: str,
    *,
    run_id: str | None = None,
) -> StockPushReport:
    """Apply every planned stock write; one failing write does not stop the others."""
    report = StockPushReport()
    by_kind = writers(shopify, smaregi)
    rows = conn.execute(
        f"SELECT key, kind, target, source, payload, audit, smaregi_product_id, smaregi_store_id, "
        f"shopify_location_id, secondary_count FROM {PLAN_TABLE} ORDER BY key"
    ).fetchall()
    planned_keys = {row[0] for row in rows}
    report.leftovers_resolved = _resolve_leftovers(conn, shopify, smaregi, planned_keys)
    for key, kind, target, source, payload_text, audit_text, product, store, location, secondary in rows:
        payload = json.loads(payload_text)
        change = PlannedChange(key=key, kind=kind, target=target, payload=payload, source=source)
        outcome = apply_change(conn, change, by_kind[kind])
        report.outcomes[str(outcome.status)] += 1
        if outcome.error and not outcome.done:
            report.errors.append(f"{key}: {outcome.error}")
        if outcome.status is not ChangeStatus.APPLIED:
            continue
        audit = audit_from_json(audit_text)
        if audit is not None and outcome.remote_id != AT_TARGET:
            report.audited += record_audit(
                conn,
                kind=audit.kind,
                entity=audit.entity,
                entity_key=audit.entity_key,
                location=f"{target}:{audit.location}" if audit.location else None,
                old_value=audit.old_value,
                new_value=audit.new_value,
                why=audit.why,
                run_id=run_id,
                ledger_key=key,
            )
        left = secondary if source == "stock_seed" else int(payload["quantity"])
        _remember(conn, product, store, location, left)
    _remember_agreement(conn, primary)
    return report


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
    conn: duckdb.DuckDBPyConnection, shopify: ShopifyClient, smaregi: SmaregiClient, planned: set[str]
) -> int:
    resolved = 0
    by_kind = writers(shopify, smaregi)
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
        now = shopify_available(shopify, quantity["inventoryItemId"], quantity["locationId"])
        return AT_TARGET if now == quantity["quantity"] else None
    change = PlannedChange(key="", kind=kind, target="", payload=variables)
    return writer.find(change, variables)
