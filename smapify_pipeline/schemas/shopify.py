"""The raw Shopify tables, one declaration each (columns, types and rules; see ``raw_table.py``).

Keys are GIDs kept whole; money is whole yen; timestamps are UTC-aware. A column's API field is the camelCase
of its name unless ``normalize_shopify.py`` maps it.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from smapify_pipeline.schemas import choices
from smapify_pipeline.schemas.raw_table import (
    Column,
    Kind,
    code,
    column,
    flags,
    integer,
    shopify_id,
    table,
    text,
    texts,
    timestamp,
    yen,
    yens,
)


def _created_and_updated(*, created_nullable: bool = False, updated_nullable: bool = False) -> list[Column]:
    return [
        timestamp("created_at", nullable=created_nullable),
        timestamp("updated_at", nullable=updated_nullable),
    ]


def _restock_has_location(df: pd.DataFrame) -> pd.Series:
    restocking = df["restock_type"].isin(["CANCEL", "RETURN"]) & df["restocked"].ne(False).fillna(True)
    return ~restocking | df["location_id"].notna()


PRODUCTS = table(
    "raw.shopify_products",
    ("product_id",),
    shopify_id("product_id", "Product"),
    text("title", nullable=False),
    texts("handle", "description_html", "product_type", "vendor"),
    code("status", choices.PRODUCT_STATUSES),
    column("tags", Kind.TEXT_LIST, nullable=True),
    _created_and_updated(),
    deletable=True,
)
VARIANTS = table(
    "raw.shopify_variants",
    ("variant_id",),
    shopify_id("variant_id", "ProductVariant"),
    shopify_id("product_id", "Product"),
    text("title"),
    column("position", Kind.INT, nullable=True, ge=1),
    text("sku", nullable=False, max_length=choices.SHOPIFY_CODE_LIMIT),
    text("barcode", max_length=choices.SHOPIFY_CODE_LIMIT),
    yen("price", nullable=False),
    yen("compare_at_price"),
    flags("taxable"),
    code("inventory_policy", choices.INVENTORY_POLICIES, nullable=True),
    shopify_id("inventory_item_id", "InventoryItem"),
    flags("tracked"),
    yen("unit_cost"),
    texts("size", "color"),
    column("selected_options", Kind.JSON, nullable=True),
    _created_and_updated(created_nullable=True),
    deletable=True,
)
LOCATIONS = table(
    "raw.shopify_locations",
    ("location_id",),
    shopify_id("location_id", "Location"),
    text("name", nullable=False),
    flags("is_active", "fulfills_online_orders"),
    _created_and_updated(created_nullable=True, updated_nullable=True),
)
INVENTORY = table(
    "raw.shopify_inventory",
    ("inventory_item_id", "location_id"),
    shopify_id("inventory_item_id", "InventoryItem"),
    shopify_id("location_id", "Location"),
    shopify_id("inventory_level_id", "InventoryLevel", nullable=True),
    integer("available"),
    integer("on_hand"),
    integer("committed", nullable=True),
    integer("incoming", nullable=True),
    timestamp("updated_at", nullable=True),
)
ORDERS = table(
    "raw.shopify_orders",
    ("order_id",),
    shopify_id("order_id", "Order"),
    text("name", nullable=False),
    _created_and_updated(),
    timestamp("processed_at"),
    timestamp("cancelled_at", nullable=True),
    code("cancel_reason", choices.ORDER_CANCEL_REASONS, nullable=True),
    texts("display_financial_status", "display_fulfillment_status", "source_name", "source_identifier"),
    column("tags", Kind.TEXT_LIST, nullable=True),
    code("currency_code", [choices.SHOP_CURRENCY], nullable=True),
    flags("taxes_included", "test"),
    yens("subtotal_price", "total_shipping_price", "total_discounts", "total_tax"),
    yen("total_price", nullable=False),
    column("tax_lines", Kind.JSON, nullable=True),
)
ORDER_LINES = table(
    "raw.shopify_order_lines",
    ("line_item_id",),
    shopify_id("line_item_id", "LineItem"),
    shopify_id("order_id", "Order"),
    shopify_id("variant_id", "ProductVariant", nullable=True),
    shopify_id("product_id", "Product", nullable=True),
    text("sku"),
    text("title", nullable=False),
    text("variant_title"),
    integer("quantity", ge=1),
    integer("current_quantity", nullable=True, ge=0),
    yen("unit_price", nullable=False),
    yen("total_discount"),
    yen("order_discount"),
    flags("taxable"),
    column("tax_lines", Kind.JSON, nullable=True),
)
"""``total_discount``: every discount allocated to the line; ``order_discount``: the part of it from order-level
(ACROSS) discount applications, the rest being the line's own (line-level) discounts."""
SHIPPING_LINES = table(
    "raw.shopify_shipping_lines",
    ("shipping_line_id",),
    shopify_id("shipping_line_id", "ShippingLine"),
    shopify_id("order_id", "Order"),
    text("title"),
    yen("original_price", nullable=False),
    yen("discounted_price", nullable=False),
    column("tax_lines", Kind.JSON, nullable=True),
)
"""An order's shipping lines: the price charged after shipping discounts, and its tax lines."""
FULFILLMENT_ORDERS = table(
    "raw.shopify_fulfillment_orders",
    ("fulfillment_order_id",),
    shopify_id("fulfillment_order_id", "FulfillmentOrder"),
    shopify_id("order_id", "Order"),
    code("status", choices.FULFILLMENT_ORDER_STATUSES),
    shopify_id("location_id", "Location", nullable=True),
    timestamp("updated_at"),
)
"""Where an order's units are assigned: one fulfilment order per location, following moves."""
FULFILLMENT_ORDER_LINES = table(
    "raw.shopify_fulfillment_order_lines",
    ("fulfillment_order_line_item_id",),
    shopify_id("fulfillment_order_line_item_id", "FulfillmentOrderLineItem"),
    shopify_id("fulfillment_order_id", "FulfillmentOrder"),
    shopify_id("line_item_id", "LineItem"),
    integer("total_quantity", ge=0),
    integer("remaining_quantity", ge=0),
)
REFUNDS = table(
    "raw.shopify_refunds",
    ("refund_id",),
    shopify_id("refund_id", "Refund"),
    shopify_id("order_id", "Order"),
    text("note"),
    yen("total_refunded"),
    yen("refunded_money"),
    yen("shipping_refunded"),
    yen("order_adjustments", ge=None),
    _created_and_updated(created_nullable=True),
)
"""``refunded_money``: the refund's SUCCESS REFUND transactions (null when it has none, i.e. it moved no money);
``shipping_refunded``: its refund shipping lines; ``order_adjustments``: the sum of its order adjustments
(calculated − refunded, so a goodwill refund is negative)."""
REFUND_LINES = table(
    "raw.shopify_refund_lines",
    ("refund_id", "line_item_id"),
    shopify_id("refund_id", "Refund"),
    shopify_id("line_item_id", "LineItem"),
    shopify_id("refund_line_item_id", "RefundLineItem", nullable=True),
    shopify_id("order_id", "Order", nullable=True),
    text("sku"),
    integer("quantity", ge=1),
    code("restock_type", choices.RESTOCK_TYPES),
    flags("restocked"),
    shopify_id("location_id", "Location", nullable=True),
    yens("unit_price", "subtotal", "total_tax"),
    checks=(pa.Check(_restock_has_location, name="location_id: missing for a CANCEL or RETURN restock"),),
)

DOCUMENT_TABLES = (ORDERS, ORDER_LINES, SHIPPING_LINES, REFUNDS, REFUND_LINES)
"""Orders with their lines, and the refunds (with lines) read with them."""
FULFILMENT_TABLES = (FULFILLMENT_ORDERS, FULFILLMENT_ORDER_LINES)
"""Fulfilment orders with their lines, read by their own stream (bulk nesting allows no third level)."""
TABLES = (PRODUCTS, VARIANTS, LOCATIONS, INVENTORY, *DOCUMENT_TABLES, *FULFILMENT_TABLES)
