"""The sensors' cursor: what counts as a new change, run keys, and the JSON round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smapify_pipeline.change_watch import (
    ANNOUNCE_SKEW,
    INITIAL_LOOKBACK,
    OVERLAP,
    ChangeWatch,
    change_parts,
    run_key,
)
from smapify_pipeline.webhooks.inbox import InboxEvent

T0 = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def _announce(watch: ChangeWatch, record_id: str, at: datetime, seq: int = 1) -> list[str]:
    event = InboxEvent("smaregi", f"d{seq}", "pos:transactions", "created", (record_id,), {}, at, seq=seq)
    return watch.take_inbox([event], [event])


def test_a_first_poll_looks_back_and_later_polls_overlap() -> None:
    watch = ChangeWatch()

    assert watch.poll_from(T0) == T0 - INITIAL_LOOKBACK
    watch.take_polled([("1", T0)], T0)
    assert watch.poll_from(T0) == T0 - OVERLAP
    watch.take_polled([("2", T0 + timedelta(seconds=1))], T0, page_full=True)
    assert watch.poll_from(T0) == T0 + timedelta(seconds=1)


def test_the_same_change_is_new_once_and_a_later_change_of_the_same_record_is_new_again() -> None:
    watch = ChangeWatch()

    first = watch.take_polled([("1", T0)], T0)
    repeat = watch.take_polled([("1", T0)], T0)
    edited = watch.take_polled([("1", T0 + timedelta(minutes=5))], T0)

    assert first == [("1", T0)]
    assert repeat == []
    assert edited == [("1", T0 + timedelta(minutes=5))]


def test_an_announced_record_is_covered_until_it_changes_after_the_announcement() -> None:
    watch = ChangeWatch()
    deliveries = _announce(watch, "7", T0)

    covered = watch.take_polled([("7", T0 - timedelta(seconds=1))], T0)
    voided = watch.take_polled([("7", T0 + ANNOUNCE_SKEW + timedelta(seconds=1))], T0)

    assert deliveries == ["d1"] and watch.inbox_seq == 1
    assert covered == []
    assert voided == [("7", T0 + ANNOUNCE_SKEW + timedelta(seconds=1))]


def test_the_cursor_survives_a_json_round_trip() -> None:
    watch = ChangeWatch()
    _announce(watch, "7", T0, seq=4)
    watch.take_polled([("1", T0), ("2", T0)], T0, page_full=True)

    again = ChangeWatch.parse(watch.dump())

    assert again == watch
    assert ChangeWatch.parse(None) == ChangeWatch()


def test_run_keys_do_not_depend_on_order() -> None:
    changes = [("2", T0), ("1", T0)]

    assert run_key("k", change_parts(changes)) == run_key("k", change_parts(reversed(changes)))
    assert run_key("k", change_parts(changes)) != run_key("k", change_parts(changes[:1]))
