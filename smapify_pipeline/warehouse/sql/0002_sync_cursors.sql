-- One incremental-extract cursor per stream (e.g. 'shopify.orders'), stored as text.
CREATE TABLE sync.cursors (
    stream     VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
