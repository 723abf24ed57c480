"""``quarantine.records``: rows held back with a reason instead of being silently dropped.

One row per (source table, record key, reason). Quarantining the same record for the same reason again
(the next extract sees the same bad row) updates its raw record, run id and ``last_seen_at`` but keeps the
first ``quarantined_at``, so the table does not grow run after run. Raw records are stored as JSON:
timestamps become ISO-8601 text, NaN/NaT become null, numpy scalars become plain numbers.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from smapify_pipeline.warehouse.queries import first_row, registered_frame

QuarantineRow = tuple[str, str, Mapping[str, Any]]
"""(record_key, reason, raw_record)."""

FRAME_COLUMNS = ("record_key", "reason", "raw_record")


def quarantine_rows(
    conn: duckdb.DuckDBPyConnection,
    source_table: str,
    rows: pd.DataFrame | Iterable[QuarantineRow],
    *,
    run_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Quarantine ``rows`` found in ``source_table``; returns how many were not quarantined before.

    ``rows`` is either a frame with columns ``record_key``, ``reason``, ``raw_record`` (a mapping or JSON
    text) or an iterable of ``(record_key, reason, raw_record)``.
    """
    if not source_table:
        raise ValueError("quarantined rows need the table they come from")
    batch = _normalise(rows)
    if batch.empty:
        return 0
    at = now or datetime.now(UTC)
    batch.insert(0, "source_table", source_table)
    batch["seen_at"] = at
    batch["run_id"] = run_id
    with registered_frame(conn, batch, "quarantine_batch") as source:
        counted = first_row(
            conn,
            f"SELECT count(*) FROM {source} AS b WHERE NOT EXISTS (SELECT 1 FROM quarantine.records AS q "
            "WHERE q.source_table = b.source_table AND q.record_key = b.record_key AND q.reason = b.reason)",
        )
        conn.execute(
            "INSERT INTO quarantine.records "
            "(source_table, record_key, reason, raw_record, quarantined_at, last_seen_at, run_id) "
            f"SELECT source_table, record_key, reason, raw_record::JSON, seen_at, seen_at, run_id FROM {source} "
            "ON CONFLICT (source_table, record_key, reason) DO UPDATE SET raw_record = excluded.raw_record, "
            "last_seen_at = excluded.last_seen_at, run_id = excluded.run_id"
        )
    return int(counted[0]) if counted else 0


def quarantine_frame(
    conn: duckdb.DuckDBPyConnection,
    source_table: str,
    frame: pd.DataFrame,
    *,
    key_column: str,
    reason: str | pd.Series,
    run_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Quarantine whole rows of ``frame`` (e.g. rows pandera rejected), keyed by ``key_column``.

    ``reason`` is one text for all rows or a Series aligned with ``frame``'s index.
    """
    if key_column not in frame.columns:
        raise ValueError(f"key column {key_column!r} is not in the frame")
    reasons = (
        reason.reindex(frame.index) if isinstance(reason, pd.Series) else pd.Series(reason, index=frame.index)
    )
    if reasons.isna().any():
        raise ValueError("every quarantined row needs a reason")
    records = frame.to_dict("records")
    rows = [
        (frame_key, why, record)
        for frame_key, why, record in zip(frame[key_column], reasons, records, strict=True)
    ]
    return quarantine_rows(conn, source_table, rows, run_id=run_id, now=now)


def _normalise(rows: pd.DataFrame | Iterable[QuarantineRow]) -> pd.DataFrame:
    if isinstance(rows, pd.DataFrame):
        missing = [c for c in FRAME_COLUMNS if c not in rows.columns]
        if missing:
            raise ValueError(f"quarantine frame lacks columns {missing}")
        triples: list[tuple[Any, Any, Any]] = list(
            rows[list(FRAME_COLUMNS)].itertuples(index=False, name=None)
        )
    else:
        triples = [tuple(row) for row in rows]
    cleaned = []
    for record_key, reason, raw_record in triples:
        if _is_missing(record_key) or _is_missing(reason) or not str(reason):
            raise ValueError(
                f"quarantined rows need a record key and a reason; got {record_key!r}, {reason!r}"
            )
        raw_json = raw_record if isinstance(raw_record, str) else to_json(raw_record)
        cleaned.append((str(record_key), str(reason), raw_json))
    batch = pd.DataFrame(cleaned, columns=list(FRAME_COLUMNS), dtype=object)
    return batch.drop_duplicates(["record_key", "reason"], keep="last").reset_index(drop=True)


def to_json(value: Any) -> str:
    """JSON text of a raw record, with pandas/numpy values made plain."""
    return json.dumps(_plain(value), ensure_ascii=False, sort_keys=True, allow_nan=False)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | np.ndarray):
        return [_plain(v) for v in value]
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, float) and math.isinf(value):
        return str(value)
    if isinstance(value, datetime | date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return False
