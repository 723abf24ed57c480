from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import product

import duckdb
import pytest

from smapify_pipeline.warehouse import (
    ALLOWED_TRANSITIONS,
    ConcurrentLedgerUpdate,
    IllegalTransition,
    LedgerKeyConflict,
    LedgerStatus,
    PayloadChanged,
    ledger,
)

KEY = "smaregi:smapifysandbox:txn:1001:order"
T0 = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)

FROM_STATES: list[LedgerStatus | None] = [None, *LedgerStatus]
ILLEGAL = sorted(
    (pair for pair in product(FROM_STATES, LedgerStatus) if pair not in ALLOWED_TRANSITIONS),
    key=lambda pair: (str(pair[0]), str(pair[1])),
)


def put_in_state(conn: duckdb.DuckDBPyConnection, state: LedgerStatus | None) -> None:
    """Drive KEY to ``state`` through allowed transitions only."""
    if state is None:
        return
    ledger.begin(conn, KEY, "order", "shopify", "hash-1", now=T0)
    if state is LedgerStatus.APPLIED:
        ledger.mark_applied(conn, KEY, "gid://shopify/Order/1", now=T0)
    elif state is LedgerStatus.FAILED:
        ledger.mark_failed(conn, KEY, "422 invalid", now=T0)


def move_to(conn: duckdb.DuckDBPyConnection, state: LedgerStatus) -> Callable[[], object]:
    moves: dict[LedgerStatus, Callable[[], object]] = {
        LedgerStatus.PENDING: lambda: ledger.begin(conn, KEY, "order", "shopify", "hash-1"),
        LedgerStatus.APPLIED: lambda: ledger.mark_applied(conn, KEY, "gid://shopify/Order/2"),
        LedgerStatus.FAILED: lambda: ledger.mark_failed(conn, KEY, "boom"),
    }
    return moves[state]


def test_the_decided_transitions() -> None:
    pending, applied, failed = LedgerStatus.PENDING, LedgerStatus.APPLIED, LedgerStatus.FAILED
    assert {
        (None, pending),
        (pending, applied),
        (pending, failed),
        (pending, pending),
        (failed, pending),
    } == ALLOWED_TRANSITIONS
    assert set(ILLEGAL) == {
        (None, applied),
        (None, failed),
        (applied, pending),
        (applied, applied),
        (applied, failed),
        (failed, applied),
        (failed, failed),
    }


@pytest.mark.parametrize(("from_state", "to_state"), ILLEGAL, ids=lambda s: str(s) if s else "absent")
def test_every_illegal_transition_is_refused(
    conn: duckdb.DuckDBPyConnection, from_state: LedgerStatus | None, to_state: LedgerStatus
) -> None:
    put_in_state(conn, from_state)
    before = ledger.get(conn, KEY)

    with pytest.raises(IllegalTransition) as refused:
        move_to(conn, to_state)()

    assert (refused.value.key, refused.value.from_status, refused.value.to_status) == (
        KEY,
        from_state,
        to_state,
    )
    assert KEY in str(refused.value)
    assert ledger.get(conn, KEY) == before


@pytest.mark.parametrize(("from_state", "to_state"), sorted(ALLOWED_TRANSITIONS, key=str))
def test_every_allowed_transition_is_accepted(
    conn: duckdb.DuckDBPyConnection, from_state: LedgerStatus | None, to_state: LedgerStatus
) -> None:
    put_in_state(conn, from_state)
    move_to(conn, to_state)()
    entry = ledger.get(conn, KEY)
    assert entry is not None
    assert entry.status is to_state


def test_a_first_begin_records_a_pending_write(conn: duckdb.DuckDBPyConnection) -> None:
    entry = ledger.begin(conn, KEY, "order", "shopify", "hash-1", now=T0)
    assert (entry.status, entry.attempts, entry.generation) == (LedgerStatus.PENDING, 1, 1)
    assert (entry.kind, entry.target, entry.payload_hash) == ("order", "shopify", "hash-1")
    assert entry.created_at == entry.updated_at == T0
    assert entry.idempotency_key == f"{KEY}#1"
    assert ledger.get(conn, KEY) == entry


def test_an_unknown_outcome_is_retried_with_the_same_idempotency_key(conn: duckdb.DuckDBPyConnection) -> None:
    first = ledger.begin(conn, KEY, "order", "shopify", "hash-1", now=T0)
    retry = ledger.begin(conn, KEY, "order", "shopify", "hash-1", now=T0 + timedelta(minutes=1))
    assert (retry.attempts, retry.generation) == (2, 1)
    assert retry.idempotency_key == first.idempotency_key
    assert retry.created_at == T0
    assert retry.updated_at == T0 + timedelta(minutes=1)


def test_an_unknown_outcome_cannot_change_its_payload(conn: duckdb.DuckDBPyConnection) -> None:
    ledger.begin(conn, KEY, "inventory", "shopify", "hash-1")
    with pytest.raises(PayloadChanged):
        ledger.begin(conn, KEY, "inventory", "shopify", "hash-2")
    entry = ledger.get(conn, KEY)
    assert entry is not None
    assert (entry.attempts, entry.payload_hash) == (1, "hash-1")


def test_a_retry_after_a_proven_failure_takes_a_new_generation(conn: duckdb.DuckDBPyConnection) -> None:
    ledger.begin(conn, KEY, "inventory", "shopify", "hash-1")
    failed = ledger.mark_failed(conn, KEY, "CHANGE_FROM_QUANTITY_STALE")
    assert (failed.status, failed.error, failed.attempts) == (
        LedgerStatus.FAILED,
        "CHANGE_FROM_QUANTITY_STALE",
        1,
    )

    retry = ledger.begin(conn, KEY, "inventory", "shopify", "hash-2")
    assert (retry.attempts, retry.generation, retry.payload_hash) == (2, 2, "hash-2")
    assert retry.idempotency_key == f"{KEY}#2"

    applied = ledger.mark_applied(conn, KEY, "gid://shopify/InventoryAdjustmentGroup/7", now=T0)
    assert (applied.status, applied.remote_id, applied.applied_at) == (
        LedgerStatus.APPLIED,
        "gid://shopify/InventoryAdjustmentGroup/7",
        T0,
    )


def test_a_key_cannot_be_reused_for_another_write(conn: duckdb.DuckDBPyConnection) -> None:
    ledger.begin(conn, KEY, "order", "shopify")
    with pytest.raises(LedgerKeyConflict):
        ledger.begin(conn, KEY, "refund", "shopify")
    with pytest.raises(LedgerKeyConflict):
        ledger.begin(conn, KEY, "order", "smaregi")


def test_rows_by_status(conn: duckdb.DuckDBPyConnection) -> None:
    for number, (kind, target) in enumerate(
        [("order", "shopify"), ("order", "smaregi"), ("refund", "shopify")]
    ):
        ledger.begin(conn, f"k{number}", kind, target, now=T0 + timedelta(seconds=number))
    ledger.begin(conn, "k3", "inventory", "shopify")
    ledger.mark_failed(conn, "k3", "no such location")
    ledger.begin(conn, "k4", "inventory", "shopify")
    ledger.mark_applied(conn, "k4", None)

    assert [e.key for e in ledger.pending_rows(conn)] == ["k0", "k1", "k2"]
    assert [e.key for e in ledger.pending_rows(conn, kind="order")] == ["k0", "k1"]
    assert [e.key for e in ledger.pending_rows(conn, target="shopify")] == ["k0", "k2"]
    assert [e.key for e in ledger.failed_rows(conn)] == ["k3"]
    assert ledger.status_counts(conn) == {
        LedgerStatus.PENDING: 3,
        LedgerStatus.APPLIED: 1,
        LedgerStatus.FAILED: 1,
    }


def test_the_status_column_refuses_unknown_states(conn: duckdb.DuckDBPyConnection) -> None:
    ledger.begin(conn, KEY, "order", "shopify")
    with pytest.raises(duckdb.ConstraintException):
        conn.execute("UPDATE sync.ledger SET status = 'done' WHERE key = ?", [KEY])


@pytest.mark.parametrize(
    ("error", "secret"),
    [
        ("401 Unauthorized; Authorization: Bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
        ('token refused {"access_token": "shpat_abcdef123"}', "shpat_abcdef123"),
        ("POST /token client_secret=s3cr3t&grant_type=client_credentials", "s3cr3t"),
        ("X-Shopify-Access-Token: shpat_live_999", "shpat_live_999"),
    ],
)
def test_errors_are_stored_without_credentials(
    conn: duckdb.DuckDBPyConnection, error: str, secret: str
) -> None:
    ledger.begin(conn, KEY, "order", "shopify")
    stored = ledger.mark_failed(conn, KEY, error).error
    assert stored is not None
    assert secret not in stored
    assert "***" in stored


def test_long_errors_are_shortened(conn: duckdb.DuckDBPyConnection) -> None:
    ledger.begin(conn, KEY, "order", "shopify")
    stored = ledger.mark_failed(conn, KEY, "x" * 10_000).error
    assert stored is not None
    assert len(stored) == ledger.MAX_ERROR_LENGTH


def test_a_write_that_lost_a_race_is_refused(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer marks the key applied between our read and our write: our write must not land."""
    ledger.begin(conn, KEY, "order", "shopify")
    real_get = ledger.get
    other_writer = conn.cursor()

    def read_then_lose_the_race(connection: duckdb.DuckDBPyConnection, key: str) -> object:
        entry = real_get(connection, key)
        monkeypatch.setattr(ledger, "get", real_get)
        ledger.mark_applied(other_writer, key, "gid://shopify/Order/9")
        return entry

    monkeypatch.setattr(ledger, "get", read_then_lose_the_race)
    with pytest.raises(ConcurrentLedgerUpdate):
        ledger.mark_failed(conn, KEY, "timeout")

    entry = ledger.get(conn, KEY)
    assert entry is not None
    assert (entry.status, entry.remote_id, entry.error) == (
        LedgerStatus.APPLIED,
        "gid://shopify/Order/9",
        None,
    )
