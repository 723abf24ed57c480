"""Audit records: every overwritten manual edit, stock seed, two-sided product conflict, cut value and kept name.

Shaped like a ``sync.audit`` row, minus the columns the writer fills (id, time, run id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditRecord:
    kind: str
    """A :class:`smapify_pipeline.warehouse.audit.AuditKind` value ("stock_overwrite", "product_conflict"…)."""
    entity: str
    """What was touched: "stock" or "product"."""
    entity_key: str
    location: str | None
    old_value: Any
    new_value: Any
    why: str
    ledger_key: str | None = None
