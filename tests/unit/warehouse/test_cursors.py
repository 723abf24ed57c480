from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from smapify_pipeline.warehouse import all_cursors, connect, get_cursor, set_cursor


def test_a_stream_without_a_cursor_has_none(conn: duckdb.DuckDBPyConnection) -> None:
    assert get_cursor(conn, "shopify.orders") is None


@pytest.mark.parametrize("value", ["2026-11-27T06:00:00+09:00", "12345", "eyJwYWdlIjogMn0=", "", "日本語"])
def test_cursors_round_trip(conn: duckdb.DuckDBPyConnection, value: str) -> None:
    set_cursor(conn, "smaregi.transactions", value)
    assert get_cursor(conn, "smaregi.transactions") == value


def test_setting_again_replaces_and_stamps(conn: duckdb.DuckDBPyConnection) -> None:
    first, second = datetime(2026, 11, 27, 6, tzinfo=UTC), datetime(2026, 11, 27, 7, tzinfo=UTC)
    set_cursor(conn, "shopify.orders", "a", now=first)
    set_cursor(conn, "shopify.orders", "b", now=second)
    set_cursor(conn, "shopify.products", "p", now=first)
    assert get_cursor(conn, "shopify.orders") == "b"
    assert conn.execute("SELECT updated_at FROM sync.cursors WHERE stream = 'shopify.orders'").fetchall() == [
        (second,)
    ]
    assert all_cursors(conn) == {"shopify.orders": "b", "shopify.products": "p"}


def test_cursors_survive_reconnecting(working_path: Path) -> None:
    with connect(working_path) as conn:
        set_cursor(conn, "shopify.orders", "2026-11-27T00:00:00Z")
    with connect(working_path) as conn:
        assert get_cursor(conn, "shopify.orders") == "2026-11-27T00:00:00Z"


def test_only_text_is_stored(conn: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(TypeError):
        set_cursor(conn, "shopify.orders", 5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        set_cursor(conn, "", "x")
    assert all_cursors(conn) == {}
