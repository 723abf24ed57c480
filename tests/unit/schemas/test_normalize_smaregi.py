from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pandas.testing as pdt

from smapify_pipeline.platforms.smaregi.convert import from_smaregi
from smapify_pipeline.schemas.frames import PARSE_ERRORS_COLUMN
from smapify_pipeline.schemas.normalize_smaregi import (
    api_field,
    normalize_smaregi_categories,
    normalize_smaregi_products,
    normalize_smaregi_stock,
    normalize_smaregi_stores,
    normalize_smaregi_transactions,
)
from smapify_pipeline.schemas.tables import raw_columns
from tests.unit.schemas.records import smaregi_product, smaregi_transaction

EXTRACTED = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)


def test_api_field_names_are_the_camel_case_of_the_columns() -> None:
    assert api_field("transaction_head_id") == "transactionHeadId"
    assert api_field("dispose_server_transaction_head_id") == "disposeServerTransactionHeadId"
    assert api_field("upd_date_time") == "updDateTime"


def test_products_strings_become_typed_columns_and_codes_stay_strings() -> None:
    table = normalize_smaregi_products([smaregi_product()], EXTRACTED)

    assert list(table.frame.columns) == [*raw_columns("raw.smaregi_products"), PARSE_ERRORS_COLUMN]
    row = table.frame.iloc[0]
    assert (row["product_id"], row["product_code"], row["category_id"]) == ("8000001", "4901234567894", "1")
    assert row["price"] == 2980 and str(table.frame["price"].dtype) == "Int64"
    assert row["cost"] == 1200.0
    assert (row["tax_division"], row["display_flag"], row["stock_control_division"]) == ("0", "1", "0")
    assert row["upd_date_time"] == pd.Timestamp("2026-03-01T09:00:00Z")
    assert row["group_code"] == "G-8101"
    assert pd.isna(row[PARSE_ERRORS_COLUMN])
    assert table.raw_records[0]["productName"] == "オーガニックコットンTシャツ"


def test_records_typed_by_the_client_convert_module_give_the_same_frame() -> None:
    strings = normalize_smaregi_products([smaregi_product()], EXTRACTED).frame
    typed = normalize_smaregi_products(from_smaregi([smaregi_product()]), EXTRACTED).frame

    pdt.assert_frame_equal(strings, typed)


def test_unparseable_values_are_null_with_the_original_value_named() -> None:
    record = smaregi_product(price="２９８０", updDateTime="2026-13-45T10:00:00+09:00", displaySequence="1.5")

    row = normalize_smaregi_products([record], EXTRACTED).frame.iloc[0]

    assert pd.isna(row["price"]) and pd.isna(row["upd_date_time"]) and pd.isna(row["display_sequence"])
    assert row[PARSE_ERRORS_COLUMN] == (
        "price: not an amount ('２９８０'); display_sequence: not an integer ('1.5'); "
        "upd_date_time: not a timestamp ('2026-13-45T10:00:00+09:00')"
    )


def test_a_time_without_offset_is_japan_time() -> None:
    row = normalize_smaregi_products([smaregi_product(updDateTime="2026-03-01 18:00:00")], EXTRACTED).frame

    assert row.loc[0, "upd_date_time"] == pd.Timestamp("2026-03-01T09:00:00Z")


def test_transactions_with_embedded_details() -> None:
    tables = normalize_smaregi_transactions([smaregi_transaction()], extracted_at=EXTRACTED)

    head = tables["raw.smaregi_transactions"].frame.iloc[0]
    assert head["transaction_head_id"] == "1001"
    assert (head["transaction_head_division"], head["cancel_division"], head["dispose_division"]) == (
        "1",
        "0",
        "0",
    )
    assert (head["subtotal"], head["tax_include"], head["total"], head["carriage"]) == (4060, 350, 4060, 0)
    assert head["terminal_tran_date_time"] == pd.Timestamp("2026-03-02T03:34:50Z")
    assert head["sum_date"] == pd.Timestamp("2026-03-02")
    assert "details" not in tables["raw.smaregi_transactions"].raw_records[0]

    details = tables["raw.smaregi_transaction_details"].frame
    assert list(details["transaction_head_id"]) == ["1001", "1001"]
    assert list(details["transaction_detail_id"]) == ["1", "2"]
    assert list(details["tax_rate"]) == [10, 8]
    assert list(details["sales_price"]) == [2980, 1080]


def test_details_fetched_separately_are_added() -> None:
    head = smaregi_transaction("1002")
    lines = [dict(line, transactionHeadId="1002") for line in head.pop("details")]

    tables = normalize_smaregi_transactions([head], details=lines, extracted_at=EXTRACTED)

    assert len(tables["raw.smaregi_transaction_details"].frame) == 2
    assert set(tables["raw.smaregi_transaction_details"].frame["transaction_head_id"]) == {"1002"}


def test_return_line_keeps_its_division_and_negative_quantity() -> None:
    sale = smaregi_transaction("1003", subtotal="-2980", total="-2980")
    sale["details"] = [dict(sale["details"][0], transactionDetailDivision="2", quantity="-1")]

    details = normalize_smaregi_transactions([sale], extracted_at=EXTRACTED)[
        "raw.smaregi_transaction_details"
    ]

    assert details.frame.loc[0, "transaction_detail_division"] == "2"
    assert details.frame.loc[0, "quantity"] == -1


def test_stores_categories_and_stock() -> None:
    stores = normalize_smaregi_stores(
        [{"storeId": "1", "storeCode": "0001", "storeName": "渋谷本店", "division": "1", "pauseFlag": "0"}],
        EXTRACTED,
    ).frame
    categories = normalize_smaregi_categories(
        [
            {
                "categoryId": "1",
                "categoryCode": "TOPS",
                "categoryName": "トップス",
                "taxDivision": "0",
                "level": "1",
            }
        ],
        EXTRACTED,
    ).frame
    stock = normalize_smaregi_stock(
        [{"storeId": "1", "productId": "8000001", "stockAmount": "-3", "layawayStockAmount": "0",
          "updDateTime": "2026-03-02T12:35:00+09:00"}],
        EXTRACTED,
    ).frame  # fmt: skip

    assert stores.loc[0, "store_code"] == "0001"
    assert categories.loc[0, "category_name"] == "トップス"
    assert stock.loc[0, "stock_amount"] == -3
