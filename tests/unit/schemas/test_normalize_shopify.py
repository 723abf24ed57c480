from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pandas.testing as pdt

from smapify_pipeline.schemas.frames import PARSE_ERRORS_COLUMN
from smapify_pipeline.schemas.normalize_shopify import (
    normalize_shopify_inventory,
    normalize_shopify_locations,
    normalize_shopify_orders,
    normalize_shopify_products,
    normalize_shopify_refunds,
)
from smapify_pipeline.schemas.tables import raw_columns
from tests.unit.schemas.records import (
    SHOP_LOCATION,
    as_bulk_rows,
    money_bag,
    shopify_order,
    shopify_product,
    shopify_variant,
)

EXTRACTED = datetime(2026, 3, 4, 0, 0, tzinfo=UTC)


def test_product_variants_and_inventory_from_nested_connections() -> None:
    tables = normalize_shopify_products([shopify_product()], EXTRACTED)

    products = tables["raw.shopify_products"].frame
    assert list(products.columns) == [*raw_columns("raw.shopify_products"), PARSE_ERRORS_COLUMN]
    product = products.iloc[0]
    assert product["product_id"] == "gid://shopify/Product/8101"
    assert product["description_html"].startswith("<p>肌ざわり")
    assert product["tags"] == ["春夏", "コットン"]
    assert product["updated_at"] == pd.Timestamp("2026-03-01T09:00:00Z")
    assert pd.isna(product["deleted_at"])
    assert product["extracted_at"] == pd.Timestamp(EXTRACTED)

    variants = tables["raw.shopify_variants"].frame.set_index("variant_id")
    first = variants.loc["gid://shopify/ProductVariant/9101"]
    assert first["product_id"] == "gid://shopify/Product/8101"
    assert (first["sku"], first["barcode"]) == ("4901234567894", "4901234567894")
    assert first["price"] == 2980
    assert first["unit_cost"] == 1200
    assert first["inventory_item_id"] == "gid://shopify/InventoryItem/109101"
    assert bool(first["tracked"]) is True
    assert (first["size"], first["color"]) == ("M", "ホワイト")
    assert json.loads(first["selected_options"])[0] == {"name": "サイズ", "value": "M"}
    assert variants.loc["gid://shopify/ProductVariant/9102", "price"] == 3280
    assert variants[PARSE_ERRORS_COLUMN].isna().all()

    inventory = tables["raw.shopify_inventory"].frame
    assert len(inventory) == 2
    level = inventory.iloc[0]
    assert level["inventory_item_id"] == "gid://shopify/InventoryItem/109101"
    assert level["location_id"] == SHOP_LOCATION
    assert (level["available"], level["on_hand"], level["committed"]) == (7, 8, 1)
    assert pd.isna(level["incoming"])


def test_raw_records_are_the_nodes_without_their_child_connections() -> None:
    tables = normalize_shopify_products([shopify_product()], EXTRACTED)

    product_record = tables["raw.shopify_products"].raw_records[0]
    assert "variants" not in product_record
    assert product_record["title"] == "オーガニックコットンTシャツ"
    variant_record = tables["raw.shopify_variants"].raw_records[0]
    assert variant_record["__parentId"] == "gid://shopify/Product/8101"
    assert "inventoryLevels" not in variant_record["inventoryItem"]


def test_bulk_jsonl_rows_give_the_same_tables_as_the_nested_shape() -> None:
    nested = normalize_shopify_products([shopify_product()], EXTRACTED)
    flat = normalize_shopify_products(as_bulk_rows(shopify_product()), EXTRACTED)

    for table in ("raw.shopify_products", "raw.shopify_variants", "raw.shopify_inventory"):
        pdt.assert_frame_equal(nested[table].frame, flat[table].frame)


def test_bulk_inventory_level_under_a_variant_finds_its_item_through_the_variant() -> None:
    variant = shopify_variant(9101, "4901234567894", "M", "ホワイト")
    level = variant["inventoryItem"].pop("inventoryLevels")["nodes"][0]
    level["id"] = "gid://shopify/InventoryLevel/209101"
    rows = [{**variant, "__parentId": "gid://shopify/Product/8101"}, {**level, "__parentId": variant["id"]}]

    inventory = normalize_shopify_products(rows, EXTRACTED)["raw.shopify_inventory"].frame

    assert inventory.loc[0, "inventory_item_id"] == "gid://shopify/InventoryItem/109101"


def test_inventory_levels_read_alone_take_item_and_location_from_their_fields() -> None:
    level = {
        "id": "gid://shopify/InventoryLevel/1?inventory_item_id=55",
        "item": {"id": "gid://shopify/InventoryItem/55"},
        "location": {"id": SHOP_LOCATION},
        "quantities": [{"name": "available", "quantity": -2}, {"name": "on_hand", "quantity": 0}],
        "updatedAt": "2026-03-01T09:00:00Z",
    }

    inventory = normalize_shopify_inventory([level], EXTRACTED).frame

    assert inventory.loc[0, "inventory_item_id"] == "gid://shopify/InventoryItem/55"
    assert (inventory.loc[0, "available"], inventory.loc[0, "on_hand"]) == (-2, 0)


def test_locations() -> None:
    node = {
        "id": SHOP_LOCATION,
        "name": "渋谷本店",
        "isActive": True,
        "fulfillsOnlineOrders": False,
        "createdAt": "2025-12-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z",
    }

    frame = normalize_shopify_locations([node], EXTRACTED).frame

    assert frame.loc[0, "name"] == "渋谷本店"
    assert bool(frame.loc[0, "fulfills_online_orders"]) is False


def test_orders_lines_refunds_and_refund_lines() -> None:
    tables = normalize_shopify_orders([shopify_order()], EXTRACTED)

    order = tables["raw.shopify_orders"].frame.iloc[0]
    assert order["name"] == "#1001"
    assert (order["subtotal_price"], order["total_shipping_price"], order["total_price"]) == (4060, 550, 4610)
    assert order["tags"] == ["オンライン"]
    assert json.loads(order["tax_lines"]) == [
        {"title": "消費税", "rate_percent": 10, "amount": 271},
        {"title": "消費税(軽減)", "rate_percent": 8, "amount": 80},
    ]
    assert pd.isna(order[PARSE_ERRORS_COLUMN])

    lines = tables["raw.shopify_order_lines"].frame.set_index("line_item_id")
    assert lines.loc["gid://shopify/LineItem/6601", "order_id"] == "gid://shopify/Order/5501"
    assert lines.loc["gid://shopify/LineItem/6602", "unit_price"] == 1080
    assert json.loads(lines.loc["gid://shopify/LineItem/6602", "tax_lines"])[0]["rate_percent"] == 8

    refund = tables["raw.shopify_refunds"].frame.iloc[0]
    assert (refund["refund_id"], refund["order_id"]) == (
        "gid://shopify/Refund/7701",
        "gid://shopify/Order/5501",
    )
    assert refund["total_refunded"] == 2980

    line = tables["raw.shopify_refund_lines"].frame.iloc[0]
    assert line["refund_id"] == "gid://shopify/Refund/7701"
    assert line["order_id"] == "gid://shopify/Order/5501"
    assert line["line_item_id"] == "gid://shopify/LineItem/6601"
    assert (line["restock_type"], line["location_id"], line["quantity"]) == ("RETURN", SHOP_LOCATION, 1)
    assert pd.isna(line["refund_line_item_id"])
    assert line["subtotal"] == 2980


def test_refunds_read_on_their_own_carry_order_reference() -> None:
    refund = shopify_order()["refunds"][0] | {"order": {"id": "gid://shopify/Order/5501"}}

    tables = normalize_shopify_refunds([refund], EXTRACTED)

    assert tables["raw.shopify_refunds"].frame.loc[0, "order_id"] == "gid://shopify/Order/5501"
    assert tables["raw.shopify_refund_lines"].frame.loc[0, "order_id"] == "gid://shopify/Order/5501"


def test_bad_values_become_null_with_a_message_naming_the_field() -> None:
    bad_variant = shopify_variant(
        9103, "", "S", "ホワイト", price="2980.50", updatedAt="2026-13-45T00:00:00Z"
    )
    product = shopify_product(variants={"nodes": [bad_variant]}, createdAt="2026-01-10T10:00:00")

    tables = normalize_shopify_products([product], EXTRACTED)

    variant = tables["raw.shopify_variants"].frame.iloc[0]
    assert pd.isna(variant["price"]) and pd.isna(variant["updated_at"]) and variant["sku"] is None
    assert variant[PARSE_ERRORS_COLUMN] == (
        "price: not whole yen ('2980.50'); updated_at: not a timestamp ('2026-13-45T00:00:00Z')"
    )
    assert tables["raw.shopify_products"].frame.loc[0, PARSE_ERRORS_COLUMN] == (
        "created_at: timestamp without UTC offset ('2026-01-10T10:00:00')"
    )


def test_money_in_another_currency_and_tax_rates_outside_japan_are_named() -> None:
    order = shopify_order(
        totalPriceSet=money_bag("42.00", "USD"),
        taxLines=[{"title": "State tax", "rate": 0.075, "priceSet": money_bag("3")}],
    )

    frame = normalize_shopify_orders([order], EXTRACTED)["raw.shopify_orders"].frame

    assert pd.isna(frame.loc[0, "total_price"])
    assert frame.loc[0, PARSE_ERRORS_COLUMN] == (
        "total_price: currency 'USD', expected JPY; tax_lines: tax rate 7.5% is not 10% or 8%"
    )


def test_empty_input_gives_empty_typed_frames() -> None:
    tables = normalize_shopify_orders([], EXTRACTED)

    orders = tables["raw.shopify_orders"].frame
    assert orders.empty
    assert str(orders["total_price"].dtype) == "Int64"
    assert str(orders["created_at"].dtype) == "datetime64[ns, UTC]"
