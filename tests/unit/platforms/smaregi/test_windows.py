from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from smapify_pipeline.platforms.smaregi.convert import JST
from smapify_pipeline.platforms.smaregi.windows import whole_windows_end, windows


def test_a_short_range_is_one_window() -> None:
    start = datetime(2026, 1, 1, tzinfo=JST)
    assert windows(start, start + timedelta(days=3)) == [(start, start + timedelta(days=3))]


def test_datetime_windows_cover_the_range_without_overlap_and_under_31_days() -> None:
    start = datetime(2026, 1, 1, tzinfo=JST)
    end = datetime(2026, 4, 15, 12, tzinfo=JST)
    spans = windows(start, end)
    assert spans[0][0] == start and spans[-1][1] == end
    for (_, a_to), (b_from, _) in zip(spans, spans[1:], strict=False):
        assert b_from == a_to + timedelta(seconds=1)
    assert all(to - frm < timedelta(days=31) for frm, to in spans)
    assert len(spans) == 4


def test_date_windows_hold_31_dates_each() -> None:
    spans = windows(date(2026, 1, 1), date(2026, 3, 3))
    assert spans == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 3, 3)),
    ]


def test_an_exact_31_day_date_range_is_one_window() -> None:
    assert windows(date(2026, 1, 1), date(2026, 1, 31)) == [(date(2026, 1, 1), date(2026, 1, 31))]


def test_empty_and_invalid_ranges() -> None:
    assert windows(date(2026, 2, 1), date(2026, 1, 1)) == []
    with pytest.raises(TypeError):
        windows(date(2026, 1, 1), datetime(2026, 2, 1, tzinfo=JST))
    with pytest.raises(ValueError):
        windows(date(2026, 1, 1), date(2026, 2, 1), max_days=0)


def test_a_range_rounded_up_to_whole_windows_takes_the_same_requests() -> None:
    start = datetime(2026, 1, 1, tzinfo=JST)
    whole = timedelta(days=31) - timedelta(seconds=1)
    for end, reach in [
        (start + timedelta(hours=1), start + whole),
        (start + timedelta(days=90), start + timedelta(days=62) + whole),
        (start - timedelta(hours=1), start + whole),
    ]:
        assert whole_windows_end(start, end) == reach
        assert reach >= end
        assert len(windows(start, reach)) == max(1, len(windows(start, end)))
