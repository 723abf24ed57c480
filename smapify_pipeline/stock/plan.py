"""``plan.inventory_plan``: the stock push from primary to secondary (docs/architecture.md, "Stock principle").

SQL joins every stock-managed link with every location link and both sides' extracted counts, and keeps the
pairs whose counts differ; :func:`smapify_pipeline.stock.rules.plan_stock_correction` decides each of those.

Counts as read: a Smaregi product without a stock row at a store has never moved there; a Shopify item with
no inventory level at a location is not stocked there. A primary without a row counts as "no row" (the first
link seeds it from the secondary, audited) only until the pair has been synced once
(``core.stock_sync_base``); after that it counts as 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

from smapify_pipeline.stock.after_documents import unsettled_products
from smapify_pipeline.stock.rules import (
    StockCorrection,
    StockObservation,
    plan_stock_correction,
    withheld_reason,
)
from smapify_pipeline.stock.touched import touched_products
from smapify_pipeline.stock.writers import stock_add_payload
from smapify_pipeline.sync.audit import AuditRecord
from smapify_pipeline.sync.plan import PlanRow, replace_plan
from smapify_pipeline.warehouse.quarantine import quarantine_rows

PLAN_TABLE = "plan.inventory_plan"

_OBSERVATIONS = """
SELECT l.smaregi_product_id, l.inventory_item_id, ll.smaregi_store_id, ll.shopify_location_id,
       sm.stock_amount AS smaregi_count, sh.available AS shopify_count,
       b.last_synced_secondary, b.smaregi_product_id IS NOT NULL AS synced_before
FROM core.product_links AS l
CROSS JOIN core.location_links AS ll
JOIN raw.smaregi_products AS p ON p.product_id = l.smaregi_product_id AND p.deleted_at IS NULL
JOIN raw.shopify_variants AS v ON v.variant_id = l.shopify_variant_id AND v.deleted_at IS NULL
LEFT JOIN raw.smaregi_stock AS sm ON sm.product_id = l.smaregi_product_id AND sm.store_id = ll.smaregi_store_id
LEFT JOIN raw.shopify_inventory AS sh
       ON sh.inventory_item_id = l.inventory_item_id AND sh.location_id = ll.shopify_location_id
LEFT JOIN core.stock_sync_base AS b
       ON b.smaregi_product_id = l.smaregi_product_id AND b.smaregi_store_id = ll.smaregi_store_id
WHERE coalesce(l.stock_managed, true) AND l.inventory_item_id IS NOT NULL
"""


def observations_sql(primary: str) -> str:
    """One row per linked, stock-managed product × location pair with ``primary_count``/``secondary_count``."""
    if primary not in ("smaregi", "shopify"):
        raise ValueError(f"unknown primary {primary!r}")
    primary_col, secondary_col = (
        ("smaregi_count", "shopify_count") if primary == "smaregi" else ("shopify_count", "smaregi_count")
    )
    return f"""
    SELECT smaregi_product_id, inventory_item_id, smaregi_store_id, shopify_location_id,
           CASE WHEN {primary_col} IS NULL AND synced_before THEN 0 ELSE {primary_col} END AS primary_count,
           {secondary_col} AS secondary_count, last_synced_secondary
    FROM ({_OBSERVATIONS})
    """


def differing_sql(primary: str) -> str:
    """The observations that may need a write (cheap SQL filter before the per-pair rule)."""
    return f"""
    SELECT * FROM ({observations_sql(primary)})
    WHERE primary_count IS DISTINCT FROM secondary_count
      AND NOT (primary_count IS NULL AND coalesce(secondary_count, 0) = 0)
      AND NOT (primary_count = 0 AND secondary_count IS NULL)
    """


@dataclass(frozen=True)
class InventoryPlanReport:
    observed_differences: int
    planned: int
    skipped_for_documents: int
    by_kind: dict[str, int] = field(default_factory=dict)
    withheld: int = 0
    """Pairs whose counts are impossible (:func:`smapify_pipeline.stock.rules.withheld_reason`), quarantined."""


def plan_inventory(
    conn: duckdb.DuckDBPyConnection, primary: str, run_id: str | None = None
) -> InventoryPlanReport:
    """Rebuild ``plan.inventory_plan`` for ``primary`` from the extracted counts and this run's document plans."""
    touched = touched_products(conn) | unsettled_products(conn)
    differing = conn.execute(differing_sql(primary)).fetchall()
    rows: list[PlanRow] = []
    withheld: list[tuple[str, str, dict[str, Any]]] = []
    skipped = 0
    for product_id, item_id, store_id, location_id, primary_count, secondary_count, last in differing:
        observation = StockObservation(
            primary=primary,
            smaregi_product_id=product_id,
            inventory_item_id=item_id,
            smaregi_store_id=store_id,
            shopify_location_id=location_id,
            primary_count=None if primary_count is None else int(primary_count),
            secondary_count=None if secondary_count is None else int(secondary_count),
            last_synced_secondary=None if last is None else int(last),
            pending_documents=product_id in touched,
        )
        if observation.pending_documents:
            skipped += 1
            continue
        reason = withheld_reason(observation.primary_count, observation.secondary_count)
        if reason is not None:
            withheld.append((f"{product_id}@{store_id}", reason, _withheld_record(observation)))
            continue
        correction = plan_stock_correction(observation)
        if correction is not None:
            rows.append(plan_row(observation, correction))
    replace_plan(conn, PLAN_TABLE, rows)
    if withheld:
        quarantine_rows(conn, PLAN_TABLE, withheld, run_id=run_id)
    return InventoryPlanReport(
        observed_differences=len(differing),
        planned=len(rows),
        skipped_for_documents=skipped,
        by_kind=dict(Counter(row.kind for row in rows)),
        withheld=len(withheld),
    )


def _withheld_record(obs: StockObservation) -> dict[str, Any]:
    return {
        "primary": obs.primary,
        "smaregi_product_id": obs.smaregi_product_id,
        "smaregi_store_id": obs.smaregi_store_id,
        "shopify_location_id": obs.shopify_location_id,
        "primary_count": obs.primary_count,
        "secondary_count": obs.secondary_count,
    }


def plan_row(obs: StockObservation, correction: StockCorrection) -> PlanRow:
    """A ``plan.inventory_plan`` row: the write's kind and exact request, and the audit it carries."""
    if correction.shopify is not None:
        write = correction.shopify
        key = write.key
        if write.activate:
            kind = "stock_activate"
            payload: dict[str, Any] = {
                "inventoryItemId": write.inventory_item_id,
                "locationId": write.location_id,
                "available": write.quantity,
            }
        else:
            kind = "stock_set"
            payload = write.variables()
        payload = {**payload, "quantity": write.quantity, "changeFrom": write.change_from}
    elif correction.smaregi is not None:
        add = correction.smaregi
        key = add.key
        kind = "stock_add"
        payload = {**stock_add_payload(add), "quantity": (obs.secondary_count or 0) + add.delta}
    else:
        raise ValueError("a stock correction without a write")
    seeding = correction.target == obs.primary
    reason = (
        f"first link: seed {obs.primary} (primary) with {obs.secondary_count}"
        if seeding
        else f"{correction.target} {obs.secondary_count} → {obs.primary} (primary) {obs.primary_count}"
    )
    return PlanRow(
        key=key,
        kind=kind,
        target=correction.target,
        source="stock_seed" if seeding else "stock_push",
        smaregi_product_ids=(obs.smaregi_product_id,),
        smaregi_store_id=obs.smaregi_store_id,
        shopify_location_id=obs.shopify_location_id,
        payload=payload,
        audit=None if correction.audit is None else asdict(correction.audit),
        reason=reason,
        extra={
            "inventory_item_id": obs.inventory_item_id,
            "primary_count": obs.primary_count,
            "secondary_count": obs.secondary_count,
        },
    )


def audit_record(value: Any) -> AuditRecord | None:
    """The audit a stock plan row carries, as read back from the plan."""
    return None if not value else AuditRecord(**value)
