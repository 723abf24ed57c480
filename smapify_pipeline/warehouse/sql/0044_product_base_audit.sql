-- A merged pair's next base carries the audit records that belong to the merge itself rather than to a write
-- (a Smaregi member's renamed productName left on that member): recorded once, when the base advances.
ALTER TABLE plan.product_base ADD COLUMN audit JSON;
