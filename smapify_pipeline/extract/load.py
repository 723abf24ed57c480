"""Loading normalized rows: validate, upsert the good ones, quarantine the bad ones, mark deletions."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from smapify_pipeline import warehouse
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.schemas.tables import primary_key, validate_table
from smapify_pipeline.warehouse.queries import first_row, registered_frame


@dataclass(frozen=True)
class LoadReport:
    table: str
    received: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    deleted: int = 0

    def plus(self, other: LoadReport) -> LoadReport:
        return LoadReport(
            table=self.table,
            received=self.received + other.received,
            inserted=self.inserted + other.inserted,
            updated=self.updated + other.updated,
            unchanged=self.unchanged + other.unchanged,
            quarantined=self.quarantined + other.quarantined,
            deleted=self.deleted + other.deleted,
        )

    def as_metadata(self) -> dict[str, int]:
        return {
            "received": self.received,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "marked_deleted": self.deleted,
        }


def load_table(
    conn: duckdb.DuckDBPyConnection, normalized: NormalizedTable, run_id: str | None = None
) -> LoadReport:
    """Validate ``normalized``; upsert valid rows by the table's key; quarantine the rest with reasons."""
    outcome = validate_table(normalized)
    counts = warehouse.upsert_dataframe(
        conn, normalized.table, outcome.valid, primary_key(normalized.table), not_a_change=("extracted_at",)
    )
    quarantined = 0
    if len(outcome.quarantined):
        quarantined = len(outcome.quarantined)
        warehouse.quarantine_rows(conn, normalized.table, outcome.quarantined, run_id=run_id)
    return LoadReport(
        table=normalized.table,
        received=len(normalized),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        quarantined=quarantined,
    )


def load_in_chunks(
    conn: duckdb.DuckDBPyConnection,
    records: Iterable[dict[str, Any]],
    normalize: Callable[[list[dict[str, Any]]], list[NormalizedTable]],
    run_id: str | None = None,
    chunk_size: int | None = 10_000,
) -> list[LoadReport]:
    """Normalize, validate and load ``chunk_size`` records at a time (all at once when None), so a large read
    never sits in memory whole.

    Records of one chunk must not depend on another's (flat lists: stock rows, transactions with embedded details).
    """
    totals: dict[str, LoadReport] = {}
    iterator = iter(records)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        for normalized in normalize(chunk):
            report = load_table(conn, normalized, run_id)
            previous = totals.get(report.table)
            totals[report.table] = report if previous is None else previous.plus(report)
    return list(totals.values())


def mark_deleted(
    conn: duckdb.DuckDBPyConnection, table: str, key_column: str, keys: Iterable[str], at: datetime
) -> int:
    """Set ``deleted_at`` on rows whose key is in ``keys`` and that are not yet marked; returns how many."""
    frame = pd.DataFrame({"key": sorted(set(keys))}, dtype="string")
    if frame.empty:
        return 0
    with registered_frame(conn, frame, "deleted_keys") as view:
        before = _live_count(conn, table)
        conn.execute(
            f"UPDATE {table} SET deleted_at = ? WHERE deleted_at IS NULL AND {key_column} IN (SELECT key FROM {view})",
            [at],
        )
    return before - _live_count(conn, table)


def mark_missing_deleted(
    conn: duckdb.DuckDBPyConnection, table: str, key_column: str, present: set[str], at: datetime
) -> int:
    """Set ``deleted_at`` on live rows whose key is not in ``present`` (a full listing of what exists)."""
    live = {
        row[0]
        for row in conn.execute(f"SELECT {key_column} FROM {table} WHERE deleted_at IS NULL").fetchall()
    }
    return mark_deleted(conn, table, key_column, live - present, at)


def _live_count(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    row = first_row(conn, f"SELECT count(*) FROM {table} WHERE deleted_at IS NULL")
    return int(row[0]) if row else 0
