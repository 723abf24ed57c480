"""Apply one planned change through ``sync.ledger`` so it reaches the other side exactly once (docs/architecture.md, "Ledger and exactly-once").

:func:`apply_change` is the whole protocol:

1. The key is ``applied`` in the ledger → nothing is sent (``ALREADY_APPLIED``).
2. The key is ``pending`` (an earlier attempt's outcome is unknown: a lost answer, a killed process):
   * a writer whose platform replays idempotent requests (Shopify ``@idempotent``) resends the **stored**
     variables with the **same** idempotency key, and Shopify answers with the first result;
   * any other writer first looks for its marker on the remote side (:meth:`Writer.find`): found → ``applied``
     with the remote id, no write; not found → the stored variables are sent again.
3. No row, or ``failed`` (a proven non-application): :meth:`Writer.prepare` computes fresh variables (it may
   read remote state, e.g. ``changeFromQuantity``), they are stored in ``sync.write_payloads``, the ledger
   row is begun (pending; a failed row moves to a new generation, hence a new idempotency key) and the call
   is made.

Outcome of a call: a remote id → ``applied``. :class:`NothingApplied` (a 4xx / ``userErrors`` answer, a
``THROTTLED`` that outlived the retries, ``CHANGE_FROM_QUANTITY_STALE``) → ``failed`` with the error; when it
says ``retry_fresh`` (a stale compare-and-set), a new attempt with re-read variables follows at once, up to
``fresh_attempts``. Anything else (a lost answer, a 5xx, a transport failure) leaves the row ``pending``: its
outcome is unknown and the next run resolves it by step 2 — never by a blind new write. A lost answer of a
non-idempotent write is looked up at once, so it usually resolves in the same run.

Errors never escape :func:`apply_change` except ledger programming errors: one failing change does not stop
the others.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

import duckdb

from smapify_pipeline.platforms import errors as platform_errors
from smapify_pipeline.platforms.shopify.errors import GraphQLError, ShopifyUserError, ThrottledError
from smapify_pipeline.platforms.shopify.idempotency import idempotency_key
from smapify_pipeline.platforms.smaregi.errors import SmaregiHTTPError, SmaregiRateLimited
from smapify_pipeline.sync import payloads
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.ledger import LedgerStatus


@dataclass(frozen=True)
class PlannedChange:
    """One row of a plan table: what to write, where, and why."""

    key: str
    """The ledger key (deterministic from the source event)."""
    kind: str
    target: str
    """``"shopify"`` or ``"smaregi"``."""
    payload: Mapping[str, Any]
    source: str = ""
    reason: str = ""


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    ALREADY_APPLIED = "already_applied"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Sent, outcome unknown: the ledger row stays pending until a later run resolves it."""


@dataclass(frozen=True)
class ChangeOutcome:
    key: str
    status: ChangeStatus
    remote_id: str | None = None
    error: str | None = None
    attempts: int = 0
    found_by_marker: bool = False
    """The write was found on the remote side after an unknown outcome (no new write was made)."""
    retry_fresh: bool = False

    @property
    def done(self) -> bool:
        return self.status in (ChangeStatus.APPLIED, ChangeStatus.ALREADY_APPLIED)


class NothingApplied(Exception):
    """A confirmed answer proving the write was not applied; ``retry_fresh``: re-read and try again."""

    def __init__(self, message: str, *, retry_fresh: bool = False) -> None:
        super().__init__(message)
        self.retry_fresh = retry_fresh


class Writer(Protocol):
    """How one kind of change reaches its platform."""

    idempotent: bool
    """The platform replays a resend with the same idempotency key (Shopify ``@idempotent``)."""

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        """The exact variables of a fresh attempt (may read the remote side)."""
        ...

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        """Make the call; return the remote id. Raise :class:`NothingApplied` on a proven non-application."""
        ...

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        """Look for this write's marker on the remote side: its remote id if it exists, else ``None``."""
        ...


ClientT = TypeVar("ClientT")


class ClientWriter(Generic[ClientT]):
    """A :class:`Writer` over one platform client. Unless a writer says otherwise, a write leaves no marker to
    look for: :meth:`find` finds nothing, so a lost answer stays unknown (or is resent, when idempotent)."""

    idempotent = False

    def __init__(self, client: ClientT) -> None:
        self.client = client

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        return None


FOUND_WITHOUT_ID = "(found)"
"""What :meth:`Writer.find` returns for a write that exists but has no id of its own."""


def apply_change(
    conn: duckdb.DuckDBPyConnection, change: PlannedChange, writer: Writer, *, fresh_attempts: int = 3
) -> ChangeOutcome:
    """Bring ``change`` to the remote side at most once and record the outcome in ``sync.ledger``."""
    entry = ledger.get(conn, change.key)
    if entry is not None and entry.status is LedgerStatus.APPLIED:
        return ChangeOutcome(
            change.key, ChangeStatus.ALREADY_APPLIED, entry.remote_id, attempts=entry.attempts
        )
    if entry is not None and entry.status is LedgerStatus.PENDING:
        outcome = _resolve_pending(conn, change, writer)
        if not (outcome.status is ChangeStatus.FAILED and outcome.retry_fresh):
            return outcome
    outcome = ChangeOutcome(change.key, ChangeStatus.FAILED, error="no attempt made")
    for _ in range(max(fresh_attempts, 1)):
        try:
            variables = writer.prepare(change)
        except Exception as error:  # a read before the write failed: nothing was sent
            return ChangeOutcome(change.key, ChangeStatus.FAILED, error=_describe(error))
        begun = _begin(conn, change, variables)
        outcome = _send(conn, change, writer, variables, begun)
        if not (outcome.status is ChangeStatus.FAILED and outcome.retry_fresh):
            return outcome
    return outcome


def _resolve_pending(conn: duckdb.DuckDBPyConnection, change: PlannedChange, writer: Writer) -> ChangeOutcome:
    stored = payloads.load(conn, change.key)
    if not writer.idempotent:
        try:
            remote = writer.find(change, stored or {})
        except Exception as error:
            entry = ledger.get(conn, change.key)
            return ChangeOutcome(
                change.key,
                ChangeStatus.UNKNOWN,
                error=f"marker lookup failed: {_describe(error)}",
                attempts=entry.attempts if entry else 0,
            )
        if remote is not None:
            applied = ledger.mark_applied(conn, change.key, remote)
            return ChangeOutcome(
                change.key, ChangeStatus.APPLIED, remote, attempts=applied.attempts, found_by_marker=True
            )
    if stored is None:
        stored = writer.prepare(change)
    begun = _begin(conn, change, stored)
    return _send(conn, change, writer, stored, begun)


def _begin(
    conn: duckdb.DuckDBPyConnection, change: PlannedChange, variables: dict[str, Any]
) -> ledger.LedgerEntry:
    """Store the variables, then record the write as pending: both before anything is sent."""
    current = ledger.get(conn, change.key)
    generation = 1
    if current is not None:
        generation = current.generation + (1 if current.status is LedgerStatus.FAILED else 0)
    payloads.save(conn, change.key, generation, variables)
    return ledger.begin(conn, change.key, change.kind, change.target, payloads.payload_hash(variables))


def _send(
    conn: duckdb.DuckDBPyConnection,
    change: PlannedChange,
    writer: Writer,
    variables: dict[str, Any],
    entry: ledger.LedgerEntry,
) -> ChangeOutcome:
    key = idempotency_key(change.key, entry.generation)
    try:
        remote = writer.send(change, variables, key)
    except NothingApplied as error:
        failed = ledger.mark_failed(conn, change.key, str(error))
        return ChangeOutcome(
            change.key,
            ChangeStatus.FAILED,
            error=str(error),
            attempts=failed.attempts,
            retry_fresh=error.retry_fresh,
        )
    except Exception as error:
        if _proves_nothing_applied(error):
            failed = ledger.mark_failed(conn, change.key, _describe(error))
            return ChangeOutcome(
                change.key, ChangeStatus.FAILED, error=_describe(error), attempts=failed.attempts
            )
        described = _describe(error)
        if isinstance(error, platform_errors.OutcomeUnknown) and not writer.idempotent:
            try:
                found = writer.find(change, variables)
            except Exception as lookup_error:
                found = None
                described += f"; marker lookup failed: {_describe(lookup_error)}"
            if found is not None:
                applied = ledger.mark_applied(conn, change.key, found)
                return ChangeOutcome(
                    change.key, ChangeStatus.APPLIED, found, attempts=applied.attempts, found_by_marker=True
                )
        return ChangeOutcome(change.key, ChangeStatus.UNKNOWN, error=described, attempts=entry.attempts)
    applied = ledger.mark_applied(conn, change.key, remote)
    return ChangeOutcome(change.key, ChangeStatus.APPLIED, remote, attempts=applied.attempts)


def _proves_nothing_applied(error: BaseException) -> bool:
    """Answers that say the platform refused the request before applying anything."""
    if isinstance(error, platform_errors.OutcomeUnknown):
        return False
    if isinstance(error, ShopifyUserError | GraphQLError | ThrottledError | SmaregiRateLimited):
        return True
    return isinstance(error, SmaregiHTTPError) and 400 <= error.status < 500


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
