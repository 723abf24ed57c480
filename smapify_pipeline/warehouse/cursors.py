"""Per-stream cursors of the incremental extracts, kept in ``sync.cursors``.

A cursor is text chosen by the extract (an ISO-8601 updated-at, a last id, an opaque page token); the warehouse
does not interpret it. Streams are named ``platform.entity``, e.g. ``shopify.orders`` or
``smaregi.transactions``. Set the cursor in the same transaction as the rows it covers when possible, so a
crash never leaves a cursor ahead of its data.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from smapify_pipeline.warehouse.queries import first_row


def get_cursor(conn: duckdb.DuckDBPyConnection, stream: str) -> str | None:
    """The stored cursor of ``stream``, or ``None`` before its first extract."""
    row = first_row(conn, "SELECT value FROM sync.cursors WHERE stream = ?", [stream])
    return None if row is None else str(row[0])


def set_cursor(
    conn: duckdb.DuckDBPyConnection, stream: str, value: str, *, now: datetime | None = None
) -> None:
    """Store ``value`` as the cursor of ``stream`` (replacing any previous one)."""
    if not stream:
        raise ValueError("a cursor needs a stream name")
    if not isinstance(value, str):
        raise TypeError(f"cursor values are text; got {type(value).__name__} for stream {stream!r}")
    conn.execute(
        "INSERT INTO sync.cursors (stream, value, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (stream) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [stream, value, now or datetime.now(UTC)],
    )


def all_cursors(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every stream's cursor, for status displays."""
    rows = conn.execute("SELECT stream, value FROM sync.cursors ORDER BY stream").fetchall()
    return {stream: value for stream, value in rows}
