-- Every plan table shares one row contract (smapify_pipeline/sync/plan.py): the ledger key, what to write and
-- where, the ledger key it waits for, the subjects it touches (Smaregi products, Shopify variants, the store
-- and location pair), the exact request, the audit it carries and why. Plans are rebuilt every run, so the
-- tables are recreated empty. The stock plan keeps its observed counts as extra columns.
DROP TABLE plan.order_plan;
DROP TABLE plan.refund_plan;
DROP TABLE plan.product_plan;
DROP TABLE plan.inventory_plan;

CREATE TABLE plan.order_plan (
    key                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    target              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    depends_on          VARCHAR,
    smaregi_product_ids VARCHAR[] NOT NULL,
    shopify_variant_ids VARCHAR[] NOT NULL,
    smaregi_store_id    VARCHAR,
    shopify_location_id VARCHAR,
    payload             JSON NOT NULL,
    audit               JSON,
    reason              VARCHAR NOT NULL
);

CREATE TABLE plan.refund_plan (
    key                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    target              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    depends_on          VARCHAR,
    smaregi_product_ids VARCHAR[] NOT NULL,
    shopify_variant_ids VARCHAR[] NOT NULL,
    smaregi_store_id    VARCHAR,
    shopify_location_id VARCHAR,
    payload             JSON NOT NULL,
    audit               JSON,
    reason              VARCHAR NOT NULL
);

CREATE TABLE plan.product_plan (
    key                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    target              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    depends_on          VARCHAR,
    smaregi_product_ids VARCHAR[] NOT NULL,
    shopify_variant_ids VARCHAR[] NOT NULL,
    smaregi_store_id    VARCHAR,
    shopify_location_id VARCHAR,
    payload             JSON NOT NULL,
    audit               JSON,
    reason              VARCHAR NOT NULL
);

CREATE TABLE plan.inventory_plan (
    key                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    target              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    depends_on          VARCHAR,
    smaregi_product_ids VARCHAR[] NOT NULL,
    shopify_variant_ids VARCHAR[] NOT NULL,
    smaregi_store_id    VARCHAR,
    shopify_location_id VARCHAR,
    payload             JSON NOT NULL,
    audit               JSON,
    reason              VARCHAR NOT NULL,
    inventory_item_id   VARCHAR,
    primary_count       INTEGER,
    secondary_count     INTEGER
);
