import duckdb
import numpy as np
import pandas as pd
import pytest

from smapify_pipeline.warehouse import UpsertCounts, upsert_dataframe


@pytest.fixture
def products(conn: duckdb.DuckDBPyConnection) -> str:
    conn.execute(
        "CREATE TABLE core.products (code VARCHAR PRIMARY KEY, title VARCHAR, price DOUBLE, stock BIGINT, "
        "updated_at TIMESTAMPTZ, note VARCHAR DEFAULT 'kept')"
    )
    return "core.products"


def frame(codes: list[str], price_offset: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code": codes,
            "title": [f"商品 {c}" if i % 3 else None for i, c in enumerate(codes)],
            "price": [np.nan if i % 4 == 0 else 100.0 * i + price_offset for i in range(len(codes))],
            "stock": np.arange(len(codes), dtype="int64"),
            "updated_at": pd.Timestamp("2026-11-01T09:00:00", tz="Asia/Tokyo"),
        }
    )


def table(conn: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    return conn.execute(f"SELECT * FROM {name} ORDER BY ALL").df()


def test_upsert_twice_gives_the_same_table(conn: duckdb.DuckDBPyConnection, products: str) -> None:
    rows = frame([f"49{i:011d}" for i in range(50)])
    assert upsert_dataframe(conn, products, rows, ["code"]) == UpsertCounts(
        inserted=50, updated=0, unchanged=0
    )
    first = table(conn, products)
    assert upsert_dataframe(conn, products, rows, ["code"]) == UpsertCounts(
        inserted=0, updated=0, unchanged=50
    )
    pd.testing.assert_frame_equal(table(conn, products), first)
    assert len(first) == 50


def test_changed_rows_are_updated_and_new_rows_inserted(
    conn: duckdb.DuckDBPyConnection, products: str
) -> None:
    upsert_dataframe(conn, products, frame(["a", "b", "c", "d"]), ["code"])
    conn.execute("UPDATE core.products SET note = 'hand-written' WHERE code = 'b'")
    second = frame(["a", "b", "c", "d", "e"])
    second.loc[second["code"] == "b", "price"] = 999.0
    second.loc[second["code"] == "c", "title"] = None

    counts = upsert_dataframe(conn, products, second, ["code"])

    assert counts == UpsertCounts(inserted=1, updated=2, unchanged=2)
    result = table(conn, products).set_index("code")
    assert result.loc["b", "price"] == 999.0
    assert result.loc["b", "note"] == "hand-written"
    assert pd.isna(result.loc["c", "title"])
    assert result.loc["e", "note"] == "kept"


def test_composite_keys(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute(
        "CREATE TABLE core.stock (code VARCHAR, location VARCHAR, qty INTEGER, PRIMARY KEY (code, location))"
    )
    rows = pd.DataFrame({"code": ["a", "a", "b"], "location": ["1", "2", "1"], "qty": [1, 2, 3]})
    assert upsert_dataframe(conn, "core.stock", rows, ["code", "location"]).inserted == 3
    rows.loc[1, "qty"] = 20
    assert upsert_dataframe(conn, "core.stock", rows, ["code", "location"]) == UpsertCounts(0, 1, 2)
    assert conn.execute("SELECT qty FROM core.stock WHERE code = 'a' AND location = '2'").fetchone() == (20,)


def test_key_only_tables_only_insert(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE TABLE core.codes (code VARCHAR PRIMARY KEY)")
    rows = pd.DataFrame({"code": ["a", "b"]})
    assert upsert_dataframe(conn, "core.codes", rows, ["code"]) == UpsertCounts(2, 0, 0)
    assert upsert_dataframe(conn, "core.codes", rows, ["code"]) == UpsertCounts(0, 0, 2)


def test_a_missing_table_is_an_error_unless_creation_is_asked(conn: duckdb.DuckDBPyConnection) -> None:
    rows = frame(["a", "b"])
    with pytest.raises(LookupError, match="core.fresh does not exist"):
        upsert_dataframe(conn, "core.fresh", rows, ["code"])
    assert conn.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fresh'").fetchone() == (0,)

    assert upsert_dataframe(conn, "core.fresh", rows, ["code"], create=True).inserted == 2
    constraints = conn.execute(
        "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'fresh' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()
    assert constraints == [("PRIMARY KEY",)]


def test_an_empty_frame_writes_nothing(conn: duckdb.DuckDBPyConnection, products: str) -> None:
    assert upsert_dataframe(conn, products, frame([]), ["code"]) == UpsertCounts(0, 0, 0)
    assert conn.execute("SELECT count(*) FROM core.products").fetchone() == (0,)


@pytest.mark.parametrize(
    ("rows", "keys", "message"),
    [
        (pd.DataFrame({"code": ["a", "a"], "stock": [1, 2]}), ["code"], "share a key"),
        (pd.DataFrame({"code": ["a", None], "stock": [1, 2]}), ["code"], "null key"),
        (pd.DataFrame({"code": ["a"], "colour": ["red"]}), ["code"], "not columns of core.products"),
        (pd.DataFrame({"code": ["a"]}), ["sku"], "not in the frame"),
        (pd.DataFrame({"code": ["a"]}), [], "at least one key"),
    ],
)
def test_bad_frames_are_refused_and_write_nothing(
    conn: duckdb.DuckDBPyConnection, products: str, rows: pd.DataFrame, keys: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        upsert_dataframe(conn, products, rows, keys)
    assert conn.execute("SELECT count(*) FROM core.products").fetchone() == (0,)


def test_a_view_is_not_a_target(conn: duckdb.DuckDBPyConnection, products: str) -> None:
    conn.execute("CREATE VIEW analytics.products AS SELECT * FROM core.products")
    with pytest.raises(TypeError, match="is a view"):
        upsert_dataframe(conn, "analytics.products", frame(["a"]), ["code"])


def test_names_that_need_quoting(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute('CREATE TABLE core."odd table" ("key col" VARCHAR PRIMARY KEY, "select" INTEGER)')
    rows = pd.DataFrame({"key col": ["x"], "select": [1]})
    assert upsert_dataframe(conn, "core.odd table", rows, ["key col"]).inserted == 1


def test_an_unfinished_result_left_by_the_caller_does_not_block_the_upsert(
    conn: duckdb.DuckDBPyConnection, products: str
) -> None:
    upsert_dataframe(conn, products, frame(["a", "b", "c"]), ["code"])
    conn.execute("SELECT code FROM core.products ORDER BY code").fetchone()
    assert upsert_dataframe(conn, products, frame(["d"]), ["code"]).inserted == 1


def test_bookkeeping_columns_alone_are_not_a_change(conn: duckdb.DuckDBPyConnection, products: str) -> None:
    rows = frame(["4900000000001", "4900000000002"])
    upsert_dataframe(conn, products, rows, ["code"])
    later = rows.assign(updated_at=pd.Timestamp("2026-11-02T09:00:00", tz="Asia/Tokyo"))
    assert upsert_dataframe(conn, products, later, ["code"], not_a_change=["updated_at"]) == UpsertCounts(
        inserted=0, updated=0, unchanged=2
    )
    repriced = later.assign(stock=[7, 1])
    assert upsert_dataframe(conn, products, repriced, ["code"], not_a_change=["updated_at"]) == UpsertCounts(
        inserted=0, updated=1, unchanged=1
    )
    stored = dict(conn.execute(f"SELECT code, updated_at FROM {products}").fetchall())
    assert stored["4900000000001"].day == 2
    assert stored["4900000000002"].day == 1
