from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from smapify_pipeline.schemas import shopify, smaregi
from smapify_pipeline.schemas.frames import PARSE_ERRORS_COLUMN
from smapify_pipeline.schemas.normalize_shopify import normalize_shopify_orders, normalize_shopify_products
from smapify_pipeline.schemas.normalize_smaregi import (
    normalize_smaregi_products,
    normalize_smaregi_transactions,
)
from smapify_pipeline.schemas.tables import validate_table
from smapify_pipeline.schemas.validate import QUARANTINE_COLUMNS, split_valid
from tests.unit.schemas.records import shopify_order, shopify_product, shopify_variant, smaregi_product

EXTRACTED = datetime(2026, 3, 4, tzinfo=UTC)


def _reasons(outcome) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return dict(zip(outcome.quarantined["record_key"], outcome.quarantined["reason"], strict=True))


def test_smaregi_products_bad_rows_are_quarantined_with_reasons_and_the_rest_load() -> None:
    records = [
        smaregi_product("8000001", "4901234567894"),
        smaregi_product("8000002", "4901234567900", price="-100"),
        smaregi_product("8000003", "4901234567917", updDateTime="2026-13-45"),
        smaregi_product("8000004", "4901234567924"),
        smaregi_product("8000005", "4901234567924", size="L"),
        smaregi_product("8000006", "4901234567931"),
    ]

    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    assert list(outcome.valid["product_id"]) == ["8000001", "8000006"]
    assert _reasons(outcome) == {
        "8000002": "price: must be ≥ 0 (got -100)",
        "8000003": "upd_date_time: not a timestamp ('2026-13-45')",
        "8000004": "product_code: duplicate key (2 rows share '4901234567924')",
        "8000005": "product_code: duplicate key (2 rows share '4901234567924')",
    }
    assert list(outcome.quarantined.columns) == QUARANTINE_COLUMNS
    assert set(outcome.quarantined["source_table"]) == {"raw.smaregi_products"}
    raw = json.loads(outcome.quarantined.set_index("record_key").loc["8000003", "raw_record"])
    assert raw["updDateTime"] == "2026-13-45" and raw["productName"] == "オーガニックコットンTシャツ"


def test_shopify_variant_missing_sku_is_quarantined_and_its_siblings_load() -> None:
    product = shopify_product(
        variants={
            "nodes": [
                shopify_variant(9101, "4901234567894", "M", "ホワイト"),
                shopify_variant(9102, "", "L", "ホワイト"),
                shopify_variant(9103, "4901234567917", "S", "ホワイト", price="-100"),
            ]
        }
    )

    tables = normalize_shopify_products([product], EXTRACTED)
    outcome = validate_table(tables["raw.shopify_variants"])

    assert list(outcome.valid["variant_id"]) == ["gid://shopify/ProductVariant/9101"]
    assert _reasons(outcome) == {
        "gid://shopify/ProductVariant/9102": "sku: missing",
        "gid://shopify/ProductVariant/9103": "price: must be ≥ 0 (got -100)",
    }
    assert json.loads(outcome.quarantined["raw_record"].iloc[0])["sku"] == ""


def test_a_row_gets_every_reason_that_applies() -> None:
    record = smaregi_product("8000002", "JAN-4901234567900-TOO-LONG", price="-100", updDateTime="yesterday")

    outcome = validate_table(normalize_smaregi_products([record], EXTRACTED))

    reasons = outcome.quarantined.loc[0, "reason"].split("; ")
    assert set(reasons) == {
        "upd_date_time: not a timestamp ('yesterday')",
        "product_code: must be 1–20 printable ASCII characters (got 'JAN-4901234567900-TOO-LONG')",
        "price: must be ≥ 0 (got -100)",
    }
    assert outcome.valid.empty


def test_every_row_of_a_conflicting_duplicate_key_is_quarantined() -> None:
    records = [
        smaregi_product("8000001"),
        smaregi_product("8000001", price="3280"),
        smaregi_product("8000002", "4901234567900"),
    ]

    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    assert list(outcome.valid["product_id"]) == ["8000002"]
    same_code = "product_code: duplicate key (2 rows share '4901234567894')"
    assert sorted(outcome.quarantined["reason"]) == [
        f"product_id: duplicate key (2 rows, #1); {same_code}",
        f"product_id: duplicate key (2 rows, #2); {same_code}",
    ]
    assert set(outcome.quarantined["record_key"]) == {"8000001"}


def test_the_same_record_seen_twice_is_kept_once() -> None:
    records = [
        smaregi_product("8000001"),
        smaregi_product("8000001"),
        smaregi_product("8000002", "4901234567900"),
    ]

    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    assert list(outcome.valid["product_id"]) == ["8000001", "8000002"]
    assert outcome.quarantined.empty
    assert outcome.repeated == 1


def test_composite_keys_are_named_and_joined() -> None:
    sale = {
        "transactionHeadId": "1001",
        "transactionDateTime": "2026-03-02T12:34:56+09:00",
        "transactionHeadDivision": "1",
        "cancelDivision": "0",
        "storeId": "1",
        "terminalTranDateTime": "2026-03-02T12:34:50+09:00",
        "subtotal": "2980",
        "total": "2980",
        "updDateTime": "2026-03-02T12:35:00+09:00",
    }
    line = {"transactionHeadId": "1001", "transactionDetailId": "1", "transactionDetailDivision": "1",
            "salesPrice": "2980", "quantity": "1"}  # fmt: skip
    tables = normalize_smaregi_transactions(
        [sale], details=[line, dict(line, quantity="2")], extracted_at=EXTRACTED
    )

    outcome = validate_table(tables["raw.smaregi_transaction_details"])

    assert set(outcome.quarantined["record_key"]) == {"1001|1"}
    assert (
        outcome.quarantined["reason"]
        .str.startswith("transaction_head_id+transaction_detail_id: duplicate key (2 rows")
        .all()
    )
    assert validate_table(tables["raw.smaregi_transactions"]).quarantined.empty


def test_a_row_without_its_key_gets_a_stable_record_key() -> None:
    outcome = validate_table(normalize_smaregi_products([smaregi_product(productId=None)], EXTRACTED))

    assert outcome.quarantined.loc[0, "reason"] == "product_id: missing"
    assert outcome.quarantined.loc[0, "record_key"].startswith("sha1:")
    again = validate_table(normalize_smaregi_products([smaregi_product(productId=None)], EXTRACTED))
    assert again.quarantined.loc[0, "record_key"] == outcome.quarantined.loc[0, "record_key"]


def test_orders_with_foreign_money_or_tax_rates_are_quarantined_with_the_field_named() -> None:
    good = shopify_order()
    bad = shopify_order(
        id="gid://shopify/Order/5502",
        name="#1002",
        totalPriceSet={"shopMoney": {"amount": "4610.5", "currencyCode": "JPY"}},
        lineItems={"nodes": []},
        refunds=[],
    )

    outcome = validate_table(normalize_shopify_orders([good, bad], EXTRACTED)["raw.shopify_orders"])

    assert list(outcome.valid["order_id"]) == ["gid://shopify/Order/5501"]
    assert _reasons(outcome) == {"gid://shopify/Order/5502": "total_price: not whole yen ('4610.5')"}


def test_valid_frame_is_coerced_and_has_only_the_ddl_columns() -> None:
    table = normalize_smaregi_products([smaregi_product()], EXTRACTED)
    frame = table.frame.copy()
    frame["price"] = frame["price"].astype(object).map(int)
    frame.index = [41]

    outcome = split_valid(
        frame, smaregi.PRODUCTS.schema, ["product_id"], "raw.smaregi_products", table.raw_records
    )

    assert PARSE_ERRORS_COLUMN not in outcome.valid.columns
    assert str(outcome.valid["price"].dtype) == "Int64"
    assert list(outcome.valid.index) == [0]


def test_without_raw_records_the_row_itself_is_kept() -> None:
    table = normalize_smaregi_products([smaregi_product(price="-1")], EXTRACTED)

    outcome = split_valid(table.frame, smaregi.PRODUCTS.schema, ["product_id"], "raw.smaregi_products")

    kept = json.loads(outcome.quarantined.loc[0, "raw_record"])
    assert kept["price"] == -1 and kept["product_code"] == "4901234567894"


def test_a_missing_column_quarantines_every_row_with_that_reason() -> None:
    table = normalize_smaregi_products(
        [smaregi_product(), smaregi_product("8000002", "4901234567900")], EXTRACTED
    )

    outcome = split_valid(
        table.frame.drop(columns=["tax_division"]),
        smaregi.PRODUCTS.schema,
        ["product_id"],
        "raw.smaregi_products",
    )

    assert outcome.valid.empty
    assert list(outcome.quarantined["reason"]) == ["tax_division: column missing from the extract"] * 2


def test_raw_records_must_line_up_with_rows() -> None:
    table = normalize_shopify_products([shopify_product()], EXTRACTED)["raw.shopify_variants"]

    with pytest.raises(ValueError, match="raw records"):
        split_valid(table.frame, shopify.VARIANTS.schema, ["variant_id"], table.table, table.raw_records[:1])


def test_all_good_rows_give_an_empty_quarantine_frame_with_its_columns() -> None:
    outcome = validate_table(
        normalize_shopify_products([shopify_product()], EXTRACTED)["raw.shopify_variants"]
    )

    assert len(outcome.valid) == 2
    assert outcome.quarantined.empty and list(outcome.quarantined.columns) == QUARANTINE_COLUMNS


def test_large_clean_extract_is_not_lost() -> None:
    records = [smaregi_product(str(8000001 + i), f"49{i:011d}") for i in range(5000)]

    outcome = validate_table(normalize_smaregi_products(records, EXTRACTED))

    assert len(outcome.valid) == 5000 and outcome.quarantined.empty
    assert isinstance(outcome.valid["upd_date_time"].dtype, pd.DatetimeTZDtype)


def test_a_return_restocked_nowhere_is_quarantined_once_with_the_rule_named() -> None:
    order = shopify_order()
    order["refunds"][0]["refundLineItems"]["nodes"][0]["location"] = None

    outcome = validate_table(normalize_shopify_orders([order], EXTRACTED)["raw.shopify_refund_lines"])

    assert outcome.valid.empty
    assert _reasons(outcome) == {
        "gid://shopify/Refund/7701|gid://shopify/LineItem/6601": "location_id: missing for a CANCEL or RETURN restock"
    }


def test_a_bad_record_seen_twice_is_quarantined_once() -> None:
    bad = smaregi_product("8000002", "4901234567900", updDateTime="2026-13-45")

    outcome = validate_table(normalize_smaregi_products([smaregi_product(), bad, dict(bad)], EXTRACTED))

    assert list(outcome.quarantined["record_key"]) == ["8000002"]
    assert outcome.repeated == 1 and len(outcome.valid) == 1
