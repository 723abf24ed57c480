-- The order data the documents need beyond the first raw tables (docs/architecture.md, "Documents"): each
-- order line's split of its discounts into order-level and line-level, the shipping lines (price after
-- shipping discounts, tax lines) and the fulfilment orders with their lines (where the units are assigned).
ALTER TABLE raw.shopify_order_lines ADD COLUMN IF NOT EXISTS "order_discount" BIGINT;

CREATE TABLE IF NOT EXISTS raw.shopify_shipping_lines (
    "shipping_line_id" VARCHAR NOT NULL,
    "order_id" VARCHAR,
    "title" VARCHAR,
    "original_price" BIGINT,
    "discounted_price" BIGINT,
    "tax_lines" JSON,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("shipping_line_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_fulfillment_orders (
    "fulfillment_order_id" VARCHAR NOT NULL,
    "order_id" VARCHAR,
    "status" VARCHAR,
    "location_id" VARCHAR,
    "updated_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("fulfillment_order_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_fulfillment_order_lines (
    "fulfillment_order_line_item_id" VARCHAR NOT NULL,
    "fulfillment_order_id" VARCHAR,
    "line_item_id" VARCHAR,
    "total_quantity" INTEGER,
    "remaining_quantity" INTEGER,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("fulfillment_order_line_item_id")
);

