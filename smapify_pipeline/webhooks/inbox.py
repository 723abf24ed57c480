"""The webhook inbox: a small SQLite file the receiver writes and the sensors read.

Why SQLite and not the DuckDB working file: the receiver must answer within Shopify's 5 seconds while a run
may hold the working file read-write for minutes, and DuckDB lets no second process open a file that one
process writes. SQLite in WAL mode lets one writer and any number of readers in other processes work at once;
``busy_timeout`` makes a second writer wait instead of failing.

One row per delivery, unique by (platform, delivery id): a redelivery or duplicate is ignored on insert, so
the first copy is the one recorded. ``seq`` only grows, so a reader keeps "the last seq I handled" as its
cursor and reads what came after.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BUSY_TIMEOUT_MS = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    platform     TEXT NOT NULL CHECK (platform IN ('shopify', 'smaregi')),
    delivery_id  TEXT NOT NULL,
    topic        TEXT NOT NULL,
    action       TEXT,
    resource_ids TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    UNIQUE (platform, delivery_id)
);
"""


@dataclass(frozen=True)
class InboxEvent:
    """One recorded delivery."""

    platform: str
    """``shopify`` or ``smaregi``."""
    delivery_id: str
    """``X-Shopify-Webhook-Id`` or ``Smaregi-Event-Id``."""
    topic: str
    """Shopify REST topic (``orders/create``) or Smaregi event (``pos:transactions``)."""
    action: str | None
    """Smaregi's ``action`` (``created``, ``edited``…); None for Shopify."""
    resource_ids: tuple[str, ...]
    """Order gids (Shopify) or transactionHeadIds (Smaregi) the delivery is about."""
    payload: dict[str, Any]
    received_at: datetime
    seq: int = 0
    """Set by the inbox when read back; 0 on an event not yet recorded."""


class WebhookInbox:
    """The inbox file. Each call opens its own short connection, so one object is safe in any thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def create(self) -> None:
        """Create the file and table if missing (the receiver does this at start-up)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.executescript(_SCHEMA)

    def record(self, event: InboxEvent) -> bool:
        """Insert ``event``; False if its delivery id was recorded before (a duplicate)."""
        with self._connect() as conn, conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO events "
                "(platform, delivery_id, topic, action, resource_ids, payload, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    event.platform,
                    event.delivery_id,
                    event.topic,
                    event.action,
                    json.dumps(list(event.resource_ids)),
                    json.dumps(event.payload, ensure_ascii=False, separators=(",", ":")),
                    event.received_at.astimezone(UTC).isoformat(),
                ),
            )
            return cursor.rowcount == 1

    def read_after(self, platform: str, after_seq: int, limit: int = 1000) -> list[InboxEvent]:
        """Events of ``platform`` with ``seq > after_seq``, oldest first; empty if the inbox does not exist."""
        if not self.path.exists():
            return []
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT seq, platform, delivery_id, topic, action, resource_ids, payload, received_at "
                "FROM events WHERE platform = ? AND seq > ? ORDER BY seq LIMIT ?",
                (platform, after_seq, limit),
            ).fetchall()
        return [_event(row) for row in rows]

    def count(self, platform: str | None = None) -> int:
        if not self.path.exists():
            return 0
        with self._connect() as conn:
            if platform is None:
                row = conn.execute("SELECT count(*) FROM events").fetchone()
            else:
                row = conn.execute("SELECT count(*) FROM events WHERE platform = ?", (platform,)).fetchone()
        return int(row[0])

    def prune(self, older_than: timedelta, now: datetime | None = None) -> int:
        """Delete events received before ``now - older_than``; returns how many. ``seq`` values are never
        reused (AUTOINCREMENT), so readers' cursors stay valid."""
        cutoff = ((now or datetime.now(UTC)) - older_than).astimezone(UTC).isoformat()
        with self._connect() as conn, conn:
            return conn.execute("DELETE FROM events WHERE received_at < ?", (cutoff,)).rowcount

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            yield conn


def _event(row: Sequence[Any]) -> InboxEvent:
    seq, platform, delivery_id, topic, action, resource_ids, payload, received_at = row
    return InboxEvent(
        platform=platform,
        delivery_id=delivery_id,
        topic=topic,
        action=action,
        resource_ids=tuple(json.loads(resource_ids)),
        payload=json.loads(payload),
        received_at=datetime.fromisoformat(received_at),
        seq=int(seq),
    )
