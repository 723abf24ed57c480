import json
from datetime import UTC, datetime
from typing import Any

import duckdb
import pytest

from smapify_pipeline.warehouse import AuditKind, record_audit

T0 = datetime(2026, 11, 27, 6, tzinfo=UTC)


def audit_rows(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT audited_at, kind, entity, entity_key, location, old_value, new_value, why, run_id, ledger_key "
        "FROM sync.audit ORDER BY audit_id"
    ).fetchall()


def test_an_overwritten_manual_edit_is_recorded(conn: duckdb.DuckDBPyConnection) -> None:
    recorded = record_audit(
        conn,
        kind=AuditKind.STOCK_OVERWRITE,
        entity="inventory_level",
        entity_key="4901234567894",
        location="shopify:gid://shopify/Location/1",
        old_value=7,
        new_value=5,
        why="primary smaregi has 5 at store 1",
        run_id="run-1",
        ledger_key="inventory:4901234567894:1:run-1",
        at=T0,
    )
    assert recorded
    [row] = audit_rows(conn)
    assert row[:5] == (
        T0,
        "stock_overwrite",
        "inventory_level",
        "4901234567894",
        "shopify:gid://shopify/Location/1",
    )
    assert (json.loads(str(row[5])), json.loads(str(row[6]))) == (7, 5)
    assert row[7:] == ("primary smaregi has 5 at store 1", "run-1", "inventory:4901234567894:1:run-1")


def test_a_retried_write_is_audited_once(conn: duckdb.DuckDBPyConnection) -> None:
    arguments: dict[str, Any] = {
        "kind": AuditKind.PRODUCT_CONFLICT,
        "entity": "product",
        "entity_key": "gid://shopify/Product/1:title",
        "old_value": "Tシャツ",
        "new_value": "Tシャツ（白）",
        "why": "both sides changed the title; primary wins",
        "ledger_key": "product:1:title",
    }
    assert record_audit(conn, **arguments)
    assert not record_audit(conn, **arguments)
    assert len(audit_rows(conn)) == 1


def test_rows_without_a_ledger_key_are_all_kept(conn: duckdb.DuckDBPyConnection) -> None:
    for _ in range(2):
        assert record_audit(
            conn, kind="stock_seed", entity="inventory_level", entity_key="1", why="first link"
        )
    rows = audit_rows(conn)
    assert len(rows) == 2
    assert rows[0][5] is None and rows[0][6] is None


def test_an_audit_row_needs_its_what_and_why(conn: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="why"):
        record_audit(conn, kind="stock_seed", entity="inventory_level", entity_key="1", why="")
    assert audit_rows(conn) == []
