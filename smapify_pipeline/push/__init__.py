"""Push: apply planned changes to the platforms through ``sync.ledger``, exactly once (DESIGN §5).

Public API (see :mod:`.apply` for the protocol)::

    outcome = apply_change(conn, PlannedChange(key, kind, target, payload), writer)   # -> ChangeOutcome
    outcomes = apply_all(conn, changes, writer_for)                                    # one failure stops nothing

A writer (:class:`Writer`) knows one kind of call: ``prepare`` (fresh variables), ``send`` (the call, remote id
or :class:`NothingApplied`), ``find`` (the marker lookup after an unknown outcome), and whether the platform
replays idempotent resends (``idempotent``). Ready writers: :mod:`.shopify_writers` (orderCreate,
inventoryAdjustQuantities, refundCreate) and :mod:`.smaregi_writers` (POST /transactions, POST /stock/{id}/add).
"""

from smapify_pipeline.push.apply import (
    FOUND_WITHOUT_ID,
    ChangeOutcome,
    ChangeStatus,
    NothingApplied,
    PlannedChange,
    Writer,
    apply_change,
)
from smapify_pipeline.push.batch import apply_all, changes_from_plan, outcome_counts, outcome_table

__all__ = [
    "FOUND_WITHOUT_ID",
    "ChangeOutcome",
    "ChangeStatus",
    "NothingApplied",
    "PlannedChange",
    "Writer",
    "apply_all",
    "apply_change",
    "changes_from_plan",
    "outcome_counts",
    "outcome_table",
]
