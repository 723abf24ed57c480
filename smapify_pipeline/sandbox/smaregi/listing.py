"""Query conventions of Smaregi POS lists: paging, sort, fields, ranges and JST timestamps.

Parsing only; the state model applies the result. Every failure is a 400 problem with a Japanese detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

from smapify_pipeline.sandbox.smaregi import choices
from smapify_pipeline.sandbox.smaregi.errors import bad_request

JST = timezone(timedelta(hours=9))
MAX_LIMIT = 1000
MAX_LIMIT_WITH_DETAILS = 100
DEFAULT_LIMIT = 100

_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^-?\d+$")
T = TypeVar("T")


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+09:00``, the only form Smaregi sends."""
    return moment.astimezone(JST).strftime("%Y-%m-%dT%H:%M:%S+09:00")


def format_date(moment: datetime) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%d")


def parse_time(value: str, name: str) -> datetime:
    """A query or body timestamp; an unencoded ``+`` arrives as a space and is refused, as on Smaregi."""
    return _parse(value, name, _DATETIME, "YYYY-MM-DDThh:mm:ssTZD", "日時", datetime.fromisoformat)


def parse_date(value: str, name: str) -> date:
    return _parse(value, name, _DATE, "YYYY-MM-DD", "日付", date.fromisoformat)


def _parse(
    value: str, name: str, shape: re.Pattern[str], form: str, what: str, parse: Callable[[str], T]
) -> T:
    """``parse(value)``; a value not of ``shape`` or not a real moment is a 400 naming ``name``."""
    if not shape.match(value):
        raise bad_request(f"{name}の形式が不正です。{form}形式で指定してください")
    try:
        return parse(value)
    except ValueError as exc:
        raise bad_request(f"{name}の{what}が不正です") from exc


def parse_int(value: str, name: str, low: int | None = None, high: int | None = None) -> int:
    if not _INT.match(value):
        raise bad_request(f"{name}は整数で指定してください")
    number = int(value)
    if (low is not None and number < low) or (high is not None and number > high):
        raise bad_request(f"{name}は{low}以上{high}以下で指定してください")
    return number


@dataclass(frozen=True)
class Paging:
    limit: int
    page: int

    def window(self) -> slice:
        start = (self.page - 1) * self.limit
        return slice(start, start + self.limit)


def parse_paging(query: Mapping[str, str], max_limit: int = MAX_LIMIT) -> Paging:
    limit = parse_int(query["limit"], "limit", 1, max_limit) if "limit" in query else DEFAULT_LIMIT
    page = parse_int(query["page"], "page", 1, 10**9) if "page" in query else 1
    return Paging(limit, page)


SortSpec = tuple[tuple[str, bool], ...]


def parse_sort(query: Mapping[str, str], allowed: Iterable[str], default: SortSpec) -> SortSpec:
    raw = query.get("sort")
    if not raw:
        return default
    allowed_set = set(allowed)
    spec: list[tuple[str, bool]] = []
    for part in raw.split(","):
        field, _, direction = part.strip().partition(":")
        if field not in allowed_set or direction not in {"", "asc", "desc"}:
            raise bad_request(f"sortに指定された値[{part}]は不正です")
        spec.append((field, direction == "desc"))
    return tuple(spec)


def parse_fields(query: Mapping[str, str], known: Iterable[str]) -> tuple[str, ...] | None:
    raw = query.get("fields")
    if not raw:
        return None
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    unknown = [name for name in names if name not in set(known)]
    if unknown:
        raise bad_request(f"fieldsに指定された項目[{','.join(unknown)}]は存在しません")
    return names


TimeRange = tuple[str, str]
"""(from, to) as JST strings, comparable with stored timestamps."""


def parse_time_range(
    query: Mapping[str, str], snake: str, max_days: int | None = choices.MAX_RANGE_DAYS
) -> TimeRange | None:
    """``{snake}-from`` / ``{snake}-to``: both ends, ``to`` not before ``from``, at most ``max_days`` apart."""
    low_raw, high_raw = query.get(f"{snake}-from"), query.get(f"{snake}-to")
    if low_raw is None and high_raw is None:
        return None
    if (low_raw is None or high_raw is None) and choices.RANGE_NEEDS_BOTH_ENDS:
        raise bad_request(f"{snake}-fromと{snake}-toは両方指定してください")
    low = parse_time(low_raw, f"{snake}-from") if low_raw else None
    high = parse_time(high_raw, f"{snake}-to") if high_raw else None
    if low and high:
        if high < low:
            raise bad_request(f"{snake}-toは{snake}-from以降の日時を指定してください")
        if max_days is not None and high - low > timedelta(days=max_days):
            raise bad_request(f"{snake}-fromと{snake}-toの期間は{max_days}日以内で指定してください")
    return (format_time(low) if low else "", format_time(high) if high else "\uffff")


def parse_date_range(
    query: Mapping[str, str], snake: str, max_days: int = choices.MAX_RANGE_DAYS
) -> TimeRange | None:
    """Date ranges: ``max_days`` calendar days, both ends included."""
    low_raw, high_raw = query.get(f"{snake}-from"), query.get(f"{snake}-to")
    if low_raw is None and high_raw is None:
        return None
    if low_raw is None or high_raw is None:
        raise bad_request(f"{snake}-fromと{snake}-toは両方指定してください")
    low, high = parse_date(low_raw, f"{snake}-from"), parse_date(high_raw, f"{snake}-to")
    if high < low:
        raise bad_request(f"{snake}-toは{snake}-from以降の日付を指定してください")
    if (high - low).days >= max_days:
        raise bad_request(f"{snake}-fromと{snake}-toの期間は{max_days}日以内で指定してください")
    return (low.isoformat(), high.isoformat())


def sort_value(value: Any) -> tuple[int, Any]:
    """Numeric strings sort as numbers (ids, amounts), other strings as text, nulls first."""
    if value is None:
        return (0, 0)
    if isinstance(value, str) and _INT.match(value):
        return (1, int(value))
    return (2, str(value))


def sort_rows(rows: list[dict[str, Any]], spec: SortSpec) -> list[dict[str, Any]]:
    for field, descending in reversed(spec):
        rows.sort(key=_sort_key(field), reverse=descending)
    return rows


def _sort_key(field: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    return lambda row: sort_value(row.get(field))


def project(rows: Iterable[dict[str, Any]], fields: tuple[str, ...] | None) -> list[dict[str, Any]]:
    if fields is None:
        return list(rows)
    return [{name: row.get(name) for name in fields} for row in rows]


def in_range(value: str | None, bounds: TimeRange) -> bool:
    return value is not None and bounds[0] <= value <= bounds[1]


Predicate = Callable[[dict[str, Any]], bool]
