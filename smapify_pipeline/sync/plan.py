"""The one plan-row contract every plan writes and every push reads (``plan.order_plan``, ``plan.refund_plan``,
``plan.product_plan``, ``plan.inventory_plan``), and the one atomic way to replace a plan.

A row is one write: its ledger key, what kind of write to which platform, where it comes from, the ledger key it
waits for, the subjects it touches (which the stock plan reads to leave products of pending documents alone),
the exact request, the audit it carries when it lands and why it was planned.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

COLUMNS = (
    "key",
    "kind",
    "target",
    "source",
    "depends_on",
    "smaregi_product_ids",
    "shopify_variant_ids",
    "smaregi_store_id",
    "shopify_location_id",
    "payload",
    "audit",
    "reason",
)


@dataclass(frozen=True)
class PlanRow:
    key: str
    """The ledger key (deterministic from the source event)."""
    kind: str
    target: str
    """``"shopify"``, ``"smaregi"`` or ``"core"`` (a bookkeeping-only change)."""
    source: str
    payload: Mapping[str, Any]
    reason: str
    depends_on: str | None = None
    """The ledger key that must be applied first."""
    smaregi_product_ids: tuple[str, ...] = ()
    shopify_variant_ids: tuple[str, ...] = ()
    smaregi_store_id: str | None = None
    shopify_location_id: str | None = None
    audit: Any = None
    """JSON-able record(s) written to ``sync.audit`` once the write lands."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Columns one plan keeps besides the contract (the stock plan's observed counts)."""

    @property
    def smaregi_product_id(self) -> str | None:
        """The one Smaregi product of a product or stock row."""
        return self.smaregi_product_ids[0] if self.smaregi_product_ids else None

    @property
    def shopify_variant_id(self) -> str | None:
        """The one Shopify variant of a product or stock row."""
        return self.shopify_variant_ids[0] if self.shopify_variant_ids else None


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def plan_frame(rows: Sequence[PlanRow]) -> pd.DataFrame:
    extra_columns = sorted({name for row in rows for name in row.extra})
    records = [
        {
            "key": r.key,
            "kind": r.kind,
            "target": r.target,
            "source": r.source,
            "depends_on": r.depends_on,
            "smaregi_product_ids": list(r.smaregi_product_ids),
            "shopify_variant_ids": list(r.shopify_variant_ids),
            "smaregi_store_id": r.smaregi_store_id,
            "shopify_location_id": r.shopify_location_id,
            "payload": _json(r.payload),
            "audit": _json(r.audit),
            "reason": r.reason,
            **{name: r.extra.get(name) for name in extra_columns},
        }
        for r in rows
    ]
    return pd.DataFrame(records, columns=[*COLUMNS, *extra_columns])


def replace_tables(conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame]) -> None:
    """Replace every table's rows with its frame's, all in one transaction."""
    conn.execute("BEGIN TRANSACTION")
    try:
        for table, frame in frames.items():
            conn.execute(f"DELETE FROM {table}")
            if len(frame):
                view = f"rows_{table.replace('.', '_')}"
                conn.register(view, frame)
                try:
                    names = ", ".join(frame.columns)
                    conn.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {view}")
                finally:
                    conn.unregister(view)
        conn.execute("COMMIT")
    except Exception:
        conn.execute("ROLLBACK")
        raise


def replace_plan(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[PlanRow],
    companions: Mapping[str, pd.DataFrame] | None = None,
) -> None:
    """Replace ``table`` with this run's rows (and any companion table with its frame) atomically."""
    replace_tables(conn, {table: plan_frame(rows), **(companions or {})})


def read_plan(conn: duckdb.DuckDBPyConnection, table: str, order_by: str = "key") -> list[PlanRow]:
    """The rows of a plan table, in ``order_by`` order."""
    cursor = conn.execute(f"SELECT * FROM {table} ORDER BY {order_by}")
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        record = dict(zip(names, values, strict=True))
        rows.append(
            PlanRow(
                key=record.pop("key"),
                kind=record.pop("kind"),
                target=record.pop("target"),
                source=record.pop("source"),
                depends_on=record.pop("depends_on") or None,
                smaregi_product_ids=tuple(record.pop("smaregi_product_ids") or ()),
                shopify_variant_ids=tuple(record.pop("shopify_variant_ids") or ()),
                smaregi_store_id=record.pop("smaregi_store_id"),
                shopify_location_id=record.pop("shopify_location_id"),
                payload=_loads(record.pop("payload")) or {},
                audit=_loads(record.pop("audit")),
                reason=record.pop("reason"),
                extra=record,
            )
        )
    return rows


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
