"""Apply many planned changes: dependencies respected, one failure never stops the others, results summarised."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import duckdb
import pandas as pd

from smapify_pipeline.push.apply import ChangeOutcome, ChangeStatus, PlannedChange, Writer, apply_change
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.ledger import LedgerStatus


def apply_all(
    conn: duckdb.DuckDBPyConnection,
    changes: Iterable[tuple[PlannedChange, str | None]],
    writer_for: Callable[[PlannedChange], Writer],
) -> list[ChangeOutcome]:
    """Apply ``(change, depends_on)`` pairs in order. A change whose dependency (a ledger key) is not applied
    waits for a later run (``UNKNOWN``, nothing begun), e.g. a stock adjustment whose order's fate is unknown."""
    outcomes: list[ChangeOutcome] = []
    for change, depends_on in changes:
        if depends_on:
            parent = ledger.get(conn, depends_on)
            if parent is None or parent.status is not LedgerStatus.APPLIED:
                outcomes.append(
                    ChangeOutcome(change.key, ChangeStatus.UNKNOWN, error=f"waiting for {depends_on}")
                )
                continue
        outcomes.append(apply_change(conn, change, writer_for(change)))
    return outcomes


def changes_from_plan(frame: pd.DataFrame) -> list[tuple[PlannedChange, str | None]]:
    """Plan-table rows (key, kind, target, source, depends_on, payload JSON, reason) → changes."""
    result = []
    for row in frame.itertuples(index=False):
        payload: Any = row.payload
        change = PlannedChange(
            key=row.key,
            kind=row.kind,
            target=row.target,
            payload=json.loads(payload) if isinstance(payload, str) else payload,
            source=row.source,
            reason=row.reason,
        )
        depends = row.depends_on if isinstance(row.depends_on, str) and row.depends_on else None
        result.append((change, depends))
    return result


def outcome_counts(outcomes: Iterable[ChangeOutcome]) -> dict[str, int]:
    counts = Counter(o.status.value for o in outcomes)
    return {status.value: counts.get(status.value, 0) for status in ChangeStatus}


def outcome_table(outcomes: list[ChangeOutcome], limit: int = 20) -> str:
    """Markdown table of the first outcomes (for materialization metadata)."""
    if not outcomes:
        return "_(nothing to push)_"
    frame = pd.DataFrame(
        [
            {
                "key": o.key,
                "status": o.status.value,
                "remote id": o.remote_id or "",
                "error": (o.error or "")[:120],
            }
            for o in outcomes[:limit]
        ]
    )
    return frame.to_markdown(index=False)
