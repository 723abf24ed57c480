"""The push runner every change family uses: read a plan, apply its rows through the ledger in order (a row
waits while the key it depends on is not applied; one failure never stops the others), let the family keep its
books after each landed write, and describe the run for the materialization. With ``dry_run`` it only shows
the plan and writes nothing.

A family gives a :class:`PushSlice`: which writer sends a row (``None`` for a change that is bookkeeping
only), what to do before the rows, after each landed row, and after all of them. :func:`push_asset` makes
the family's push asset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb
import pandas as pd

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.sync.apply import ChangeOutcome, ChangeStatus, PlannedChange, Writer, apply_change
from smapify_pipeline.sync.plan import PlanRow, read_plan
from smapify_pipeline.sync.report import plan_metadata
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.ledger import LedgerStatus


def planned_change(row: PlanRow) -> PlannedChange:
    return PlannedChange(
        key=row.key,
        kind=row.kind,
        target=row.target,
        payload=row.payload,
        source=row.source,
        reason=row.reason,
    )


def waiting_for(conn: duckdb.DuckDBPyConnection, depends_on: str | None) -> ChangeOutcome | None:
    """An ``UNKNOWN`` outcome (nothing begun) while the ledger key ``depends_on`` is not applied."""
    if not depends_on:
        return None
    parent = ledger.get(conn, depends_on)
    if parent is not None and parent.status is LedgerStatus.APPLIED:
        return None
    return ChangeOutcome("", ChangeStatus.UNKNOWN, error=f"waiting for {depends_on}")


def apply_all(
    conn: duckdb.DuckDBPyConnection,
    changes: Iterable[tuple[PlannedChange, str | None]],
    writer_for: Callable[[PlannedChange], Writer],
) -> list[ChangeOutcome]:
    """Apply ``(change, depends_on)`` pairs in order. A change whose dependency (a ledger key) is not applied
    waits for a later run (``UNKNOWN``, nothing begun), e.g. a stock adjustment whose order's fate is unknown."""
    outcomes: list[ChangeOutcome] = []
    for change, depends_on in changes:
        waiting = waiting_for(conn, depends_on)
        if waiting is not None:
            outcomes.append(ChangeOutcome(change.key, waiting.status, error=waiting.error))
            continue
        outcomes.append(apply_change(conn, change, writer_for(change)))
    return outcomes


def outcome_counts(outcomes: Iterable[ChangeOutcome]) -> dict[str, int]:
    counts = Counter(o.status.value for o in outcomes)
    return {status.value: counts.get(status.value, 0) for status in ChangeStatus}


def outcome_table(outcomes: list[ChangeOutcome], limit: int = 20) -> str:
    """Markdown table of the first outcomes (for materialization metadata)."""
    if not outcomes:
        return "_(nothing to push)_"
    frame = pd.DataFrame(
        [
            {
                "key": o.key,
                "status": o.status.value,
                "remote id": o.remote_id or "",
                "error": (o.error or "")[:120],
            }
            for o in outcomes[:limit]
        ]
    )
    return frame.to_markdown(index=False)


@dataclass(frozen=True)
class PlanSpec:
    """Where a family's plan lives and how its rows are read and shown."""

    table: str
    preview_columns: str
    order_by: str = "key"


class PushSlice:
    """One family's part of a push: which writer sends a row, and the books it keeps around the writes. The
    defaults keep no books."""

    def __init__(
        self, shopify: ShopifyClient, smaregi: SmaregiClient, primary: str = "", run_id: str | None = None
    ) -> None:
        self.shopify, self.smaregi, self.primary, self.run_id = shopify, smaregi, primary, run_id
        self.writers = self.make_writers(shopify, smaregi)
        self.counts: Counter[str] = Counter()
        """What the books recorded, by name (reported in :meth:`after`)."""

    def make_writers(self, shopify: ShopifyClient, smaregi: SmaregiClient) -> Mapping[Any, Writer]:
        """The family's writers, by what :meth:`writer_for` looks up (the row's kind by default)."""
        return {}

    def writer_for(self, row: PlanRow) -> Writer | None:
        """The writer of a row (``KeyError`` when there is none); ``None`` when the change is bookkeeping only
        (no API call, no ledger row)."""
        return self.writers[row.kind]

    def before(self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow]) -> Mapping[str, Any]:
        """Work before the rows (e.g. resolving earlier leftovers); returns metadata."""
        return {}

    def resolve(self, conn: duckdb.DuckDBPyConnection, row: PlanRow) -> PlanRow:
        """The row with what only exists once its dependency is applied filled in (e.g. the remote id of the
        parent document); called right before the row is applied. The default changes nothing."""
        return row

    def landed(self, conn: duckdb.DuckDBPyConnection, row: PlanRow, outcome: ChangeOutcome) -> None:
        """Bookkeeping once a row's write is applied (or it was applied before)."""

    def after(
        self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], outcomes: list[ChangeOutcome]
    ) -> Mapping[str, Any]:
        """Bookkeeping after every row; returns metadata."""
        return {}


def in_dependency_order(rows: list[PlanRow]) -> list[PlanRow]:
    """``rows`` in their order, except that a row whose ``depends_on`` names a later row of the list moves to
    right after it (so a chain planned in one run, e.g. order → return → void, is applied in one push)."""
    keys = {row.key for row in rows}
    waiting: dict[str, list[PlanRow]] = {}
    ordered: list[PlanRow] = []
    placed: set[str] = set()

    def place(row: PlanRow) -> None:
        ordered.append(row)
        placed.add(row.key)
        for child in waiting.pop(row.key, []):
            place(child)

    for row in rows:
        parent = row.depends_on
        if parent and parent in keys and parent not in placed and parent != row.key:
            waiting.setdefault(parent, []).append(row)
        else:
            place(row)
    for children in waiting.values():  # a cycle: keep the plan order rather than drop a row
        ordered.extend(child for child in children if child.key not in placed)
    return ordered


def push_rows(conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], family: PushSlice) -> list[ChangeOutcome]:
    outcomes: list[ChangeOutcome] = []
    for row in in_dependency_order(rows):
        waiting = waiting_for(conn, row.depends_on)
        if waiting is not None:
            outcomes.append(ChangeOutcome(row.key, waiting.status, error=waiting.error))
            continue
        try:
            writer = family.writer_for(row)
        except KeyError:
            outcomes.append(
                ChangeOutcome(row.key, ChangeStatus.FAILED, error=f"no writer for {row.kind} on {row.target}")
            )
            continue
        if writer is None:
            outcome = ChangeOutcome(row.key, ChangeStatus.APPLIED)
        else:
            outcome = apply_change(conn, planned_change(family.resolve(conn, row)), writer)
        outcomes.append(outcome)
        if outcome.done:
            family.landed(conn, row, outcome)
    return outcomes


def run_push(
    conn: duckdb.DuckDBPyConnection,
    spec: PlanSpec,
    open_slice: Callable[[], PushSlice],
    *,
    dry_run: bool,
    log: Any = None,
) -> dict[str, Any]:
    """Apply ``spec.table`` (or, with ``dry_run``, only show it); the push assets' materialization metadata."""
    metadata: dict[str, Any] = {**plan_metadata(conn, spec.table, spec.preview_columns), "dry_run": dry_run}
    rows = read_plan(conn, spec.table, spec.order_by)
    if dry_run:
        kinds = Counter(row.kind for row in rows)
        return {
            **metadata,
            "would_apply": len(rows),
            "would_apply_by_kind": dg.MetadataValue.json(dict(sorted(kinds.items()))),
        }
    family = open_slice()
    metadata.update(family.before(conn, rows))
    outcomes = push_rows(conn, rows, family)
    metadata.update(family.after(conn, rows, outcomes))
    for outcome in outcomes:
        if not outcome.done and log is not None:
            log.warning("%s: %s (%s)", outcome.key, outcome.status.value, outcome.error)
    return {
        **metadata,
        **{f"changes_{status}": n for status, n in outcome_counts(outcomes).items()},
        "found_by_marker": sum(o.found_by_marker for o in outcomes),
        "outcomes": dg.MetadataValue.md(outcome_table(outcomes)),
    }
