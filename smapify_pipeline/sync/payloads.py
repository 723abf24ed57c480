"""``sync.write_payloads``: the exact variables of each begun write, kept so a retry of an unknown outcome sends
the very same request (docs/architecture.md, "Ledger and exactly-once") even from another process."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.warehouse.queries import first_row


def canonical(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def payload_hash(payload: Any) -> str:
    return hashlib.sha256(canonical(payload).encode()).hexdigest()[:32]


def save(conn: duckdb.DuckDBPyConnection, key: str, generation: int, payload: Any) -> None:
    conn.execute(
        "INSERT INTO sync.write_payloads (key, generation, payload, sent_at) VALUES (?, ?, ?::JSON, ?) "
        "ON CONFLICT (key) DO UPDATE SET generation = excluded.generation, payload = excluded.payload, "
        "sent_at = excluded.sent_at",
        [key, generation, canonical(payload), datetime.now(UTC)],
    )


def load(conn: duckdb.DuckDBPyConnection, key: str) -> Any | None:
    row = first_row(conn, "SELECT payload FROM sync.write_payloads WHERE key = ?", [key])
    return None if row is None else json.loads(row[0])
