"""Materialization metadata shared by the plan and push assets: counts per kind and the first changes."""

from __future__ import annotations

from typing import Any

import dagster as dg
import duckdb

PREVIEW_ROWS = 20


def plan_metadata(conn: duckdb.DuckDBPyConnection, table: str, columns: str) -> dict[str, Any]:
    """``dagster/row_count``, a count per kind and a markdown table of the first ``PREVIEW_ROWS`` changes."""
    counts = dict(conn.execute(f"SELECT kind, count(*) FROM {table} GROUP BY kind ORDER BY kind").fetchall())
    preview = conn.execute(f"SELECT {columns} FROM {table} ORDER BY key LIMIT {PREVIEW_ROWS}").fetchdf()
    return {
        "dagster/row_count": int(sum(counts.values())),
        "dagster/table_name": table,
        "changes_by_kind": dg.MetadataValue.json({str(k): int(v) for k, v in counts.items()}),
        "first_changes": dg.MetadataValue.md(
            preview.to_markdown(index=False) if len(preview) else "_(none)_"
        ),
    }
