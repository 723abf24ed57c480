"""Splitting a normalized frame into the rows that load and the rows that go to quarantine, with reasons.

``split_valid`` validates lazily with pandera, so every failing row is found in one pass and gets ALL the
reasons that apply, each naming the field and the check: ``price: must be ≥ 0 (got -100)``, ``sku: missing``,
``updated_at: not a timestamp ('2026-13-45')``, ``product_code: duplicate key (2 rows)``. Values that the
normalizer could not parse arrive as messages in ``_parse_errors`` and become reasons too (the null they left
is not reported a second time as "missing").

Duplicate keys: rows identical in every field are one record seen twice (overlapping pages) and are kept once;
rows that share a key but differ are **all** quarantined, because nothing tells which one is right. The same
holds for other unique fields (Smaregi ``product_code``).

Frame-level failures (a column missing, a column of the wrong type that cannot be coerced) cannot be pinned
on a row: every row is quarantined with that reason, so the asset still materializes and its check shows it.

The happy path is one vectorized pandera pass; per-row Python runs only over failing rows.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from smapify_pipeline.schemas.frames import PARSE_ERRORS_COLUMN
from smapify_pipeline.schemas.parse import show
from smapify_pipeline.schemas.patterns import DESCRIPTIONS

QUARANTINE_COLUMNS = ["source_table", "record_key", "reason", "raw_record"]
KEY_SEPARATOR = "|"
REASON_SEPARATOR = "; "
_MAX_PASSES = 3
_UNIQUENESS_CHECKS = ("field_uniqueness", "multiple_fields_uniqueness")
_CHECK_CALL = re.compile(r"^(?P<name>\w+)\((?P<args>.*)\)$", re.DOTALL)


@dataclass(frozen=True)
class ValidationOutcome:
    valid: pd.DataFrame
    """Coerced rows that passed, DDL columns only, fresh RangeIndex."""
    quarantined: pd.DataFrame
    """One row per rejected record: source_table, record_key, reason (all reasons, '; '-joined), raw_record."""
    repeated: int = 0
    """Rows dropped because an identical row with the same key was already there."""

    @property
    def valid_count(self) -> int:
        return len(self.valid)

    @property
    def quarantined_count(self) -> int:
        return len(self.quarantined)


def split_valid(
    df: pd.DataFrame,
    schema: pa.DataFrameSchema,
    key_columns: Sequence[str],
    source_table: str,
    raw_records: list[dict[str, Any]] | None = None,
) -> ValidationOutcome:
    """Validate ``df`` against ``schema``; bad rows go to the quarantine frame with every reason that applies.

    ``raw_records`` (same order as ``df``) are what the API returned, kept as ``raw_record`` JSON; without
    them the row itself is kept.
    """
    if raw_records is not None and len(raw_records) != len(df):
        raise ValueError(f"{len(raw_records)} raw records for {len(df)} rows of {source_table}")
    frame = df.reset_index(drop=True)
    reasons: dict[int, list[str]] = defaultdict(list)
    parsed_columns: dict[int, set[str]] = defaultdict(set)
    if PARSE_ERRORS_COLUMN in frame.columns:
        for position, messages in frame[PARSE_ERRORS_COLUMN].dropna().items():
            for message in str(messages).split(REASON_SEPARATOR):
                reasons[int(position)].append(message)
                parsed_columns[int(position)].add(message.split(":", 1)[0])
        frame = frame.drop(columns=[PARSE_ERRORS_COLUMN])

    repeated = _drop_repeats(frame, key_columns, raw_records)
    for position in repeated:
        reasons.pop(position, None)
    frame_positions = [p for p in range(len(frame)) if p not in repeated] if repeated else None
    _flag_duplicate_keys(frame, key_columns, repeated, reasons)

    candidate = frame if frame_positions is None else frame.iloc[frame_positions]
    valid = _validate_passes(candidate, schema, key_columns, reasons, parsed_columns)
    valid = valid.reset_index(drop=True)

    quarantined = _quarantine_frame(frame, key_columns, source_table, raw_records, reasons)
    return ValidationOutcome(valid=valid, quarantined=quarantined, repeated=len(repeated))


def _validate_passes(
    candidate: pd.DataFrame,
    schema: pa.DataFrameSchema,
    key_columns: Sequence[str],
    reasons: dict[int, list[str]],
    parsed_columns: dict[int, set[str]],
) -> pd.DataFrame:
    """Validate every row (so a row already flagged still gets all its reasons), then re-validate the rows
    that passed; the last pass returns the coerced frame."""
    current = candidate
    for _ in range(_MAX_PASSES):
        if current.empty and len(candidate):
            return current
        flagged = [p for p, found in reasons.items() if found and p in current.index]
        try:
            validated = schema.validate(current, lazy=True)
        except SchemaErrors as errors:
            failing = _reasons_from(errors.failure_cases, current, key_columns, parsed_columns)
            if not failing and not flagged:
                raise
            for position, found in failing.items():
                for reason in found:
                    if reason not in reasons[position]:
                        reasons[position].append(reason)
            current = current.drop(index=sorted(set(failing) | set(flagged)))
            continue
        return validated.drop(index=flagged)
    return schema.validate(current, lazy=True)


def _drop_repeats(
    frame: pd.DataFrame, key_columns: Sequence[str], raw_records: list[dict[str, Any]] | None
) -> set[int]:
    """Positions of rows that repeat an earlier row exactly (same key, same record)."""
    keys = [c for c in key_columns if c in frame.columns]
    if not keys:
        return set()
    complete = frame[keys].notna().all(axis=1)
    duplicated = frame.duplicated(keys, keep=False) & complete
    if not duplicated.any():
        return set()
    seen: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    repeats: set[int] = set()
    for position in duplicated[duplicated].index:
        key = tuple(frame.loc[position, keys])
        fingerprint = _fingerprint(frame, position, raw_records)
        if fingerprint in seen[key]:
            repeats.add(int(position))
        seen[key].add(fingerprint)
    return repeats


def _fingerprint(frame: pd.DataFrame, position: int, raw_records: list[dict[str, Any]] | None) -> str:
    if raw_records is not None:
        return json.dumps(raw_records[position], sort_keys=True, default=str, ensure_ascii=False)
    row = frame.loc[position].drop(labels=["extracted_at"], errors="ignore")
    return json.dumps({k: _plain(v) for k, v in row.items()}, sort_keys=True, default=str)


def _flag_duplicate_keys(
    frame: pd.DataFrame, key_columns: Sequence[str], repeated: set[int], reasons: dict[int, list[str]]
) -> None:
    keys = [c for c in key_columns if c in frame.columns]
    if not keys:
        return
    remaining = frame.drop(index=list(repeated)) if repeated else frame
    complete = remaining[keys].notna().all(axis=1)
    duplicated = remaining.duplicated(keys, keep=False) & complete
    if not duplicated.any():
        return
    label = "+".join(keys)
    groups = remaining[duplicated].groupby(keys, sort=False, dropna=False).groups
    for members in groups.values():
        count = len(members)
        for occurrence, position in enumerate(members, start=1):
            reasons[int(position)].append(f"{label}: duplicate key ({count} rows, #{occurrence})")


def _reasons_from(
    failure_cases: pd.DataFrame,
    frame: pd.DataFrame,
    key_columns: Sequence[str],
    parsed_columns: dict[int, set[str]],
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    value_counts: dict[str, pd.Series] = {}
    for case in failure_cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        check = str(case.check)
        index = case.index
        if index is None or (isinstance(index, float) and index != index):
            reason = _frame_reason(column, check, case.failure_case)
            for position in frame.index:
                found[int(position)].append(reason)
            continue
        position = int(index)
        if case.schema_context == "DataFrameSchema" and check not in _UNIQUENESS_CHECKS:
            # A dataframe-wide check lists every column of a failing row; it is one reason, named by the check.
            column = None
        if column is not None and column in parsed_columns.get(position, ()):
            continue
        if column in key_columns and check in _UNIQUENESS_CHECKS:
            continue
        if check == "field_uniqueness" and column is not None and column not in value_counts:
            value_counts[column] = frame[column].value_counts()
        reason = _row_reason(column, check, case.failure_case, value_counts.get(column or ""))
        if reason not in found[position]:
            found[position].append(reason)
    return found


def _row_reason(column: str | None, check: str, value: Any, counts: pd.Series | None) -> str:
    if column is None:
        return check if ":" in check else f"row: fails {check}"
    if check == "not_nullable":
        return f"{column}: missing"
    if check == "field_uniqueness":
        count = int(counts.get(value, 2)) if counts is not None else 2
        return f"{column}: duplicate key ({count} rows share {show(_plain(value))})"
    call = _CHECK_CALL.match(check)
    name, args = (call["name"], call["args"]) if call else (check, "")
    got = f" (got {show(_plain(value))})"
    if name == "greater_than_or_equal_to":
        return f"{column}: must be ≥ {args}{got}"
    if name == "less_than_or_equal_to":
        return f"{column}: must be ≤ {args}{got}"
    if name == "greater_than":
        return f"{column}: must be > {args}{got}"
    if name == "less_than":
        return f"{column}: must be < {args}{got}"
    if name == "in_range":
        low, _, high = args.partition(",")
        if _below(value, low):
            return f"{column}: must be ≥ {low.strip()}{got}"
        return f"{column}: must be ≤ {high.strip()}{got}"
    if name == "isin":
        return f"{column}: must be one of {_listing(args)}{got}"
    if name == "str_matches":
        pattern = _literal(args)
        description = DESCRIPTIONS.get(str(pattern), f"must match {pattern}")
        return f"{column}: {description}{got}"
    if name == "str_length":
        return f"{column}: length must be {_length_words(args)}{got}"
    if name in ("coerce_dtype", "dtype"):
        return f"{column}: not a valid {_literal(args)}{got}"
    return f"{column}: {check}{got}"


def _frame_reason(column: str | None, check: str, value: Any) -> str:
    if check == "column_in_dataframe":
        return f"{value}: column missing from the extract"
    if check == "column_in_schema":
        return f"{value}: unexpected column in the extract"
    call = _CHECK_CALL.match(check)
    if call and call["name"] == "dtype":
        return f"{column}: column has type {value}, expected {_literal(call['args'])}"
    return f"{column or 'frame'}: fails {check} ({show(_plain(value))})"


def _below(value: Any, low: str) -> bool:
    try:
        return float(value) < float(low)
    except (TypeError, ValueError):
        return False


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _listing(args: str) -> str:
    values = _literal(args)
    if isinstance(values, (list, tuple, set)):
        return ", ".join(str(v) for v in values)
    return str(values)


def _length_words(args: str) -> str:
    low, _, high = args.partition(",")
    low, high = low.strip(), high.strip()
    if low in ("None", "") or low == "1":
        return f"1–{high} characters" if high not in ("None", "") else "at least 1 character"
    if high in ("None", ""):
        return f"at least {low} characters"
    return f"{low}–{high} characters"


def _plain(value: Any) -> Any:
    """A JSON-friendly Python value for pandas/numpy scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return str(value)
    return value


def _record_key(frame: pd.DataFrame, key_columns: Sequence[str], position: int, raw: str) -> str:
    values = [frame.at[position, c] if c in frame.columns else None for c in key_columns]
    if any(_plain(v) is None for v in values):
        return "sha1:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]
    return KEY_SEPARATOR.join(str(_plain(v)) for v in values)


def _quarantine_frame(
    frame: pd.DataFrame,
    key_columns: Sequence[str],
    source_table: str,
    raw_records: list[dict[str, Any]] | None,
    reasons: dict[int, list[str]],
) -> pd.DataFrame:
    rows = []
    for position in sorted(p for p, found in reasons.items() if found):
        record = (
            raw_records[position]
            if raw_records is not None
            else {k: _plain(v) for k, v in frame.loc[position].items()}
        )
        raw = json.dumps(record, ensure_ascii=False, default=str, sort_keys=True)
        rows.append(
            {
                "source_table": source_table,
                "record_key": _record_key(frame, key_columns, position, raw),
                "reason": REASON_SEPARATOR.join(reasons[position]),
                "raw_record": raw,
            }
        )
    return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)
