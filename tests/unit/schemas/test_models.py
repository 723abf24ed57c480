from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from smapify_pipeline.schemas import shopify as shop
from smapify_pipeline.schemas.frames import PARSE_ERRORS_COLUMN
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
from smapify_pipeline.schemas.tables import TABLES, raw_columns
from tests.unit.schemas.records import (
    SHOP_LOCATION,
    shopify_fulfillment_order,
    shopify_order,
    shopify_product,
    smaregi_product,
    smaregi_transaction,
)

EXTRACTED = datetime(2026, 3, 4, tzinfo=UTC)


def _good_frames() -> dict[str, pd.DataFrame]:
    tables = {
        **normalize_shopify_products([shopify_product()], EXTRACTED),
        **normalize_shopify_orders([shopify_order()], EXTRACTED),
        **normalize_shopify(
            [shopify_fulfillment_order()], (shop.FULFILLMENT_ORDERS, shop.FULFILLMENT_ORDER_LINES), EXTRACTED
        ),
        **normalize_smaregi_transactions([smaregi_transaction()], extracted_at=EXTRACTED),
        "raw.shopify_locations": normalize_shopify_locations(
            [
                {
                    "id": SHOP_LOCATION,
                    "name": "渋谷本店",
                    "isActive": True,
                    "updatedAt": "2026-01-01T00:00:00Z",
                }
            ],
            EXTRACTED,
        ),
        "raw.smaregi_products": normalize_smaregi_products(
            [smaregi_product(), smaregi_product("8000002", "4901234567900", size="L")], EXTRACTED
        ),
        "raw.smaregi_stores": normalize_smaregi_stores(
            [{"storeId": "1", "storeCode": "0001", "storeName": "渋谷本店", "division": "1"}], EXTRACTED
        ),
        "raw.smaregi_categories": normalize_smaregi_categories(
            [{"categoryId": "1", "categoryCode": "TOPS", "categoryName": "トップス", "taxDivision": "0"}],
            EXTRACTED,
        ),
        "raw.smaregi_stock": normalize_smaregi_stock(
            [
                {
                    "storeId": "1",
                    "productId": "8000001",
                    "stockAmount": "12",
                    "updDateTime": "2026-03-02T12:35:00+09:00",
                }
            ],
            EXTRACTED,
        ),
    }
    frames = {name: table.frame.drop(columns=[PARSE_ERRORS_COLUMN]) for name, table in tables.items()}
    assert all(not frame.empty for frame in frames.values())
    return frames


GOOD = _good_frames()


def test_every_raw_table_has_a_schema_with_exactly_its_columns() -> None:
    assert {declared.schema.name for declared in TABLES.values()} == set(TABLES)
    for table, declared in TABLES.items():
        assert list(declared.schema.columns) == raw_columns(table), table


@pytest.mark.parametrize("table", sorted(TABLES))
def test_model_accepts_realistic_rows(table: str) -> None:
    validated = TABLES[table].schema.validate(GOOD[table], lazy=True)

    assert len(validated) == len(GOOD[table])


BAD_CELLS: list[tuple[str, str, Any, str]] = [
    ("raw.shopify_products", "product_id", "8101", "str_matches"),
    ("raw.shopify_products", "status", "DELETED", "isin"),
    ("raw.shopify_products", "title", None, "not_nullable"),
    ("raw.shopify_products", "updated_at", pd.NaT, "not_nullable"),
    ("raw.shopify_variants", "sku", None, "not_nullable"),
    ("raw.shopify_variants", "sku", "4901234567894" * 20, "str_length"),
    ("raw.shopify_variants", "price", -100, "greater_than_or_equal_to"),
    ("raw.shopify_variants", "inventory_item_id", "gid://shopify/Product/1", "str_matches"),
    ("raw.shopify_variants", "inventory_policy", "ALLOW", "isin"),
    ("raw.shopify_inventory", "location_id", None, "not_nullable"),
    ("raw.shopify_inventory", "available", 3_000_000_000, "in_range"),
    ("raw.shopify_locations", "location_id", "gid://shopify/Store/1", "str_matches"),
    ("raw.shopify_orders", "total_price", -1, "greater_than_or_equal_to"),
    ("raw.shopify_orders", "currency_code", "USD", "isin"),
    ("raw.shopify_orders", "processed_at", pd.NaT, "not_nullable"),
    ("raw.shopify_order_lines", "quantity", 0, "in_range"),
    ("raw.shopify_order_lines", "order_id", None, "not_nullable"),
    ("raw.shopify_refunds", "order_id", "5501", "str_matches"),
    ("raw.shopify_refund_lines", "restock_type", "RESTOCK", "isin"),
    ("raw.shopify_refund_lines", "location_id", None, "location_id: missing for a CANCEL or RETURN restock"),
    ("raw.smaregi_products", "product_code", "4901234567894-ABCDEFGHIJ", "str_matches"),
    ("raw.smaregi_products", "product_code", "4901234567894", "field_uniqueness"),
    ("raw.smaregi_products", "price", -100, "in_range"),
    ("raw.smaregi_products", "tax_division", "3", "isin"),
    ("raw.smaregi_products", "display_flag", "2", "isin"),
    ("raw.smaregi_products", "stock_control_division", "9", "isin"),
    ("raw.smaregi_products", "product_id", "P-1", "str_matches"),
    ("raw.smaregi_stores", "store_id", "1234567890", "str_matches"),
    ("raw.smaregi_categories", "tax_division", "9", "isin"),
    ("raw.smaregi_stock", "stock_amount", 1_000_000_000, "in_range"),
    ("raw.smaregi_transactions", "transaction_head_division", "12", "isin"),
    ("raw.smaregi_transactions", "cancel_division", "2", "isin"),
    ("raw.smaregi_transactions", "dispose_division", "3", "isin"),
    ("raw.smaregi_transactions", "return_sales", "2", "isin"),
    ("raw.smaregi_transactions", "terminal_id", "0", "str_matches"),
    ("raw.smaregi_transactions", "total", 1_000_000_000, "in_range"),
    ("raw.smaregi_transaction_details", "transaction_detail_division", "4", "isin"),
    ("raw.smaregi_transaction_details", "tax_division", "5", "isin"),
    ("raw.smaregi_transaction_details", "quantity", None, "not_nullable"),
]


@pytest.mark.parametrize(("table", "column", "value", "check"), BAD_CELLS)
def test_model_rejects_a_bad_value(table: str, column: str, value: Any, check: str) -> None:
    frame = GOOD[table].copy()
    frame[column] = frame[column].astype(object)
    frame.at[len(frame) - 1, column] = value

    with pytest.raises(SchemaErrors) as raised:
        TABLES[table].schema.validate(frame, lazy=True)

    cases = raised.value.failure_cases
    assert any(check in str(found) for found in cases["check"]), cases[["column", "check"]]
    rows = set(cases["index"].dropna().astype(int))
    assert rows <= {len(frame) - 1, 0}


@pytest.mark.parametrize("table", ["raw.shopify_variants", "raw.smaregi_transactions"])
def test_naive_timestamps_are_refused(table: str) -> None:
    frame = GOOD[table].copy()
    column = "updated_at" if table.startswith("raw.shopify") else "upd_date_time"
    frame[column] = frame[column].dt.tz_localize(None)

    with pytest.raises((SchemaErrors, pa.errors.SchemaError)):
        TABLES[table].schema.validate(frame, lazy=True)


def test_models_coerce_plain_python_values() -> None:
    frame = GOOD["raw.smaregi_stock"].copy()
    frame["stock_amount"] = frame["stock_amount"].astype(object).map(int)

    validated = TABLES["raw.smaregi_stock"].schema.validate(frame)

    assert str(validated["stock_amount"].dtype) == "Int64"
