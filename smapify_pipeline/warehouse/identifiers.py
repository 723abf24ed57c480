"""Quoting table and column names for SQL built from Python values."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from smapify_pipeline.warehouse.queries import first_row


def quote_identifier(name: str) -> str:
    """``name`` as a DuckDB quoted identifier (double quotes, inner quotes doubled)."""
    if not name:
        raise ValueError("an identifier cannot be empty")
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class TableName:
    """A ``schema.table`` name; the schema defaults to ``main`` as in DuckDB."""

    schema: str
    table: str

    @classmethod
    def parse(cls, qualified: str) -> TableName:
        parts = qualified.split(".")
        if len(parts) == 1:
            return cls("main", parts[0])
        if len(parts) == 2 and all(parts):
            return cls(parts[0], parts[1])
        raise ValueError(f"expected 'schema.table', got {qualified!r}")

    @property
    def sql(self) -> str:
        return f"{quote_identifier(self.schema)}.{quote_identifier(self.table)}"

    def __str__(self) -> str:
        return f"{self.schema}.{self.table}"


def relation_kind(conn: duckdb.DuckDBPyConnection, name: TableName, catalog: str | None = None) -> str | None:
    """``"table"``, ``"view"`` or ``None`` when ``name`` does not exist (in ``catalog``, default: current)."""
    catalog_filter = "database_name = coalesce(?, current_database())"
    params = [catalog, name.schema, name.table]
    table = first_row(
        conn,
        f"SELECT 1 FROM duckdb_tables() WHERE {catalog_filter} AND schema_name = ? AND table_name = ?",
        params,
    )
    if table:
        return "table"
    view = first_row(
        conn,
        f"SELECT 1 FROM duckdb_views() WHERE {catalog_filter} AND schema_name = ? AND view_name = ?",
        params,
    )
    return "view" if view else None


def table_columns(conn: duckdb.DuckDBPyConnection, name: TableName) -> list[str]:
    """Column names of a table or view in the current catalog, in declaration order."""
    rows = conn.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = ? AND table_name = ? ORDER BY column_index",
        [name.schema, name.table],
    ).fetchall()
    return [row[0] for row in rows]
