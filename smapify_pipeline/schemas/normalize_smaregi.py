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

from collections.abc import Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from smapify_pipeline.schemas import choices, smaregi
from smapify_pipeline.schemas.frames import NormalizedTable, TableBuilder
from smapify_pipeline.schemas.raw_table import RawTable, api_field


def normalize_smaregi(
    table: RawTable, records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    """Each record's API fields (the camelCase of the table's columns) typed into the table's columns."""
    fields = [(name, api_field(name)) for name in table.api_columns]
    builder = TableBuilder(table, naive_zone=choices.SMAREGI_NAIVE_TIME_ZONE)
    for record in records:
        builder.add({column: record.get(name) for column, name in fields}, record)
    return builder.build(extracted_at)


normalize_smaregi_stores = partial(normalize_smaregi, smaregi.STORES)
normalize_smaregi_categories = partial(normalize_smaregi, smaregi.CATEGORIES)
normalize_smaregi_products = partial(normalize_smaregi, smaregi.PRODUCTS)
normalize_smaregi_stock = partial(normalize_smaregi, smaregi.STOCK)


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
        smaregi.TRANSACTIONS.name: normalize_smaregi(smaregi.TRANSACTIONS, heads, extracted_at),
        smaregi.TRANSACTION_DETAILS.name: normalize_smaregi(smaregi.TRANSACTION_DETAILS, lines, extracted_at),
    }
