"""Collecting normalized rows of one raw table and typing them into a DataFrame that matches its DDL.

A normalized frame has exactly the table's columns in DDL order plus ``_parse_errors``: for each row, the
values that could not be parsed (``"; "``-joined messages naming the column) or None. ``validate.split_valid``
turns those messages into quarantine reasons and drops the column; nothing else should insert it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

import pandas as pd

from smapify_pipeline.schemas.parse import CONVERTERS, to_timestamp
from smapify_pipeline.schemas.raw_table import Kind, RawTable

PARSE_ERRORS_COLUMN = "_parse_errors"


@dataclass
class NormalizedTable:
    """A raw table's rows, typed, with the API record each row came from (same order)."""

    table: str
    frame: pd.DataFrame
    raw_records: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.frame)


@dataclass
class TableBuilder:
    """Accumulates rows (column -> raw value) for one table, then types them all at once."""

    table: RawTable
    naive_zone: tzinfo | None = None
    """Zone of timestamps sent without an offset; None refuses them."""
    rows: list[dict[str, Any]] = field(default_factory=list)
    raw_records: list[dict[str, Any]] = field(default_factory=list)
    row_errors: list[list[str]] = field(default_factory=list)

    def add(
        self, values: dict[str, Any], raw_record: dict[str, Any], errors: list[str] | None = None
    ) -> None:
        self.rows.append(values)
        self.raw_records.append(raw_record)
        self.row_errors.append(list(errors or ()))

    def build(self, extracted_at: datetime | None = None) -> NormalizedTable:
        when = pd.Timestamp(extracted_at or datetime.now(UTC))
        if when.tzinfo is None:
            raise ValueError("extracted_at must be timezone-aware")
        count = len(self.rows)
        errors = [list(messages) for messages in self.row_errors]
        columns: dict[str, pd.Series] = {}
        for column in self.table.columns:
            if column.name == "extracted_at":
                columns[column.name] = pd.Series(
                    [when.tz_convert("UTC")] * count, dtype="datetime64[ns, UTC]"
                )
                continue
            values = [row.get(column.name) for row in self.rows]
            if column.kind is Kind.TIMESTAMP:
                series, column_errors = to_timestamp(values, column.name, self.naive_zone)
            else:
                series, column_errors = CONVERTERS[column.kind](values, column.name)
            columns[column.name] = series.reset_index(drop=True)
            for position, message in column_errors.items():
                errors[position].append(message)
        frame = pd.DataFrame(columns, index=pd.RangeIndex(count))
        frame[PARSE_ERRORS_COLUMN] = pd.Series(
            ["; ".join(messages) if messages else None for messages in errors], dtype=object
        )
        return NormalizedTable(self.table.name, frame, list(self.raw_records))
