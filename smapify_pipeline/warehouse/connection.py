"""Opening the working DuckDB file: always migrated, always UTC.

``connect`` returns a plain ``duckdb.DuckDBPyConnection``, which is its own context manager (``with
connect(path) as conn:`` closes it on exit). Code that receives a connection from elsewhere (e.g. Dagster's
``DuckDBResource``) calls ``apply_migrations(conn)`` instead.

Locking (reference/dagster.md §2): while one process holds the file read-write, no other process can open it,
not even read-only. Keep connections short and never open the working file from an analyst's session; they
read the published snapshot (snapshot.py).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from smapify_pipeline.warehouse.migrations import apply_migrations

IN_MEMORY = ":memory:"


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (or ``":memory:"``) and bring it to the current schema version.

    A read-only connection is not migrated: it sees the file as its writer left it.
    """
    database = str(path)
    if database != IN_MEMORY and not read_only:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(database, read_only=read_only)
    try:
        conn.execute("SET TimeZone = 'UTC'")
        if not read_only:
            apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    return conn
