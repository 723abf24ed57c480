"""Turning raw API values (mostly strings) into typed pandas columns, one column at a time, never raising.

The extract reads records untyped and parses them here, column by column (Smaregi sends every scalar as a
string, Shopify sends decimal strings for money), because one bad value must quarantine its record, not fail
the page. Reads outside the extract (sensors, push lookups) and every write go through the Smaregi client's
record-wise ``platforms/smaregi/convert.py`` instead; both read a time without an offset as JST.
A value that cannot be parsed becomes null and leaves a message
naming the column and the original value, e.g. ``updated_at: not a timestamp ('2026-13-45')``; validation
turns those messages into quarantine reasons. Conversions are vectorized (``pd.to_datetime``,
``pd.to_numeric``) where the type allows, so large extracts stay fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import numpy as np
import pandas as pd

from smapify_pipeline.schemas.raw_table import Kind

ColumnErrors = dict[int, str]
"""Row position -> message for one column."""

_OFFSET = re.compile(r"(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$")
_MAX_SHOWN = 60


def show(value: Any) -> str:
    """A short, quoted rendering of a bad value for a reason text."""
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or _is_nan(value)


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def to_text(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    out: list[str | None] = []
    errors: ColumnErrors = {}
    for position, value in enumerate(values):
        if value is None or type(value) is str:
            out.append(value)
        elif isinstance(value, bool):
            out.append("1" if value else "0")
        elif isinstance(value, (dict, list)) or _is_nan(value):
            out.append(None)
            if not _is_nan(value):
                errors[position] = f"{column}: not text ({show(value)})"
        elif isinstance(value, (int, float)):
            out.append(str(int(value)) if float(value).is_integer() else str(value))
        else:
            out.append(str(value))
    return pd.Series(out, dtype=object), errors


def to_text_list(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    """A list of strings; a comma-joined string (REST ``tags: "a, b"``) is split."""
    out: list[list[str] | None] = []
    errors: ColumnErrors = {}
    for position, value in enumerate(values):
        if value is None:
            out.append(None)
        elif isinstance(value, str):
            out.append([part.strip() for part in value.split(",") if part.strip()])
        elif isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
            out.append(list(value))
        else:
            out.append(None)
            errors[position] = f"{column}: not a list of text ({show(value)})"
    return pd.Series(out, dtype=object), errors


def to_json(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    out = [None if value is None else json.dumps(value, ensure_ascii=False, default=str) for value in values]
    return pd.Series(out, dtype=object), {}


def _numbers(values: Sequence[Any]) -> tuple[pd.Series, pd.Series]:
    """(raw values as an object Series with blanks as None, their float value or NaN)."""
    raw = pd.Series([None if _blank(v) else v for v in values], dtype=object)
    numbers = pd.to_numeric(
        raw.map(lambda v: None if isinstance(v, bool) else v.strip() if isinstance(v, str) else v),
        errors="coerce",
    ).astype("float64")
    return raw, numbers


def to_integer(values: Sequence[Any], column: str, *, yen: bool = False) -> tuple[pd.Series, ColumnErrors]:
    """Whole numbers (``"12"``, ``12``, ``"12.000"``); yen amounts must be whole too (JPY has no minor unit)."""
    raw, numbers = _numbers(values)
    present = raw.notna().to_numpy()
    numeric = numbers.notna().to_numpy()
    whole = numeric & (np.mod(numbers.fillna(0).to_numpy(), 1) == 0) & (np.abs(numbers.fillna(0)) < 2**53)
    errors: ColumnErrors = {}
    for position in np.flatnonzero(present & ~whole):
        value = raw.iat[position]
        if not numeric[position]:
            what = "not an amount" if yen else "not an integer"
        else:
            what = "not whole yen" if yen else "not an integer"
        errors[int(position)] = f"{column}: {what} ({show(value)})"
    result = pd.Series(numbers.where(whole), dtype="float64").astype("Int64")
    return result, errors


def to_decimal(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    raw, numbers = _numbers(values)
    bad = raw.notna().to_numpy() & numbers.isna().to_numpy()
    errors = {int(p): f"{column}: not a number ({show(raw.iat[p])})" for p in np.flatnonzero(bad)}
    return numbers, errors


_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def to_bool(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    out: list[bool | None] = []
    errors: ColumnErrors = {}
    for position, value in enumerate(values):
        if isinstance(value, bool) or value is None:
            out.append(value)
            continue
        text = str(value).strip().lower()
        if text in _TRUE:
            out.append(True)
        elif text in _FALSE:
            out.append(False)
        else:
            out.append(None)
            errors[position] = f"{column}: not true/false ({show(value)})"
    return pd.Series(out, dtype="boolean"), errors


def to_timestamp(
    values: Sequence[Any], column: str, naive_zone: tzinfo | None = None
) -> tuple[pd.Series, ColumnErrors]:
    """ISO-8601 with a UTC offset (``Z`` or ``+09:00``) -> UTC instants.

    A time without an offset is refused, unless ``naive_zone`` says which zone such times are in.
    """
    texts = pd.Series(
        [
            None
            if _blank(v)
            else v.isoformat()
            if isinstance(v, datetime)
            else v.strip()
            if isinstance(v, str)
            else repr(v)
            for v in values
        ],
        dtype=object,
    )
    present = texts.notna().to_numpy()
    if not present.any():
        return pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns, UTC]"), {}
    parsed = pd.to_datetime(texts, format="ISO8601", utc=True, errors="coerce")
    has_offset = texts.str.contains(_OFFSET, na=False).to_numpy()
    naive = present & ~has_offset
    if naive_zone is not None and naive.any():
        parsed = parsed.copy()
        parsed[naive] = _localize(texts, naive, naive_zone)
        has_offset = present
    parsed_ok = parsed.notna().to_numpy()
    errors: ColumnErrors = {}
    for position in np.flatnonzero(present & ~(parsed_ok & has_offset)):
        original = values[int(position)]
        what = "timestamp without UTC offset" if parsed_ok[position] else "not a timestamp"
        errors[int(position)] = f"{column}: {what} ({show(original)})"
    good = present & parsed_ok & has_offset
    result = parsed.where(pd.Series(good, index=parsed.index)).astype("datetime64[ns, UTC]")
    return result, errors


def _localize(texts: pd.Series, naive: np.ndarray, zone: tzinfo) -> pd.Series:
    local = pd.to_datetime(texts[naive], format="ISO8601", errors="coerce")
    return local.dt.tz_localize(zone).dt.tz_convert("UTC")


def to_date(values: Sequence[Any], column: str) -> tuple[pd.Series, ColumnErrors]:
    """``YYYY-MM-DD`` -> midnight (naive; stored as DATE)."""
    texts = pd.Series(
        [None if _blank(v) else v.isoformat() if isinstance(v, date) else str(v).strip() for v in values],
        dtype=object,
    )
    parsed = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
    bad = texts.notna().to_numpy() & parsed.isna().to_numpy()
    errors = {int(p): f"{column}: not a date ({show(values[int(p)])})" for p in np.flatnonzero(bad)}
    return parsed.astype("datetime64[ns]"), errors


CONVERTERS: dict[Kind, Callable[[Sequence[Any], str], tuple[pd.Series, ColumnErrors]]] = {
    Kind.TEXT: to_text,
    Kind.TEXT_LIST: to_text_list,
    Kind.JSON: to_json,
    Kind.YEN: lambda values, column: to_integer(values, column, yen=True),
    Kind.INT: to_integer,
    Kind.DECIMAL: to_decimal,
    Kind.BOOL: to_bool,
    Kind.TIMESTAMP: to_timestamp,
    Kind.DATE: to_date,
}
