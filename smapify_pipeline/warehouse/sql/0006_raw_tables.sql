-- The raw tables, one per API resource, as extracted and validated (generated from schemas/ddl.py;
-- tests/unit/test_raw_migration.py keeps the two equal).
CREATE TABLE IF NOT EXISTS raw.shopify_products (
    "product_id" VARCHAR NOT NULL,
    "title" VARCHAR,
    "handle" VARCHAR,
    "description_html" VARCHAR,
    "product_type" VARCHAR,
    "vendor" VARCHAR,
    "status" VARCHAR,
    "tags" VARCHAR[],
    "created_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("product_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_variants (
    "variant_id" VARCHAR NOT NULL,
    "product_id" VARCHAR,
    "title" VARCHAR,
    "position" INTEGER,
    "sku" VARCHAR,
    "barcode" VARCHAR,
    "price" BIGINT,
    "compare_at_price" BIGINT,
    "taxable" BOOLEAN,
    "inventory_policy" VARCHAR,
    "inventory_item_id" VARCHAR,
    "tracked" BOOLEAN,
    "unit_cost" BIGINT,
    "size" VARCHAR,
    "color" VARCHAR,
    "selected_options" JSON,
    "created_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("variant_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_locations (
    "location_id" VARCHAR NOT NULL,
    "name" VARCHAR,
    "is_active" BOOLEAN,
    "fulfills_online_orders" BOOLEAN,
    "created_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("location_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_inventory (
    "inventory_item_id" VARCHAR NOT NULL,
    "location_id" VARCHAR NOT NULL,
    "inventory_level_id" VARCHAR,
    "available" INTEGER,
    "on_hand" INTEGER,
    "committed" INTEGER,
    "incoming" INTEGER,
    "updated_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("inventory_item_id", "location_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_orders (
    "order_id" VARCHAR NOT NULL,
    "name" VARCHAR,
    "created_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "processed_at" TIMESTAMPTZ,
    "cancelled_at" TIMESTAMPTZ,
    "display_financial_status" VARCHAR,
    "display_fulfillment_status" VARCHAR,
    "source_name" VARCHAR,
    "source_identifier" VARCHAR,
    "tags" VARCHAR[],
    "currency_code" VARCHAR,
    "taxes_included" BOOLEAN,
    "test" BOOLEAN,
    "subtotal_price" BIGINT,
    "total_shipping_price" BIGINT,
    "total_discounts" BIGINT,
    "total_tax" BIGINT,
    "total_price" BIGINT,
    "tax_lines" JSON,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("order_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_order_lines (
    "line_item_id" VARCHAR NOT NULL,
    "order_id" VARCHAR,
    "variant_id" VARCHAR,
    "product_id" VARCHAR,
    "sku" VARCHAR,
    "title" VARCHAR,
    "variant_title" VARCHAR,
    "quantity" INTEGER,
    "current_quantity" INTEGER,
    "unit_price" BIGINT,
    "total_discount" BIGINT,
    "taxable" BOOLEAN,
    "tax_lines" JSON,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("line_item_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_refunds (
    "refund_id" VARCHAR NOT NULL,
    "order_id" VARCHAR,
    "note" VARCHAR,
    "total_refunded" BIGINT,
    "created_at" TIMESTAMPTZ,
    "updated_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("refund_id")
);

CREATE TABLE IF NOT EXISTS raw.shopify_refund_lines (
    "refund_id" VARCHAR NOT NULL,
    "line_item_id" VARCHAR NOT NULL,
    "refund_line_item_id" VARCHAR,
    "order_id" VARCHAR,
    "sku" VARCHAR,
    "quantity" INTEGER,
    "restock_type" VARCHAR,
    "restocked" BOOLEAN,
    "location_id" VARCHAR,
    "unit_price" BIGINT,
    "subtotal" BIGINT,
    "total_tax" BIGINT,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("refund_id", "line_item_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_stores (
    "store_id" VARCHAR NOT NULL,
    "store_code" VARCHAR,
    "store_name" VARCHAR,
    "store_abbr" VARCHAR,
    "division" VARCHAR,
    "sell_division" VARCHAR,
    "pause_flag" VARCHAR,
    "display_sequence" INTEGER,
    "ins_date_time" TIMESTAMPTZ,
    "upd_date_time" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("store_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_categories (
    "category_id" VARCHAR NOT NULL,
    "category_code" VARCHAR,
    "category_name" VARCHAR,
    "category_abbr" VARCHAR,
    "display_flag" VARCHAR,
    "tax_division" VARCHAR,
    "parent_category_id" VARCHAR,
    "level" VARCHAR,
    "display_sequence" INTEGER,
    "ins_date_time" TIMESTAMPTZ,
    "upd_date_time" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("category_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_products (
    "product_id" VARCHAR NOT NULL,
    "category_id" VARCHAR,
    "product_code" VARCHAR,
    "product_name" VARCHAR,
    "product_kana" VARCHAR,
    "tax_division" VARCHAR,
    "product_price_division" VARCHAR,
    "price" BIGINT,
    "customer_price" BIGINT,
    "cost" DECIMAL(15, 5),
    "description" VARCHAR,
    "size" VARCHAR,
    "color" VARCHAR,
    "tag" VARCHAR,
    "group_code" VARCHAR,
    "supplier_product_no" VARCHAR,
    "display_flag" VARCHAR,
    "division" VARCHAR,
    "sales_division" VARCHAR,
    "stock_control_division" VARCHAR,
    "display_sequence" INTEGER,
    "ins_date_time" TIMESTAMPTZ,
    "upd_date_time" TIMESTAMPTZ,
    "deleted_at" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("product_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_stock (
    "product_id" VARCHAR NOT NULL,
    "store_id" VARCHAR NOT NULL,
    "stock_amount" INTEGER,
    "layaway_stock_amount" INTEGER,
    "upd_date_time" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("product_id", "store_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_transactions (
    "transaction_head_id" VARCHAR NOT NULL,
    "transaction_date_time" TIMESTAMPTZ,
    "transaction_head_division" VARCHAR,
    "cancel_division" VARCHAR,
    "dispose_division" VARCHAR,
    "dispose_server_transaction_head_id" VARCHAR,
    "return_sales" VARCHAR,
    "store_id" VARCHAR,
    "terminal_id" VARCHAR,
    "terminal_tran_id" VARCHAR,
    "terminal_tran_date_time" TIMESTAMPTZ,
    "transaction_uuid" VARCHAR,
    "customer_code" VARCHAR,
    "subtotal" BIGINT,
    "subtotal_discount_price" BIGINT,
    "point_discount" BIGINT,
    "coupon_discount" BIGINT,
    "carriage" BIGINT,
    "commission" BIGINT,
    "tax_include" BIGINT,
    "tax_exclude" BIGINT,
    "total" BIGINT,
    "amount" INTEGER,
    "return_amount" INTEGER,
    "cost_total" DECIMAL(15, 5),
    "tax_rate" INTEGER,
    "memo" VARCHAR,
    "tags" VARCHAR,
    "sum_date" DATE,
    "cancel_date_time" TIMESTAMPTZ,
    "upd_date_time" TIMESTAMPTZ,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("transaction_head_id")
);

CREATE TABLE IF NOT EXISTS raw.smaregi_transaction_details (
    "transaction_head_id" VARCHAR NOT NULL,
    "transaction_detail_id" VARCHAR NOT NULL,
    "parent_transaction_detail_id" VARCHAR,
    "transaction_detail_division" VARCHAR,
    "product_id" VARCHAR,
    "product_code" VARCHAR,
    "product_name" VARCHAR,
    "category_id" VARCHAR,
    "group_code" VARCHAR,
    "size" VARCHAR,
    "color" VARCHAR,
    "tax_division" VARCHAR,
    "sales_division" VARCHAR,
    "price" BIGINT,
    "sales_price" BIGINT,
    "unit_discount_price" BIGINT,
    "quantity" INTEGER,
    "unit_discounted_sum" BIGINT,
    "cost" DECIMAL(15, 5),
    "tax_rate" INTEGER,
    "extracted_at" TIMESTAMPTZ NOT NULL,
    PRIMARY KEY ("transaction_head_id", "transaction_detail_id")
);
