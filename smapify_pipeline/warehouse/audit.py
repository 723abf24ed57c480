"""``sync.audit``: what the sync overwrote or decided on the merchant's behalf
(docs/architecture.md, "Stock principle").

One row per overwritten manual stock edit, per secondary count that seeded the primary, and per product
field both sides changed (the primary won). Old and new values are stored as JSON so a stock count and a
product title fit the same column. An audit row tied to a ledger key is recorded once, however often the
write behind it is retried.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import duckdb

from smapify_pipeline.warehouse.quarantine import to_json
from smapify_pipeline.warehouse.queries import first_row


class AuditKind(StrEnum):
    STOCK_OVERWRITE = "stock_overwrite"
    """The secondary's count was brought to the primary's, overwriting a manual edit there."""
    STOCK_SEED = "stock_seed"
    """A newly linked product had no primary stock row: the secondary's count seeded the primary."""
    PRODUCT_CONFLICT = "product_conflict"
    """Both sides changed a product field since the last sync; the primary's value won."""
    VALUE_CUT = "value_cut"
    """A product value was cut to fit the target platform's length limit (field, full length, kept value)."""
    NAME_KEPT = "name_kept"
    """A Smaregi member's renamed productName was left on it, not copied to the Shopify product."""


def record_audit(
    conn: duckdb.DuckDBPyConnection,
    *,
    kind: AuditKind | str,
    entity: str,
    entity_key: str,
    why: str,
    old_value: Any = None,
    new_value: Any = None,
    location: str | None = None,
    run_id: str | None = None,
    ledger_key: str | None = None,
    at: datetime | None = None,
) -> bool:
    """Record one audited decision; returns False when ``ledger_key`` was already audited (a retry).

    ``entity`` names what changed (``inventory_level``, ``product``…), ``entity_key`` which one (a SKU, a
    product id and field), ``location`` where (a ``shopify:<location id>`` or ``smaregi:<store id>``).
    """
    for field, text in (("kind", kind), ("entity", entity), ("entity_key", entity_key), ("why", why)):
        if not text:
            raise ValueError(f"an audit row needs {field}")
    row = first_row(
        conn,
        "INSERT INTO sync.audit (audited_at, kind, entity, entity_key, location, old_value, new_value, why, run_id, ledger_key) "
        "VALUES (?, ?, ?, ?, ?, ?::JSON, ?::JSON, ?, ?, ?) ON CONFLICT (ledger_key) DO NOTHING RETURNING audit_id",
        [
            at or datetime.now(UTC),
            str(kind),
            entity,
            entity_key,
            location,
            None if old_value is None else to_json(old_value),
            None if new_value is None else to_json(new_value),
            why,
            run_id,
            ledger_key,
        ],
    )
    return row is not None
