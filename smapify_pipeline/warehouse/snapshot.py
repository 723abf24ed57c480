"""Publishing the analysts' DuckDB file: a copy of chosen tables and views, swapped in atomically
(docs/architecture.md, "Data flow").

How: ``ATTACH`` a temporary file next to the target, copy every relation into it with ``CREATE TABLE AS``
inside one transaction (so the copy is one consistent point in time), write ``main.snapshot_info`` (one row
per relation: source kind, row count, published_at), ``CHECKPOINT`` and ``DETACH`` it (so no ``.wal`` is
left), fsync it, then ``os.replace`` it onto the target and fsync the directory.

Views are materialised as tables: a view in the snapshot would reference tables of the working file, which
analysts never open. Constraints and indexes are not copied; the snapshot is for reading.

Readers: open the target **read-only** (``open_snapshot``). A reader holding the old file keeps reading the
old version (the rename does not touch its inode) and a fresh open sees the new file whole; nothing here
ever blocks on a reader. One DuckDB pitfall: within one process DuckDB reuses an open database instance by
path, so a reader must close its old connection before reopening to see a newer snapshot.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from smapify_pipeline.warehouse.identifiers import TableName, quote_identifier, relation_kind
from smapify_pipeline.warehouse.queries import first_row

SNAPSHOT_SCHEMAS: tuple[str, ...] = ("core", "analytics")
"""Schemas copied when no explicit relation list is given."""

SNAPSHOT_INFO_TABLE = "main.snapshot_info"


def publish_snapshot(
    source: duckdb.DuckDBPyConnection | str | Path,
    target_path: str | Path,
    tables: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
) -> Path:
    """Copy ``tables`` (qualified names of tables or views; default: all of ``SNAPSHOT_SCHEMAS``) from the
    working database into ``target_path`` atomically; returns the target path.

    ``source`` is an open connection to the working file (the usual case inside a pipeline step; it must not
    be inside an explicit transaction) or its path, which is then opened read-only for the copy.
    """
    target = Path(target_path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _source_connection(source) as conn:
        relations = _resolve_relations(conn, tables)
        temporary = target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
        try:
            _build(conn, temporary, relations, now or datetime.now(UTC))
            _fsync_file(temporary)
            _remove_if_exists(Path(f"{target}.wal"))
            os.replace(temporary, target)
            _fsync_directory(target.parent)
        finally:
            _remove_if_exists(temporary)
            _remove_if_exists(Path(f"{temporary}.wal"))
    return target


def open_snapshot(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published snapshot (the only way analysts should open it)."""
    return duckdb.connect(str(path), read_only=True)


def snapshot_relations(
    conn: duckdb.DuckDBPyConnection, schemas: Sequence[str] = SNAPSHOT_SCHEMAS
) -> list[str]:
    """Qualified names of every table and view in ``schemas`` of the current database, sorted."""
    rows = conn.execute(
        "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND list_contains(?, schema_name) "
        "UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal AND list_contains(?, schema_name) "
        "ORDER BY 1",
        [list(schemas), list(schemas)],
    ).fetchall()
    return [row[0] for row in rows]


@contextlib.contextmanager
def _source_connection(source: duckdb.DuckDBPyConnection | str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    if isinstance(source, duckdb.DuckDBPyConnection):
        yield source
        return
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"working database {path} does not exist")
    conn = duckdb.connect(str(path), read_only=True)
    try:
        yield conn
    finally:
        conn.close()


def _resolve_relations(
    conn: duckdb.DuckDBPyConnection, tables: Sequence[str] | None
) -> list[tuple[TableName, str]]:
    names = snapshot_relations(conn) if tables is None else list(tables)
    resolved: list[tuple[TableName, str]] = []
    for qualified in dict.fromkeys(names):
        name = TableName.parse(qualified)
        if str(name) == SNAPSHOT_INFO_TABLE:
            raise ValueError(f"{SNAPSHOT_INFO_TABLE} is written by the publisher itself")
        kind = relation_kind(conn, name)
        if kind is None:
            raise LookupError(f"cannot snapshot {name}: no such table or view in the working database")
        resolved.append((name, kind))
    return resolved


def _build(
    conn: duckdb.DuckDBPyConnection, temporary: Path, relations: list[tuple[TableName, str]], at: datetime
) -> None:
    alias = quote_identifier(f"snapshot_{uuid.uuid4().hex}")
    literal_path = "'" + str(temporary).replace("'", "''") + "'"
    conn.execute(f"ATTACH {literal_path} AS {alias} (READ_WRITE)")
    try:
        conn.execute("BEGIN TRANSACTION")
        try:
            info: list[tuple[str, str, int]] = []
            for name, kind in relations:
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {alias}.{quote_identifier(name.schema)}")
                copy = f"{alias}.{quote_identifier(name.schema)}.{quote_identifier(name.table)}"
                conn.execute(f"CREATE TABLE {copy} AS SELECT * FROM {name.sql}")
                counted = first_row(conn, f"SELECT count(*) FROM {copy}")
                info.append((str(name), kind, int(counted[0]) if counted else 0))
            conn.execute(
                f"CREATE TABLE {alias}.main.snapshot_info "
                "(relation VARCHAR, source_kind VARCHAR, row_count BIGINT, published_at TIMESTAMPTZ)"
            )
            if info:
                conn.executemany(
                    f"INSERT INTO {alias}.main.snapshot_info VALUES (?, ?, ?, ?)",
                    [(*row, at) for row in info],
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute(f"CHECKPOINT {alias}")
    finally:
        conn.execute(f"DETACH {alias}")
    if Path(f"{temporary}.wal").exists():
        raise RuntimeError(
            f"snapshot {temporary} still has a write-ahead log after DETACH; not publishing it"
        )


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_if_exists(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
