"""Running one extract stream: read what changed since its cursor minus a look-back overlap, load it validated
(bad rows to ``quarantine.records`` with the reason, good rows upserted by key, so rows read twice are loaded
once), find deletions, move the cursor and describe the result per asset.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline import warehouse
from smapify_pipeline.extract.load import (
    LoadReport,
    load_in_chunks,
    load_table,
    mark_deleted,
    mark_missing_deleted,
)
from smapify_pipeline.extract.streams import Output, Read, Stream
from smapify_pipeline.extract.usage import ApiUsage
from smapify_pipeline.platforms.smaregi.windows import whole_windows_end
from smapify_pipeline.warehouse.queries import first_row

CLOCK_SKEW = timedelta(hours=1)
"""Windowed reads end at least this far after now, against clock skew with the platform's servers."""


class ExtractConfig(dg.Config):
    full_refresh: bool = False
    """Read everything again instead of what changed since the cursor."""
    overlap_minutes: int = 10
    """Look-back overlap of incremental reads, against clock skew and late commits."""
    history_days: int = 90
    """How far back the first transaction read goes."""


def run_stream(
    stream: Stream,
    resource: Any,
    conn: duckdb.DuckDBPyConnection,
    config: ExtractConfig,
    run_id: str,
    log: dg.DagsterLogManager,
) -> Iterator[dg.MaterializeResult]:
    """Extract ``stream`` with the client of ``resource`` into the warehouse; one result per output asset."""
    client = resource.get_client()
    usage = ApiUsage(client)
    started = datetime.now(UTC)
    since = _since(conn, stream, config)
    read = Read(client, resource, since, _until(since, started), conn)
    log.info("reading %s %s", stream.name, "in full" if read.since is None else f"changed since {read.since}")
    with usage.reading():
        source = stream.read(read)
    keys: set[str] = set()
    records = usage.timed(source)
    if stream.deletions is not None and read.since is None:
        records = _keeping_keys(records, stream, keys)
    reports = load_in_chunks(
        conn, records, lambda chunk: list(stream.normalize(chunk)), run_id, stream.chunk_size
    )
    if not reports:
        reports = [load_table(conn, normalized, run_id) for normalized in stream.normalize([])]
    if stream.deletions is not None:
        deleted = _mark_deletions(conn, stream, read, keys, started)
        log.info("%d rows of %s marked deleted", deleted, stream.deletions.table.name)
        reports = [
            replace(r, deleted=deleted) if r.table == stream.deletions.table.name else r for r in reports
        ]
    for statement in stream.after_load:
        conn.execute(statement)
    if stream.cursor is not None:
        for table in stream.cursor.tables:
            _advance_cursor(conn, stream.name, table.name, stream.cursor.column)
    for position, output in enumerate(stream.outputs):
        mine = [report for report in reports if report.table in output.table_names]
        yield _result(conn, output, mine, usage if position == 0 else None)


def _since(conn: duckdb.DuckDBPyConnection, stream: Stream, config: ExtractConfig) -> datetime | None:
    if stream.cursor is None:
        return None
    cursor = None if config.full_refresh else warehouse.get_cursor(conn, stream.name)
    if cursor is not None:
        return datetime.fromisoformat(cursor) - timedelta(minutes=config.overlap_minutes)
    if stream.cursor.history:
        return datetime.now(UTC) - timedelta(days=config.history_days)
    return None


def _until(since: datetime | None, started: datetime) -> datetime:
    """The end of a windowed read: whatever the platform can have stamped by now.

    Our clock plus ``CLOCK_SKEW`` only guesses the platform's now. A platform clock further ahead (a sandbox
    run at a time scale gains 19 s every second at 20×) stamps changes past that guess, and a read ending there
    skips them silently, the cursor staying behind them. So the read is rounded up to whole windows: the same
    requests, reaching a whole window past an incremental read's ``since`` (the cursor, the platform's time).
    """
    guess = started + CLOCK_SKEW
    return guess if since is None else whole_windows_end(since, guess)


def _keeping_keys(
    records: Iterable[dict[str, Any]], stream: Stream, keys: set[str]
) -> Iterator[dict[str, Any]]:
    """``records`` unchanged, the key of each added to ``keys`` (what a full read found)."""
    assert stream.deletions is not None
    for record in records:
        key = stream.deletions.key_of(record)
        if key is not None:
            keys.add(key)
        yield record


def _mark_deletions(
    conn: duckdb.DuckDBPyConnection, stream: Stream, read: Read, read_keys: set[str], at: datetime
) -> int:
    deletions = stream.deletions
    assert deletions is not None
    table, column = deletions.table.name, deletions.key_column
    if read.since is None:
        return mark_missing_deleted(conn, table, column, read_keys, at)
    if deletions.gone_since is not None:
        return mark_deleted(conn, table, column, deletions.gone_since(read), at)
    assert deletions.existing is not None
    return mark_missing_deleted(conn, table, column, deletions.existing(read), at)


def _advance_cursor(conn: duckdb.DuckDBPyConnection, stream: str, table: str, column: str) -> None:
    """The cursor is the newest change time loaded, never moved backwards."""
    row = first_row(conn, f"SELECT max({column}) FROM {table}")
    newest = row[0] if row else None
    if newest is None:
        return
    value = pd.Timestamp(newest).tz_convert(UTC).isoformat()
    previous = warehouse.get_cursor(conn, stream)
    if previous is None or datetime.fromisoformat(previous) < datetime.fromisoformat(value):
        warehouse.set_cursor(conn, stream, value)


def _live_rows(conn: duckdb.DuckDBPyConnection, table: str) -> int:
    deletable = first_row(
        conn,
        "SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND table_name = ? AND column_name = 'deleted_at'",
        table.split("."),
    )
    where = " WHERE deleted_at IS NULL" if deletable and deletable[0] else ""
    row = first_row(conn, f"SELECT count(*) FROM {table}{where}")
    return int(row[0]) if row else 0


def _preview(conn: duckdb.DuckDBPyConnection, table: str, limit: int = 5) -> dg.MetadataValue:
    frame = conn.execute(f"SELECT * EXCLUDE (extracted_at) FROM {table} LIMIT {limit}").fetchdf()
    return dg.MetadataValue.md(frame.to_markdown(index=False) if len(frame) else "_(empty)_")


def _result(
    conn: duckdb.DuckDBPyConnection, output: Output, reports: Iterable[LoadReport], usage: ApiUsage | None
) -> dg.MaterializeResult:
    table = output.counted_table
    metadata: dict[str, object] = {
        "dagster/row_count": _live_rows(conn, table),
        "dagster/table_name": table,
        **(usage.metadata() if usage else {}),
        "preview": _preview(conn, table),
    }
    for report in reports:
        metadata[report.table] = dg.MetadataValue.json(report.as_metadata())
    return dg.MaterializeResult(asset_key=output.asset, metadata=metadata)
