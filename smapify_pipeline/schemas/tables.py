"""Every raw table by name, and the one call the extract makes per table to validate it.

The quarantine table is not a raw table: it is ``quarantine.records`` from the warehouse migrations, and the
quarantine frames of ``validate.split_valid`` fit its columns.
"""

from __future__ import annotations

from smapify_pipeline.schemas import shopify, smaregi
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.schemas.raw_table import RawTable
from smapify_pipeline.schemas.validate import ValidationOutcome, split_valid

QUARANTINE_TABLE = "quarantine.records"

TABLES: dict[str, RawTable] = {table.name: table for table in (*shopify.TABLES, *smaregi.TABLES)}
"""Qualified table name -> its declaration, in creation order."""

RAW_TABLES: dict[str, str] = {name: table.create_sql for name, table in TABLES.items()}
"""Qualified table name -> ``CREATE TABLE IF NOT EXISTS`` statement (needs ``CREATE SCHEMA raw`` first)."""


def raw_columns(table: str) -> list[str]:
    """Column names of a raw table, in DDL order."""
    return TABLES[table].column_names


def primary_key(table: str) -> tuple[str, ...]:
    return TABLES[table].primary_key


def validate_table(normalized: NormalizedTable) -> ValidationOutcome:
    """``split_valid`` with the table's schema, its primary key and the records the rows came from."""
    declared = TABLES[normalized.table]
    return split_valid(
        normalized.frame, declared.schema, declared.primary_key, normalized.table, normalized.raw_records
    )
