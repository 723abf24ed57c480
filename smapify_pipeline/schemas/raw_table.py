"""How a raw table is declared: once, as a list of columns, each with its type and its validation rule.

Everything else derives from the declaration: the DuckDB ``CREATE TABLE`` statement, the pandera schema that
validates a normalized frame, the column list the normalizers fill, and each column's API field (the camelCase
of its name unless a normalizer maps it).

Conventions: snake_case columns; ids are VARCHAR (Shopify GIDs kept whole, Smaregi ids as their digit strings);
yen is BIGINT; timestamps are TIMESTAMPTZ; Smaregi codes are VARCHAR as the API spells them; every table has
``extracted_at``; records that can disappear have ``deleted_at``, NULL while present.

Every column is coerced to its type except timestamps: coercing a naive timestamp to a UTC-aware dtype would
silently assume UTC, so a naive column fails its dtype check instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.api.dataframe.model_components import FieldInfo

from smapify_pipeline.schemas import patterns


class Kind(StrEnum):
    """How a raw API value becomes a column value (see ``parse.py``)."""

    TEXT = "text"
    TEXT_LIST = "text_list"
    JSON = "json"
    YEN = "yen"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    TIMESTAMP = "timestamp"
    DATE = "date"


_SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.TEXT_LIST: "VARCHAR[]",
    Kind.JSON: "JSON",
    Kind.YEN: "BIGINT",
    Kind.INT: "INTEGER",
    Kind.DECIMAL: "DECIMAL(15, 5)",
    Kind.BOOL: "BOOLEAN",
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.DATE: "DATE",
}

_DTYPES: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.TEXT_LIST: object,
    Kind.JSON: str,
    Kind.YEN: pd.Int64Dtype,
    Kind.INT: pd.Int64Dtype,
    Kind.DECIMAL: float,
    Kind.BOOL: pd.BooleanDtype,
    Kind.TIMESTAMP: pd.DatetimeTZDtype,
    Kind.DATE: pa.DateTime,
}

UTC_NS = {"unit": "ns", "tz": "UTC"}
INTEGER_LIMIT = 2_147_483_647
"""DuckDB INTEGER bound: quantities outside it could not be stored."""
BOOKKEEPING = ("deleted_at", "extracted_at")
"""Columns the pipeline fills, not the API."""
_WORD = re.compile(r"_([a-z0-9])")


def api_field(column: str) -> str:
    """``transaction_head_id`` -> ``transactionHeadId``."""
    return _WORD.sub(lambda match: match[1].upper(), column)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    rule: FieldInfo
    """What a valid value is (``pa.Field``: nullability, checks, uniqueness, coercion)."""

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]

    def schema_column(self) -> pa.Column:
        return pa.Column(**self.rule.column_properties(_DTYPES[self.kind], name=self.name))


@dataclass(frozen=True)
class RawTable:
    name: str
    """Qualified, e.g. ``raw.shopify_products``."""
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    checks: tuple[pa.Check, ...] = ()
    """Rules across columns of one row."""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def api_columns(self) -> list[str]:
        """The columns a normalizer fills from an API record."""
        return [name for name in self.column_names if name not in BOOKKEEPING]

    @property
    def create_sql(self) -> str:
        lines = []
        for column in self.columns:
            not_null = " NOT NULL" if column.name in self.primary_key or column.name == "extracted_at" else ""
            lines.append(f'    "{column.name}" {column.sql_type}{not_null}')
        key = ", ".join(f'"{name}"' for name in self.primary_key)
        lines.append(f"    PRIMARY KEY ({key})")
        body = ",\n".join(lines)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n{body}\n);"

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema of a valid frame: exactly these columns, the key unique."""
        return pa.DataFrameSchema(
            {column.name: column.schema_column() for column in self.columns},
            checks=list(self.checks),
            unique=list(self.primary_key),
            strict=True,
            name=self.name,
        )


def table(
    name: str,
    key: tuple[str, ...],
    *columns: Column | Iterable[Column],
    deletable: bool = False,
    checks: tuple[pa.Check, ...] = (),
) -> RawTable:
    """A raw table of ``columns`` (single columns or groups), then ``deleted_at`` if deletable, then
    ``extracted_at``."""
    cols = [c for group in columns for c in ([group] if isinstance(group, Column) else group)]
    if deletable:
        cols.append(timestamp("deleted_at", nullable=True))
    cols.append(timestamp("extracted_at"))
    declared = RawTable(name, tuple(cols), key, checks)
    names = declared.column_names
    if len(set(names)) != len(names):
        raise ValueError(f"{name}: a column is declared twice")
    missing = set(key) - set(names)
    if missing:
        raise ValueError(f"{name}: primary key columns {sorted(missing)} are not columns")
    return declared


# -- Columns -----------------------------------------------------------------------------------------------


def column(name: str, kind: Kind, **rules: Any) -> Column:
    """A column coerced to its kind's type; ``rules`` are ``pa.Field`` checks (``ge=1``, ``isin=[...]``)."""
    return Column(name, kind, pa.Field(coerce=True, **rules))


def text(name: str, *, nullable: bool = True, max_length: int | None = None) -> Column:
    """Free text; when required it must not be empty."""
    if max_length is None:
        return column(
            name, Kind.TEXT, nullable=nullable, str_length={"min_value": 1} if not nullable else None
        )
    return column(name, Kind.TEXT, nullable=nullable, str_length={"min_value": 1, "max_value": max_length})


def texts(*names: str) -> list[Column]:
    """Optional free-text columns without rules."""
    return [text(name) for name in names]


def matching(name: str, pattern: str, *, nullable: bool = False, unique: bool = False) -> Column:
    return column(name, Kind.TEXT, str_matches=pattern, nullable=nullable, unique=unique)


def shopify_id(name: str, type_name: str, *, nullable: bool = False) -> Column:
    return matching(name, patterns.shopify_gid(type_name), nullable=nullable)


def smaregi_id(name: str, *, nullable: bool = False, pattern: str = patterns.SMAREGI_ID) -> Column:
    return matching(name, pattern, nullable=nullable)


def code(name: str, values: Iterable[str], *, nullable: bool = False) -> Column:
    return column(name, Kind.TEXT, isin=list(values), nullable=nullable)


def yen(name: str, *, nullable: bool = True, ge: int | None = 0, limit: int | None = None) -> Column:
    """Whole yen, never negative unless ``ge`` is None; within ``±limit`` when given."""
    if limit is not None:
        low = -limit if ge is None else ge
        return column(name, Kind.YEN, nullable=nullable, in_range={"min_value": low, "max_value": limit})
    if ge is None:
        return column(name, Kind.YEN, nullable=nullable)
    return column(name, Kind.YEN, nullable=nullable, ge=ge)


def yens(*names: str) -> list[Column]:
    """Optional amounts, never negative."""
    return [yen(name) for name in names]


def integer(
    name: str, *, nullable: bool = False, ge: int | None = None, limit: int = INTEGER_LIMIT
) -> Column:
    low = -limit if ge is None else ge
    return column(name, Kind.INT, nullable=nullable, in_range={"min_value": low, "max_value": limit})


def percent(name: str) -> Column:
    """An optional whole-number tax rate."""
    return column(name, Kind.INT, nullable=True, in_range={"min_value": 0, "max_value": 100})


def flags(*names: str) -> list[Column]:
    """Optional booleans."""
    return [column(name, Kind.BOOL, nullable=True) for name in names]


def timestamp(name: str, *, nullable: bool = False) -> Column:
    return Column(name, Kind.TIMESTAMP, pa.Field(nullable=nullable, dtype_kwargs=UTC_NS))
