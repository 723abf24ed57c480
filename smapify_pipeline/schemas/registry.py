"""Which model validates which raw table, and the one call the extract assets make per table."""

from __future__ import annotations

import pandera.pandas as pa

from smapify_pipeline.schemas import shopify, smaregi
from smapify_pipeline.schemas.ddl import primary_key
from smapify_pipeline.schemas.frames import NormalizedTable
from smapify_pipeline.schemas.validate import ValidationOutcome, split_valid

MODELS: dict[str, type[pa.DataFrameModel]] = {
    "raw.shopify_products": shopify.ShopifyProduct,
    "raw.shopify_variants": shopify.ShopifyVariant,
    "raw.shopify_locations": shopify.ShopifyLocation,
    "raw.shopify_inventory": shopify.ShopifyInventoryLevel,
    "raw.shopify_orders": shopify.ShopifyOrder,
    "raw.shopify_order_lines": shopify.ShopifyOrderLine,
    "raw.shopify_refunds": shopify.ShopifyRefund,
    "raw.shopify_refund_lines": shopify.ShopifyRefundLine,
    "raw.smaregi_stores": smaregi.SmaregiStore,
    "raw.smaregi_categories": smaregi.SmaregiCategory,
    "raw.smaregi_products": smaregi.SmaregiProduct,
    "raw.smaregi_stock": smaregi.SmaregiStock,
    "raw.smaregi_transactions": smaregi.SmaregiTransaction,
    "raw.smaregi_transaction_details": smaregi.SmaregiTransactionDetail,
}


def validate_table(normalized: NormalizedTable) -> ValidationOutcome:
    """``split_valid`` with the table's model, its primary key and the records the rows came from."""
    return split_valid(
        normalized.frame,
        MODELS[normalized.table],
        primary_key(normalized.table),
        normalized.table,
        normalized.raw_records,
    )
