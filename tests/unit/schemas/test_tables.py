from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pytest

from smapify_pipeline.schemas import shopify as shop
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.schemas.normalize_shopify import (
    normalize_shopify,
    normalize_shopify_locations,
    normalize_shopify_orders,
    normalize_shopify_products,
)
from smapify_pipeline.schemas.normalize_smaregi import (
    normalize_smaregi_categories,
    normalize_smaregi_products,
    normalize_smaregi_stock,
    normalize_smaregi_stores,
    normalize_smaregi_transactions,
)
from smapify_pipeline.schemas.tables import (
    QUARANTINE_TABLE,
    RAW_TABLES,
    TABLES,
    primary_key,
    raw_columns,
    validate_table,
)
from smapify_pipeline.warehouse.migrations import apply_migrations
from smapify_pipeline.warehouse.quarantine import quarantine_rows
from tests.unit.schemas.records import (
    SHOP_LOCATION,
    shopify_fulfillment_order,
    shopify_order,
    shopify_product,
    smaregi_product,
    smaregi_transaction,
)

EXTRACTED = datetime(2026, 3, 4, tzinfo=UTC)


@pytest.fixture
def conn() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(":memory:")
    connection.execute("CREATE SCHEMA raw; CREATE SCHEMA quarantine;")
    for statement in RAW_TABLES.values():
        connection.execute(statement)
    yield connection
    connection.close()


def _all_tables() -> dict[str, NormalizedTable]:
    return {
        **normalize_shopify_products([shopify_product()], EXTRACTED),
        **normalize_shopify_orders([shopify_order()], EXTRACTED),
        **normalize_shopify(
            [shopify_fulfillment_order()], (shop.FULFILLMENT_ORDERS, shop.FULFILLMENT_ORDER_LINES), EXTRACTED
        ),
        **normalize_smaregi_transactions([smaregi_transaction()], extracted_at=EXTRACTED),
        "raw.shopify_locations": normalize_shopify_locations(
            [{"id": SHOP_LOCATION, "name": "渋谷本店", "isActive": True}], EXTRACTED
        ),
        "raw.smaregi_products": normalize_smaregi_products([smaregi_product()], EXTRACTED),
        "raw.smaregi_stores": normalize_smaregi_stores(
            [{"storeId": "1", "storeCode": "0001", "storeName": "渋谷本店"}], EXTRACTED
        ),
        "raw.smaregi_categories": normalize_smaregi_categories(
            [{"categoryId": "1", "categoryCode": "TOPS", "categoryName": "トップス"}], EXTRACTED
        ),
        "raw.smaregi_stock": normalize_smaregi_stock(
            [{"storeId": "1", "productId": "8000001", "stockAmount": "12"}], EXTRACTED
        ),
    }


def test_ddl_creates_every_raw_table_with_its_columns_and_key(conn: duckdb.DuckDBPyConnection) -> None:
    for name in RAW_TABLES:
        schema, table = name.split(".")
        columns = conn.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
            [schema, table],
        ).fetchall()
        assert [c for (c,) in columns] == raw_columns(name)
        constraint = conn.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE schema_name = ? AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
            [schema, table],
        ).fetchone()
        assert constraint is not None and tuple(constraint[0]) == primary_key(name)


def test_ddl_is_ordered_and_can_run_again(conn: duckdb.DuckDBPyConnection) -> None:
    assert list(RAW_TABLES) == list(TABLES)
    assert len(RAW_TABLES) == 17
    for statement in RAW_TABLES.values():
        assert statement.startswith("CREATE TABLE IF NOT EXISTS raw.")
        conn.execute(statement)


def test_deletable_records_have_deleted_at_and_every_table_has_extracted_at() -> None:
    deletable = {name for name in TABLES if "deleted_at" in raw_columns(name)}
    assert deletable == {"raw.shopify_products", "raw.shopify_variants", "raw.smaregi_products"}
    assert all(raw_columns(name)[-1] == "extracted_at" for name in TABLES)


def test_validated_frames_insert_into_their_tables(conn: duckdb.DuckDBPyConnection) -> None:
    tables = _all_tables()
    assert set(tables) == set(RAW_TABLES)

    for name, table in tables.items():
        outcome = validate_table(table)
        assert outcome.quarantined.empty, (name, outcome.quarantined["reason"].tolist())
        valid = outcome.valid
        conn.register("valid_rows", valid)
        conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM valid_rows")
        conn.unregister("valid_rows")
        assert conn.execute(f"SELECT count(*) FROM {name}").fetchall() == [(len(valid),)]

    price, tags, updated = conn.execute(
        "SELECT v.price, p.tags, p.updated_at FROM raw.shopify_variants v JOIN raw.shopify_products p USING (product_id) "
        "WHERE v.sku = '4901234567894'"
    ).fetchone()
    assert (price, tags) == (2980, ["春夏", "コットン"])
    assert updated == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    cost, flag, changed = conn.execute(
        "SELECT cost, display_flag, upd_date_time FROM raw.smaregi_products WHERE product_code = '4901234567894'"
    ).fetchone()
    assert (cost, flag) == (Decimal("1200.00000"), "1")
    assert changed == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    rates = conn.execute(
        "SELECT list(tax_rate ORDER BY transaction_detail_id) FROM raw.smaregi_transaction_details"
    ).fetchone()
    assert rates == ([10, 8],)
    tax_lines = conn.execute("SELECT tax_lines FROM raw.shopify_orders").fetchone()
    assert tax_lines is not None
    assert json.loads(tax_lines[0])[1] == {"title": "消費税(軽減)", "rate_percent": 8, "amount": 80}


def test_quarantine_frame_fits_the_warehouse_quarantine_table() -> None:
    conn = duckdb.connect(":memory:")
    apply_migrations(conn)
    records = [
        smaregi_product(),
        smaregi_product("8000001", price="3280"),
        smaregi_product("8000002", price="-5"),
    ]
    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    added = quarantine_rows(conn, "raw.smaregi_products", outcome.quarantined, run_id="run-1")

    assert added == len(outcome.quarantined) == 3
    rows = conn.execute(
        f"SELECT record_key, reason, raw_record FROM {QUARANTINE_TABLE} ORDER BY reason"
    ).fetchall()
    assert {key for key, _, _ in rows} == {"8000001", "8000002"}
    assert json.loads(rows[0][2])["productName"] == "オーガニックコットンTシャツ"
    conn.close()
