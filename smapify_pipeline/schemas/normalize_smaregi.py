"""Smaregi Platform API records -> raw tables.

Smaregi sends every scalar as a string (``"price": "1200"``, times as ``2026-02-10T16:36:27+09:00``) and names
fields in camelCase; each raw column is the snake_case of its API field (``transactionHeadId`` ->
``transaction_head_id``). Codes and ids stay strings.

Input may be the raw strings or records already typed by ``platforms/smaregi/convert.from_smaregi`` (int ids
become digit strings again, ``True``/``False`` flags ``"1"``/``"0"``, Decimals and aware datetimes are taken
as they are). Strings are parsed column-wise by ``parse.py``, which never raises: ``from_smaregi`` raises on
the first bad field, which would lose the record and the reason, so extracts that must quarantine bad records
should hand over the untyped strings. A time without an offset is taken as JST, as ``convert.py`` does. A value
that cannot be parsed is left null and named in ``_parse_errors`` so validation quarantines the row together
with its original record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from smapify_pipeline.schemas import choices
from smapify_pipeline.schemas.ddl import TABLES
from smapify_pipeline.schemas.frames import NormalizedTable, TableBuilder

STORES = "raw.smaregi_stores"
CATEGORIES = "raw.smaregi_categories"
PRODUCTS = "raw.smaregi_products"
STOCK = "raw.smaregi_stock"
TRANSACTIONS = "raw.smaregi_transactions"
TRANSACTION_DETAILS = "raw.smaregi_transaction_details"

_NOT_FROM_API = frozenset({"extracted_at", "deleted_at"})
_WORD = re.compile(r"_([a-z0-9])")


def api_field(column: str) -> str:
    """``transaction_head_id`` -> ``transactionHeadId``."""
    return _WORD.sub(lambda match: match[1].upper(), column)


def _field_map(table: str) -> list[tuple[str, str]]:
    return [(c, api_field(c)) for c in TABLES[table].column_names if c not in _NOT_FROM_API]


def _normalize(
    table: str, records: Iterable[dict[str, Any]], extracted_at: datetime | None
) -> NormalizedTable:
    fields = _field_map(table)
    builder = TableBuilder(table, naive_zone=choices.SMAREGI_NAIVE_TIME_ZONE)
    for record in records:
        builder.add({column: record.get(name) for column, name in fields}, record)
    return builder.build(extracted_at)


def normalize_smaregi_stores(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return _normalize(STORES, records, extracted_at)


def normalize_smaregi_categories(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return _normalize(CATEGORIES, records, extracted_at)


def normalize_smaregi_products(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return _normalize(PRODUCTS, records, extracted_at)


def normalize_smaregi_stock(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return _normalize(STOCK, records, extracted_at)


def normalize_smaregi_transactions(
    records: Iterable[dict[str, Any]],
    details: Iterable[dict[str, Any]] = (),
    extracted_at: datetime | None = None,
) -> dict[str, NormalizedTable]:
    """Transaction heads and their detail lines.

    Details come embedded (``with_details=all`` puts them under ``details``) or separately (``GET
    /transactions/{id}/details`` rows, which carry ``transactionHeadId``); an embedded line without
    ``transactionHeadId`` takes its head's. The head's raw record is kept without its ``details``.
    """
    heads: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for record in records:
        embedded = record.get("details")
        heads.append({key: value for key, value in record.items() if key != "details"})
        if isinstance(embedded, list):
            head_id = record.get("transactionHeadId")
            for line in embedded:
                if isinstance(line, dict):
                    lines.append(
                        line if "transactionHeadId" in line else {"transactionHeadId": head_id, **line}
                    )
    lines.extend(details)
    extracted_at = extracted_at or datetime.now(UTC)
    return {
        TRANSACTIONS: _normalize(TRANSACTIONS, heads, extracted_at),
        TRANSACTION_DETAILS: _normalize(TRANSACTION_DETAILS, lines, extracted_at),
    }
