-- Links between the two shops (docs/architecture.md, "Linking"), rebuilt by link/assets.py and stable across runs.
-- One Smaregi product <-> one Shopify variant, matched by the configured key (SKU or barcode = productCode).
CREATE TABLE core.product_links (
    smaregi_product_id VARCHAR PRIMARY KEY,
    product_code       VARCHAR NOT NULL,
    shopify_variant_id VARCHAR UNIQUE NOT NULL,
    shopify_product_id VARCHAR NOT NULL,
    inventory_item_id  VARCHAR,
    stock_managed      BOOLEAN,
    linked_at          TIMESTAMPTZ
);

-- One Smaregi store <-> one Shopify location, from the configured location pairs.
CREATE TABLE core.location_links (
    smaregi_store_id    VARCHAR PRIMARY KEY,
    shopify_location_id VARCHAR UNIQUE NOT NULL
);
