import json
from datetime import UTC, datetime, timedelta

import duckdb
import numpy as np
import pandas as pd
import pytest

from smapify_pipeline.warehouse import quarantine_frame, quarantine_rows

T0 = datetime(2026, 11, 27, 6, tzinfo=UTC)


def records(conn: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return conn.execute(
        "SELECT source_table, record_key, reason, raw_record, quarantined_at, last_seen_at, run_id "
        "FROM quarantine.records ORDER BY ALL"
    ).fetchall()


def test_rows_are_stored_with_their_reason_and_raw_record(conn: duckdb.DuckDBPyConnection) -> None:
    rows = [("101", "blank productCode", {"productId": "101", "productCode": ""})]
    assert quarantine_rows(conn, "raw.smaregi_products", rows, run_id="run-1", now=T0) == 1
    [stored] = records(conn)
    assert stored[:3] == ("raw.smaregi_products", "101", "blank productCode")
    assert json.loads(str(stored[3])) == {"productId": "101", "productCode": ""}
    assert stored[4:] == (T0, T0, "run-1")


def test_quarantining_again_is_idempotent_per_table_key_and_reason(conn: duckdb.DuckDBPyConnection) -> None:
    rows = [("1", "duplicate sku", {"sku": "A"}), ("2", "duplicate sku", {"sku": "A"})]
    assert quarantine_rows(conn, "raw.shopify_products", rows, run_id="run-1", now=T0) == 2
    first = records(conn)

    later = T0 + timedelta(hours=1)
    again = [("1", "duplicate sku", {"sku": "A", "title": "new"}), ("2", "duplicate sku", {"sku": "A"})]
    assert quarantine_rows(conn, "raw.shopify_products", again, run_id="run-2", now=later) == 0

    second = records(conn)
    assert len(second) == 2
    assert [r[4] for r in second] == [T0, T0]
    assert [(r[5], r[6]) for r in second] == [(later, "run-2"), (later, "run-2")]
    assert json.loads(str(second[0][3])) == {"sku": "A", "title": "new"}
    assert [r[:3] for r in second] == [r[:3] for r in first]


def test_another_reason_or_table_is_another_record(conn: duckdb.DuckDBPyConnection) -> None:
    quarantine_rows(conn, "raw.shopify_products", [("1", "duplicate sku", {})])
    assert quarantine_rows(conn, "raw.shopify_products", [("1", "blank sku", {})]) == 1
    assert quarantine_rows(conn, "raw.smaregi_products", [("1", "blank sku", {})]) == 1
    assert len(records(conn)) == 3


def test_a_frame_of_rows(conn: duckdb.DuckDBPyConnection) -> None:
    rows = pd.DataFrame(
        {
            "record_key": ["a", "b"],
            "reason": ["price below zero", "price below zero"],
            "raw_record": [{"price": -1}, '{"price": -2}'],
        }
    )
    assert quarantine_rows(conn, "raw.shopify_products", rows) == 2
    assert [json.loads(str(r[3])) for r in records(conn)] == [{"price": -1}, {"price": -2}]


def test_whole_rows_of_a_frame_with_pandas_values(conn: duckdb.DuckDBPyConnection) -> None:
    bad = pd.DataFrame(
        {
            "id": [7, 9],
            "price": [np.nan, 1200.0],
            "stock": np.array([3, 4], dtype="int64"),
            "updated_at": [pd.Timestamp("2026-11-27T15:00:00+09:00"), pd.NaT],
            "tags": [["sale", "新作"], []],
        },
        index=[10, 20],
    )
    reasons = pd.Series({20: "price not a multiple of 10", 10: "price missing"})

    assert quarantine_frame(conn, "raw.shopify_products", bad, key_column="id", reason=reasons) == 2

    stored = {(r[1], r[2]): json.loads(str(r[3])) for r in records(conn)}
    assert stored[("7", "price missing")] == {
        "id": 7,
        "price": None,
        "stock": 3,
        "updated_at": "2026-11-27T15:00:00+09:00",
        "tags": ["sale", "新作"],
    }
    assert stored[("9", "price not a multiple of 10")]["updated_at"] is None


@pytest.mark.parametrize(
    "rows",
    [
        [(None, "reason", {})],
        [("1", "", {})],
        [("1", None, {})],
        pd.DataFrame({"record_key": ["1"], "reason": ["r"]}),
    ],
)
def test_rows_need_a_key_and_a_reason(conn: duckdb.DuckDBPyConnection, rows: object) -> None:
    with pytest.raises(ValueError):
        quarantine_rows(conn, "raw.shopify_products", rows)  # type: ignore[arg-type]
    assert records(conn) == []


def test_nothing_to_quarantine(conn: duckdb.DuckDBPyConnection) -> None:
    assert quarantine_rows(conn, "raw.shopify_products", []) == 0
    assert records(conn) == []
