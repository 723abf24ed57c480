"""The raw tables a migrated warehouse has are the declared ones (``schemas/tables.py``).

Migrations are immutable once shipped, so the DDL derived from the declarations is not re-applied: a new or
changed raw column needs a new migration, and this test fails until there is one.
"""

from __future__ import annotations

import duckdb

from smapify_pipeline.schemas.tables import RAW_TABLES, TABLES
from smapify_pipeline.warehouse.migrations import apply_migrations


def _described(conn: duckdb.DuckDBPyConnection, table: str) -> dict[str, tuple[str, bool]]:
    schema, name = table.split(".")
    rows = conn.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
        [schema, name],
    ).fetchall()
    return {column: (data_type, nullable) for column, data_type, nullable in rows}


def _primary_key(conn: duckdb.DuckDBPyConnection, table: str) -> tuple[str, ...]:
    schema, name = table.split(".")
    row = conn.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [schema, name],
    ).fetchone()
    return tuple(row[0]) if row else ()


def test_migrated_raw_tables_match_their_declarations() -> None:
    migrated = duckdb.connect(":memory:")
    apply_migrations(migrated)
    declared = duckdb.connect(":memory:")
    declared.execute("CREATE SCHEMA raw")
    for statement in RAW_TABLES.values():
        declared.execute(statement)

    for table in TABLES:
        assert _described(migrated, table) == _described(declared, table), table
        assert _primary_key(migrated, table) == TABLES[table].primary_key, table
