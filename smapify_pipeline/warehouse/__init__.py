"""The DuckDB warehouse: schemas and migrations, upserts, cursors, the sync ledger, quarantine, audit, snapshot.

Ledger functions are used through the module (``ledger.begin(conn, ...)``) because their short names only read
well with the prefix.
"""

from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.audit import AuditKind, record_audit
from smapify_pipeline.warehouse.connection import connect
from smapify_pipeline.warehouse.cursors import all_cursors, get_cursor, set_cursor
from smapify_pipeline.warehouse.identifiers import TableName, quote_identifier
from smapify_pipeline.warehouse.ledger import (
    ALLOWED_TRANSITIONS,
    ConcurrentLedgerUpdate,
    IllegalTransition,
    LedgerEntry,
    LedgerError,
    LedgerKeyConflict,
    LedgerStatus,
    PayloadChanged,
)
from smapify_pipeline.warehouse.migrations import MIGRATIONS, Migration, MigrationError, apply_migrations
from smapify_pipeline.warehouse.quarantine import quarantine_frame, quarantine_rows
from smapify_pipeline.warehouse.snapshot import (
    SNAPSHOT_SCHEMAS,
    open_snapshot,
    publish_snapshot,
    snapshot_relations,
)
from smapify_pipeline.warehouse.upsert import UpsertCounts, upsert_dataframe

SCHEMAS: tuple[str, ...] = ("raw", "quarantine", "core", "plan", "sync", "analytics")

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MIGRATIONS",
    "SCHEMAS",
    "SNAPSHOT_SCHEMAS",
    "AuditKind",
    "ConcurrentLedgerUpdate",
    "IllegalTransition",
    "LedgerEntry",
    "LedgerError",
    "LedgerKeyConflict",
    "LedgerStatus",
    "Migration",
    "MigrationError",
    "PayloadChanged",
    "TableName",
    "UpsertCounts",
    "all_cursors",
    "apply_migrations",
    "connect",
    "get_cursor",
    "ledger",
    "open_snapshot",
    "publish_snapshot",
    "quarantine_frame",
    "quarantine_rows",
    "quote_identifier",
    "record_audit",
    "set_cursor",
    "snapshot_relations",
    "upsert_dataframe",
]
