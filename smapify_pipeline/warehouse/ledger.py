"""``sync.ledger``: one row per planned write, so every change reaches the other side exactly once
(docs/architecture.md, "Ledger and exactly-once").

States and the only allowed moves (``ALLOWED_TRANSITIONS``, the single place they are decided):

* (no row) → pending   ``begin``: the write is about to be sent; attempts = 1, generation = 1.
* pending → applied    ``mark_applied``: a confirmed answer, with the remote id. **Terminal.**
* pending → failed     ``mark_failed``: a confirmed answer proving nothing was applied (a permanent error,
  or e.g. ``CHANGE_FROM_QUANTITY_STALE``), with the error.
* pending → pending    ``begin`` again: the previous outcome is unknown (timeout, dropped answer, crash). The
  caller must first have looked for its marker on the remote side and not found it. attempts + 1; the
  generation is kept and the payload hash must not change, because an unknown outcome is retried with the
  same idempotency key and the same variables.
* failed → pending     ``begin`` again: a retry after a proven non-application. attempts + 1 and
  generation + 1, and the payload may change (re-read, new variables).

Everything else raises ``IllegalTransition`` naming the key, the from-state and the to-state: an applied row
never moves again, a failed row must be begun before it can be applied or fail again, and a key with no row can
only be begun.

``error`` keeps the text of the last failure even after a later attempt succeeds (it is history, not state).

``LedgerEntry.idempotency_key`` (``"{key}#{generation}"``) is what Shopify's ``@idempotent(key:)`` gets: the
same for every retry of an unknown outcome, new after a proven failure.

Every write is a compare-and-set on the row's (status, attempts) as read, so two writers that raced on the
same key cannot both succeed; the loser gets ``IllegalTransition``/``ConcurrentLedgerUpdate``. Error texts are
shortened and bearer tokens / secrets that look like ``key=value`` are masked before they are stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

import duckdb

from smapify_pipeline.warehouse.queries import first_row

MAX_ERROR_LENGTH = 2000


class LedgerStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    FAILED = "failed"


ALLOWED_TRANSITIONS: frozenset[tuple[LedgerStatus | None, LedgerStatus]] = frozenset(
    {
        (None, LedgerStatus.PENDING),
        (LedgerStatus.PENDING, LedgerStatus.APPLIED),
        (LedgerStatus.PENDING, LedgerStatus.FAILED),
        (LedgerStatus.PENDING, LedgerStatus.PENDING),
        (LedgerStatus.FAILED, LedgerStatus.PENDING),
    }
)
"""(from, to) pairs that are allowed; ``None`` as from means the key has no row yet."""


class LedgerError(RuntimeError):
    """A ledger write was refused; the row is unchanged."""


class IllegalTransition(LedgerError):
    def __init__(self, key: str, from_status: LedgerStatus | None, to_status: LedgerStatus) -> None:
        self.key = key
        self.from_status = from_status
        self.to_status = to_status
        shown_from = from_status.value if from_status else "(no row)"
        super().__init__(
            f"ledger key {key!r}: {shown_from} -> {to_status.value} is not an allowed transition"
        )


class LedgerKeyConflict(LedgerError):
    """The key exists with another kind or target: two different writes were given the same key."""


class PayloadChanged(LedgerError):
    """A retry of an unknown outcome tried to send different variables under the same idempotency key."""


class ConcurrentLedgerUpdate(LedgerError):
    """The row changed between our read and our write (another writer on the same key)."""


@dataclass(frozen=True)
class LedgerEntry:
    key: str
    kind: str
    target: str
    status: LedgerStatus
    attempts: int
    generation: int
    payload_hash: str | None
    remote_id: str | None
    error: str | None
    created_at: datetime
    updated_at: datetime
    applied_at: datetime | None

    @property
    def idempotency_key(self) -> str:
        return f"{self.key}#{self.generation}"


_COLUMNS = (
    "key, kind, target, status, attempts, generation, payload_hash, remote_id, error, "
    "created_at, updated_at, applied_at"
)


def _entry(row: tuple[object, ...]) -> LedgerEntry:
    values = list(row)
    values[3] = LedgerStatus(str(values[3]))
    return LedgerEntry(*values)  # type: ignore[arg-type]


def get(conn: duckdb.DuckDBPyConnection, key: str) -> LedgerEntry | None:
    """The ledger row of ``key``, or ``None`` if it was never begun."""
    row = first_row(conn, f"SELECT {_COLUMNS} FROM sync.ledger WHERE key = ?", [key])
    return None if row is None else _entry(row)


def begin(
    conn: duckdb.DuckDBPyConnection,
    key: str,
    kind: str,
    target: str,
    payload_hash: str | None = None,
    *,
    now: datetime | None = None,
) -> LedgerEntry:
    """Record that a write for ``key`` is about to be sent; returns the row as it now stands.

    ``kind`` is what is written (order, refund, inventory, product…), ``target`` where (shopify, smaregi).
    """
    if not key or not kind or not target:
        raise ValueError("a ledger row needs a key, a kind and a target")
    at = now or datetime.now(UTC)
    current = get(conn, key)
    _require_allowed(key, current, LedgerStatus.PENDING)
    if current is None:
        row = first_row(
            conn,
            f"INSERT INTO sync.ledger ({_COLUMNS}) VALUES (?, ?, ?, 'pending', 1, 1, ?, NULL, NULL, ?, ?, NULL) "
            f"ON CONFLICT (key) DO NOTHING RETURNING {_COLUMNS}",
            [key, kind, target, payload_hash, at, at],
        )
        if row is None:
            raise ConcurrentLedgerUpdate(f"ledger key {key!r} was begun by another writer")
        return _entry(row)
    if (current.kind, current.target) != (kind, target):
        raise LedgerKeyConflict(
            f"ledger key {key!r} belongs to a {current.kind} write to {current.target}, "
            f"not a {kind} write to {target}"
        )
    if current.status is LedgerStatus.PENDING:
        if payload_hash is not None and current.payload_hash not in (None, payload_hash):
            raise PayloadChanged(
                f"ledger key {key!r} has an unknown outcome; retry it with the same variables "
                f"(payload hash {current.payload_hash}, got {payload_hash})"
            )
        retry = replace(
            current,
            status=LedgerStatus.PENDING,
            attempts=current.attempts + 1,
            payload_hash=current.payload_hash or payload_hash,
            updated_at=at,
        )
        return _replace(conn, current, retry)
    fresh_generation = replace(
        current,
        status=LedgerStatus.PENDING,
        attempts=current.attempts + 1,
        generation=current.generation + 1,
        payload_hash=payload_hash,
        updated_at=at,
    )
    return _replace(conn, current, fresh_generation)


def mark_applied(
    conn: duckdb.DuckDBPyConnection, key: str, remote_id: str | None, *, now: datetime | None = None
) -> LedgerEntry:
    """A confirmed answer: the write exists on the remote side as ``remote_id`` (``None`` if it has no id)."""
    at = now or datetime.now(UTC)
    current = get(conn, key)
    _require_allowed(key, current, LedgerStatus.APPLIED)
    assert current is not None
    applied = replace(current, status=LedgerStatus.APPLIED, remote_id=remote_id, updated_at=at, applied_at=at)
    return _replace(conn, current, applied)


def mark_failed(
    conn: duckdb.DuckDBPyConnection, key: str, error: str, *, now: datetime | None = None
) -> LedgerEntry:
    """A confirmed answer that nothing was applied; ``error`` says why (stored masked and shortened)."""
    at = now or datetime.now(UTC)
    current = get(conn, key)
    _require_allowed(key, current, LedgerStatus.FAILED)
    assert current is not None
    failed = replace(current, status=LedgerStatus.FAILED, error=scrub_error(error), updated_at=at)
    return _replace(conn, current, failed)


def rows_with_status(
    conn: duckdb.DuckDBPyConnection,
    status: LedgerStatus,
    *,
    kind: str | None = None,
    target: str | None = None,
) -> list[LedgerEntry]:
    """Rows in ``status``, optionally of one kind and/or target, oldest first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM sync.ledger WHERE status = ? AND (? IS NULL OR kind = ?) "
        "AND (? IS NULL OR target = ?) ORDER BY created_at, key",
        [status.value, kind, kind, target, target],
    ).fetchall()
    return [_entry(row) for row in rows]


def pending_rows(
    conn: duckdb.DuckDBPyConnection, *, kind: str | None = None, target: str | None = None
) -> list[LedgerEntry]:
    """Writes whose outcome is unknown: look for their marker on the remote side before writing again."""
    return rows_with_status(conn, LedgerStatus.PENDING, kind=kind, target=target)


def failed_rows(
    conn: duckdb.DuckDBPyConnection, *, kind: str | None = None, target: str | None = None
) -> list[LedgerEntry]:
    return rows_with_status(conn, LedgerStatus.FAILED, kind=kind, target=target)


def status_counts(conn: duckdb.DuckDBPyConnection) -> dict[LedgerStatus, int]:
    """Number of rows per status (every status present, zero when none), for asset checks."""
    counts = dict(conn.execute("SELECT status, count(*) FROM sync.ledger GROUP BY status").fetchall())
    return {status: int(counts.get(status.value, 0)) for status in LedgerStatus}


_SECRET_PATTERNS = (
    re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(
        r"(?i)\b(access[_-]?token|client[_-]?secret|refresh[_-]?token|password|x-shopify-access-token|"
        r"authorization)(\"?\s*[:=]\s*\"?)[^\s\"',;&]+"
    ),
)


def scrub_error(error: str) -> str:
    """Mask credential-looking parts of an error text and cap its length."""
    text = _SECRET_PATTERNS[0].sub(lambda m: f"{m.group(1)} ***", error)
    text = _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    if len(text) > MAX_ERROR_LENGTH:
        text = text[: MAX_ERROR_LENGTH - 1] + "…"
    return text


def _require_allowed(key: str, current: LedgerEntry | None, to_status: LedgerStatus) -> None:
    from_status = None if current is None else current.status
    if (from_status, to_status) not in ALLOWED_TRANSITIONS:
        raise IllegalTransition(key, from_status, to_status)


def _replace(conn: duckdb.DuckDBPyConnection, current: LedgerEntry, new: LedgerEntry) -> LedgerEntry:
    """Write ``new`` only if the row still has the status and attempt count of ``current``."""
    row = first_row(
        conn,
        "UPDATE sync.ledger SET status = ?, attempts = ?, generation = ?, payload_hash = ?, remote_id = ?, "
        f"error = ?, updated_at = ?, applied_at = ? WHERE key = ? AND status = ? AND attempts = ? RETURNING {_COLUMNS}",
        [
            new.status.value,
            new.attempts,
            new.generation,
            new.payload_hash,
            new.remote_id,
            new.error,
            new.updated_at,
            new.applied_at,
            current.key,
            current.status.value,
            current.attempts,
        ],
    )
    if row is None:
        raise ConcurrentLedgerUpdate(f"ledger key {current.key!r} changed while it was being updated")
    return _entry(row)
