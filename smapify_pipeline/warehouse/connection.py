"""Opening the working DuckDB file: always migrated, always UTC.

``connect`` returns a plain ``duckdb.DuckDBPyConnection``, which is its own context manager (``with
connect(path) as conn:`` closes it on exit). Code that receives a connection from elsewhere (e.g. Dagster's
``DuckDBResource``) calls ``apply_migrations(conn)`` instead.

Within one process DuckDB shares one database instance per file and refuses a second open of the same file
with other options (``read_only``, ``config``) while the first is open: inside a pipeline step, pass the
connection you already hold (``publish_snapshot(conn, ...)``), or open with the same ``config`` as the other
holder (Dagster's ``DuckDBResource`` uses ``{"custom_user_agent": "dagster"}``).

Locking: while one process holds the file read-write, no other process can open it,
not even read-only. Keep connections short and never open the working file from an analyst's session; they
read the published snapshot (snapshot.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from smapify_pipeline.warehouse.migrations import apply_migrations

IN_MEMORY = ":memory:"


def connect(
    path: str | Path, *, read_only: bool = False, config: Mapping[str, str] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` (or ``":memory:"``) and bring it to the current schema version.

    A read-only connection is not migrated: it sees the file as its writer left it.
    """
    database = str(path)
    if database != IN_MEMORY and not read_only:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(database, read_only=read_only, config=dict(config or {}))
    try:
        conn.execute("SET TimeZone = 'UTC'")
        if not read_only:
            apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    return conn
