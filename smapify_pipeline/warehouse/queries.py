"""Running a query for one row without leaving a result open.

In DuckDB 2.0 ``execute(...).fetchone()`` leaves the result unfinished when more rows could follow, and the
connection then refuses ``register``/``unregister`` with ``ResourceInUseException``. Fetching everything
finishes the result, so every single-row read in the warehouse goes through here, and frames are
registered through ``registered_frame``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import duckdb
import pandas as pd


def first_row(
    conn: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | None = None
) -> tuple[Any, ...] | None:
    """The first row of ``sql``'s result, or ``None`` when it has none; the result is always finished."""
    rows = conn.execute(sql, params).fetchall() if params is not None else conn.execute(sql).fetchall()
    return rows[0] if rows else None


@contextlib.contextmanager
def registered_frame(conn: duckdb.DuckDBPyConnection, frame: pd.DataFrame, prefix: str) -> Iterator[str]:
    """Expose ``frame`` to SQL as a uniquely named view for the duration of the block.

    A result the caller left unfinished is run to its end first (``complete()``): it would otherwise block
    the registration, and running it to the end is what the caller's next ``execute`` would do anyway.
    """
    name = f"{prefix}_{uuid.uuid4().hex}"
    conn.complete()
    conn.register(name, frame)
    try:
        yield name
    finally:
        conn.complete()
        conn.unregister(name)
