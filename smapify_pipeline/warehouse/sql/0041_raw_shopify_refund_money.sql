-- What a Shopify refund gave back, read with it: its SUCCESS REFUND transactions (null when it has none), its
-- refunded shipping and its order adjustments; and why an order was cancelled
-- (docs/architecture.md, "Documents").
ALTER TABLE raw.shopify_refunds ADD COLUMN refunded_money BIGINT;
ALTER TABLE raw.shopify_refunds ADD COLUMN shipping_refunded BIGINT;
ALTER TABLE raw.shopify_refunds ADD COLUMN order_adjustments BIGINT;
ALTER TABLE raw.shopify_orders ADD COLUMN cancel_reason VARCHAR;
