"""Split a date or date-time range into windows Smaregi accepts (each range filter spans at most 31 days).

Smaregi's ``-from``/``-to`` filters are inclusive, so windows do not overlap: a date-time window ends one
second before the next begins (``[t, t + 31 days - 1 s]``), a date window covers 31 dates
(``[d, d + 30 days]``). A window is thus shorter than 31 days under any reading of the limit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

MAX_WINDOW_DAYS = 31

T = TypeVar("T", date, datetime)


def windows(start: T, end: T, max_days: int = MAX_WINDOW_DAYS) -> list[tuple[T, T]]:
    """Inclusive ``(from, to)`` pairs covering ``[start, end]`` in order; empty if ``end < start``."""
    if max_days < 1:
        raise ValueError("max_days must be at least 1")
    if isinstance(start, datetime) != isinstance(end, datetime):
        raise TypeError("start and end must both be dates or both be datetimes")
    step = timedelta(seconds=1) if isinstance(start, datetime) else timedelta(days=1)
    span = timedelta(days=max_days) - step
    result: list[tuple[T, T]] = []
    current = start
    while current <= end:
        window_end = min(current + span, end)
        result.append((current, window_end))
        current = window_end + step
    return result


def whole_windows_end(start: datetime, end: datetime, max_days: int = MAX_WINDOW_DAYS) -> datetime:
    """The end of ``[start, end]`` rounded up to whole windows (at least one): the same requests as
    :func:`windows` makes for ``[start, end]``, reaching as far as they may."""
    spans = windows(start, end, max_days)
    last_start = spans[-1][0] if spans else start
    return last_start + timedelta(days=max_days) - timedelta(seconds=1)
