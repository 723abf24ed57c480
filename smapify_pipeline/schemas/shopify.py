"""Pandera models of the raw Shopify tables (one per table, columns exactly as in ``ddl.py``).

Keys are GIDs kept whole; money is whole yen (``Int64``); timestamps are UTC-aware. Uniqueness of the primary
key is enforced by ``validate.split_valid`` (which quarantines every row of a duplicate group) and by the
``unique`` config here, for use on its own.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from smapify_pipeline.schemas import choices, patterns
from smapify_pipeline.schemas.fields import code, field, integer, shopify_id, text, timestamp, yen


class _Raw(pa.DataFrameModel):
    class Config:
        strict = True


class ShopifyProduct(_Raw):
    product_id: Series[str] = shopify_id("Product")
    title: Series[str] = text(nullable=False)
    handle: Series[str] = text()
    description_html: Series[str] = text()
    product_type: Series[str] = field(nullable=True)
    vendor: Series[str] = field(nullable=True)
    status: Series[str] = code(choices.PRODUCT_STATUSES)
    tags: Series[object] = field(nullable=True)
    created_at: Series[pd.DatetimeTZDtype] = timestamp()
    updated_at: Series[pd.DatetimeTZDtype] = timestamp()
    deleted_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_products"
        unique = ["product_id"]


class ShopifyVariant(_Raw):
    variant_id: Series[str] = shopify_id("ProductVariant")
    product_id: Series[str] = shopify_id("Product")
    title: Series[str] = field(nullable=True)
    position: Series[pd.Int64Dtype] = field(nullable=True, ge=1)
    sku: Series[str] = field(str_matches=patterns.PRODUCT_CODE)
    barcode: Series[str] = field(str_matches=patterns.PRODUCT_CODE, nullable=True)
    price: Series[pd.Int64Dtype] = yen(nullable=False)
    compare_at_price: Series[pd.Int64Dtype] = yen()
    taxable: Series[pd.BooleanDtype] = field(nullable=True)
    inventory_policy: Series[str] = code(choices.INVENTORY_POLICIES, nullable=True)
    inventory_item_id: Series[str] = shopify_id("InventoryItem")
    tracked: Series[pd.BooleanDtype] = field(nullable=True)
    unit_cost: Series[pd.Int64Dtype] = yen()
    size: Series[str] = field(nullable=True)
    color: Series[str] = field(nullable=True)
    selected_options: Series[str] = field(nullable=True)
    created_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    updated_at: Series[pd.DatetimeTZDtype] = timestamp()
    deleted_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_variants"
        unique = ["variant_id"]


class ShopifyLocation(_Raw):
    location_id: Series[str] = shopify_id("Location")
    name: Series[str] = text(nullable=False)
    is_active: Series[pd.BooleanDtype] = field(nullable=True)
    fulfills_online_orders: Series[pd.BooleanDtype] = field(nullable=True)
    created_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    updated_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_locations"
        unique = ["location_id"]


class ShopifyInventoryLevel(_Raw):
    inventory_item_id: Series[str] = shopify_id("InventoryItem")
    location_id: Series[str] = shopify_id("Location")
    inventory_level_id: Series[str] = shopify_id("InventoryLevel", nullable=True)
    available: Series[pd.Int64Dtype] = integer()
    on_hand: Series[pd.Int64Dtype] = integer()
    committed: Series[pd.Int64Dtype] = integer(nullable=True)
    incoming: Series[pd.Int64Dtype] = integer(nullable=True)
    updated_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_inventory"
        unique = ["inventory_item_id", "location_id"]


class ShopifyOrder(_Raw):
    order_id: Series[str] = shopify_id("Order")
    name: Series[str] = text(nullable=False)
    created_at: Series[pd.DatetimeTZDtype] = timestamp()
    updated_at: Series[pd.DatetimeTZDtype] = timestamp()
    processed_at: Series[pd.DatetimeTZDtype] = timestamp()
    cancelled_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    display_financial_status: Series[str] = field(nullable=True)
    display_fulfillment_status: Series[str] = field(nullable=True)
    source_name: Series[str] = field(nullable=True)
    source_identifier: Series[str] = field(nullable=True)
    tags: Series[object] = field(nullable=True)
    currency_code: Series[str] = code([choices.SHOP_CURRENCY], nullable=True)
    taxes_included: Series[pd.BooleanDtype] = field(nullable=True)
    test: Series[pd.BooleanDtype] = field(nullable=True)
    subtotal_price: Series[pd.Int64Dtype] = yen()
    total_shipping_price: Series[pd.Int64Dtype] = yen()
    total_discounts: Series[pd.Int64Dtype] = yen()
    total_tax: Series[pd.Int64Dtype] = yen()
    total_price: Series[pd.Int64Dtype] = yen(nullable=False)
    tax_lines: Series[str] = field(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_orders"
        unique = ["order_id"]


class ShopifyOrderLine(_Raw):
    line_item_id: Series[str] = shopify_id("LineItem")
    order_id: Series[str] = shopify_id("Order")
    variant_id: Series[str] = shopify_id("ProductVariant", nullable=True)
    product_id: Series[str] = shopify_id("Product", nullable=True)
    sku: Series[str] = field(nullable=True)
    title: Series[str] = text(nullable=False)
    variant_title: Series[str] = field(nullable=True)
    quantity: Series[pd.Int64Dtype] = integer(ge=1)
    current_quantity: Series[pd.Int64Dtype] = integer(nullable=True, ge=0)
    unit_price: Series[pd.Int64Dtype] = yen(nullable=False)
    total_discount: Series[pd.Int64Dtype] = yen()
    taxable: Series[pd.BooleanDtype] = field(nullable=True)
    tax_lines: Series[str] = field(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_order_lines"
        unique = ["line_item_id"]


class ShopifyRefund(_Raw):
    refund_id: Series[str] = shopify_id("Refund")
    order_id: Series[str] = shopify_id("Order")
    note: Series[str] = field(nullable=True)
    total_refunded: Series[pd.Int64Dtype] = yen()
    created_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    updated_at: Series[pd.DatetimeTZDtype] = timestamp()
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_refunds"
        unique = ["refund_id"]


class ShopifyRefundLine(_Raw):
    refund_id: Series[str] = shopify_id("Refund")
    line_item_id: Series[str] = shopify_id("LineItem")
    refund_line_item_id: Series[str] = shopify_id("RefundLineItem", nullable=True)
    order_id: Series[str] = shopify_id("Order", nullable=True)
    sku: Series[str] = field(nullable=True)
    quantity: Series[pd.Int64Dtype] = integer(ge=1)
    restock_type: Series[str] = code(choices.RESTOCK_TYPES)
    restocked: Series[pd.BooleanDtype] = field(nullable=True)
    location_id: Series[str] = shopify_id("Location", nullable=True)
    unit_price: Series[pd.Int64Dtype] = yen()
    subtotal: Series[pd.Int64Dtype] = yen()
    total_tax: Series[pd.Int64Dtype] = yen()
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.shopify_refund_lines"
        unique = ["refund_id", "line_item_id"]

    @pa.dataframe_check(name="location_id: missing for a CANCEL or RETURN restock")
    @classmethod
    def restock_has_location(cls, df: pd.DataFrame) -> pd.Series:
        restocking = df["restock_type"].isin(["CANCEL", "RETURN"]) & df["restocked"].ne(False).fillna(True)
        return ~restocking | df["location_id"].notna()
