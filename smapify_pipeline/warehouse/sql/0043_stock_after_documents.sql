-- Stock of the products this run's documents touched, read again after the document pushes, and whether each
-- count moved exactly as those documents move it (settled: the stock plan may correct it in the same run).
-- Replaced by every run that pushes documents.
CREATE TABLE core.stock_after_documents (
    smaregi_product_id  VARCHAR NOT NULL,
    smaregi_store_id    VARCHAR NOT NULL,
    shopify_location_id VARCHAR NOT NULL,
    smaregi_before      BIGINT,
    smaregi_after       BIGINT,
    shopify_before      BIGINT,
    shopify_after       BIGINT,
    settled             BOOLEAN NOT NULL,
    reason              VARCHAR NOT NULL,
    read_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (smaregi_product_id, smaregi_store_id)
);
