-- Sync state of products and stock (assets/plan_products.py, plan_inventory.py, push_*.py).

-- Links that ended by a deletion on one side: their products are never linked or created again.
CREATE TABLE core.retired_links (
    smaregi_product_id VARCHAR NOT NULL,
    shopify_variant_id VARCHAR NOT NULL,
    product_code       VARCHAR,
    why                VARCHAR NOT NULL,
    retired_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (smaregi_product_id, shopify_variant_id)
);

-- The mapped field values both sides had after the last sync: the base of the three-way merge.
-- The hashes are of each side's raw values then, so an unchanged pair is skipped without a merge.
CREATE TABLE core.product_sync_base (
    smaregi_product_id VARCHAR PRIMARY KEY,
    shopify_variant_id VARCHAR NOT NULL,
    fields             JSON NOT NULL,
    shopify_hash       VARCHAR,
    smaregi_hash       VARCHAR,
    synced_at          TIMESTAMPTZ NOT NULL
);

-- What our last push or mirror left on the secondary, per linked product and location pair.
CREATE TABLE core.stock_sync_base (
    smaregi_product_id    VARCHAR NOT NULL,
    smaregi_store_id      VARCHAR NOT NULL,
    shopify_location_id   VARCHAR NOT NULL,
    last_synced_secondary INTEGER,
    synced_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (smaregi_product_id, smaregi_store_id)
);

-- One row per planned product change (create, update, delete/archive, unlink), rebuilt every run.
CREATE TABLE plan.product_plan (
    key                VARCHAR PRIMARY KEY,
    kind               VARCHAR NOT NULL,
    target             VARCHAR NOT NULL,
    source             VARCHAR NOT NULL,
    smaregi_product_id VARCHAR,
    shopify_variant_id VARCHAR,
    payload            JSON NOT NULL,
    audit              JSON,
    reason             VARCHAR NOT NULL
);

-- The merged fields each linked pair will have once its product_plan rows are applied (the next base).
CREATE TABLE plan.product_base (
    smaregi_product_id VARCHAR PRIMARY KEY,
    shopify_variant_id VARCHAR NOT NULL,
    fields             JSON NOT NULL,
    shopify_hash       VARCHAR,
    smaregi_hash       VARCHAR,
    write_keys         VARCHAR[] NOT NULL
);

-- One row per planned stock write (correction of the secondary, or a first-link seed of the primary).
CREATE TABLE plan.inventory_plan (
    key                 VARCHAR PRIMARY KEY,
    kind                VARCHAR NOT NULL,
    target              VARCHAR NOT NULL,
    source              VARCHAR NOT NULL,
    smaregi_product_id  VARCHAR NOT NULL,
    smaregi_store_id    VARCHAR NOT NULL,
    shopify_location_id VARCHAR NOT NULL,
    inventory_item_id   VARCHAR,
    primary_count       INTEGER,
    secondary_count     INTEGER,
    payload             JSON NOT NULL,
    audit               JSON,
    reason              VARCHAR NOT NULL
);
