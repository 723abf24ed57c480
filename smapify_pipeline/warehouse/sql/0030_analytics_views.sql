-- Analyst views (assets/snapshot.py publishes them to data/snapshot/smapify.duckdb; docs/analysts.md).
-- They read only raw.*, sync.*, quarantine.* and core.product_links / core.location_links.
-- Days are Japan dates (Asia/Tokyo). Documents the pipeline wrote itself (mirrors, found by their markers)
-- are left out of sales, so every sale is counted once, on the channel where it was made.

-- One row per (document, tax rate): Smaregi sales and returns (returns are negative lines) and Shopify
-- orders (positive) and refunds (negative). Tax of a Smaregi document is computed per rate with the
-- contract's default rounding (floor, sync/choices.py); Shopify's own tax lines are used as they are.
CREATE VIEW analytics.sales_documents AS
WITH smaregi_lines AS (
    SELECT
        t.transaction_head_id,
        t.store_id,
        CAST(timezone('Asia/Tokyo', coalesce(t.terminal_tran_date_time, t.transaction_date_time)) AS DATE) AS sales_date,
        coalesce(d.tax_rate, t.tax_rate, 10) AS tax_rate,
        coalesce(d.tax_division, '0') AS tax_division,
        coalesce(d.quantity, 0) AS quantity,
        coalesce(d.unit_discounted_sum, d.sales_price * d.quantity, 0) AS amount
    FROM raw.smaregi_transactions AS t
    JOIN raw.smaregi_transaction_details AS d USING (transaction_head_id)
    WHERE t.transaction_head_division = '1'
      AND coalesce(t.cancel_division, '0') = '0'
      AND NOT regexp_matches(coalesce(t.memo, ''), '(^|\s)smapify:shopify:(order|refund):\d+(\s|$)')
),
smaregi_documents AS (
    SELECT
        sales_date,
        'pos' AS channel,
        store_id AS smaregi_store_id,
        transaction_head_id AS document_id,
        tax_rate,
        sum(quantity) AS units,
        sum(CASE WHEN tax_division = '1' THEN amount + trunc(amount * tax_rate / 100)
                 ELSE amount END) AS sales,
        sum(CASE WHEN tax_division = '2' THEN 0
                 WHEN tax_division = '1' THEN trunc(amount * tax_rate / 100)
                 ELSE trunc(amount * tax_rate / (100 + tax_rate)) END) AS tax
    FROM smaregi_lines
    GROUP BY ALL
),
shopify_lines AS (
    SELECT
        o.order_id,
        CAST(timezone('Asia/Tokyo', coalesce(o.processed_at, o.created_at)) AS DATE) AS sales_date,
        l.line_item_id,
        coalesce(l.quantity, 0) AS quantity,
        coalesce(l.unit_price, 0) * coalesce(l.quantity, 0) - coalesce(l.total_discount, 0) AS amount,
        from_json(l.tax_lines, '[{"rate_percent":"INTEGER","amount":"BIGINT"}]') AS taxes
    FROM raw.shopify_orders AS o
    JOIN raw.shopify_order_lines AS l USING (order_id)
    WHERE o.cancelled_at IS NULL
      AND coalesce(o.source_name, '') <> 'smapify'
),
shopify_documents AS (
    SELECT
        sales_date,
        'online' AS channel,
        CAST(NULL AS VARCHAR) AS smaregi_store_id,
        order_id AS document_id,
        coalesce(taxes[1].rate_percent, 0) AS tax_rate,
        sum(quantity) AS units,
        sum(amount) AS sales,
        sum(coalesce(list_sum([t.amount FOR t IN taxes]), 0)) AS tax
    FROM shopify_lines
    GROUP BY ALL
),
shopify_refund_documents AS (
    SELECT
        CAST(timezone('Asia/Tokyo', r.created_at) AS DATE) AS sales_date,
        'online' AS channel,
        CAST(NULL AS VARCHAR) AS smaregi_store_id,
        r.refund_id AS document_id,
        coalesce(from_json(l.tax_lines, '[{"rate_percent":"INTEGER"}]')[1].rate_percent, 0) AS tax_rate,
        -sum(coalesce(rl.quantity, 0)) AS units,
        -sum(coalesce(rl.subtotal, 0)) AS sales,
        -sum(coalesce(rl.total_tax, 0)) AS tax
    FROM raw.shopify_refunds AS r
    JOIN raw.shopify_refund_lines AS rl USING (refund_id)
    JOIN raw.shopify_orders AS o ON o.order_id = r.order_id
    LEFT JOIN raw.shopify_order_lines AS l ON l.line_item_id = rl.line_item_id
    WHERE coalesce(o.source_name, '') <> 'smapify'
      AND NOT regexp_matches(coalesce(r.note, ''), '^smapify:')
    GROUP BY ALL
)
SELECT * FROM smaregi_documents
UNION ALL BY NAME SELECT * FROM shopify_documents
UNION ALL BY NAME SELECT * FROM shopify_refund_documents;

-- Sales per Japan day, channel ('pos' = Smaregi, 'online' = Shopify) and store/location, net of returns and
-- refunds, tax-included yen, split by tax rate (10% standard, 8% reduced, anything else in *_other).
CREATE VIEW analytics.sales_daily AS
SELECT
    d.sales_date,
    d.channel,
    d.smaregi_store_id,
    coalesce(ll.shopify_location_id, CASE WHEN d.channel = 'pos' THEN NULL END) AS shopify_location_id,
    CASE WHEN d.channel = 'pos' THEN coalesce(st.store_name, 'store ' || d.smaregi_store_id)
         ELSE 'online store' END AS location_name,
    count(DISTINCT d.document_id) FILTER (WHERE d.sales > 0) AS sales_documents,
    count(DISTINCT d.document_id) FILTER (WHERE d.sales < 0) AS return_documents,
    sum(d.units)::BIGINT AS units,
    sum(d.sales)::BIGINT AS net_sales,
    sum(d.tax)::BIGINT AS tax,
    sum(d.sales) FILTER (WHERE d.tax_rate = 10)::BIGINT AS sales_10,
    sum(d.tax) FILTER (WHERE d.tax_rate = 10)::BIGINT AS tax_10,
    sum(d.sales) FILTER (WHERE d.tax_rate = 8)::BIGINT AS sales_8,
    sum(d.tax) FILTER (WHERE d.tax_rate = 8)::BIGINT AS tax_8,
    sum(d.sales) FILTER (WHERE d.tax_rate NOT IN (8, 10))::BIGINT AS sales_other,
    sum(d.tax) FILTER (WHERE d.tax_rate NOT IN (8, 10))::BIGINT AS tax_other
FROM analytics.sales_documents AS d
LEFT JOIN core.location_links AS ll ON ll.smaregi_store_id = d.smaregi_store_id
LEFT JOIN raw.smaregi_stores AS st ON st.store_id = d.smaregi_store_id
GROUP BY ALL;

-- Stock of every linked product at every paired location on both sides, as last extracted.
-- drift = Shopify available - Smaregi stock (a missing stock row counts as 0 and is flagged).
CREATE VIEW analytics.stock_drift AS
SELECT
    pl.product_code,
    sp.product_name,
    pl.smaregi_product_id,
    pl.shopify_product_id,
    pl.shopify_variant_id,
    ll.smaregi_store_id,
    st.store_name,
    ll.shopify_location_id,
    loc.name AS location_name,
    ss.stock_amount AS smaregi_stock,
    si.available AS shopify_available,
    coalesce(si.available, 0) - coalesce(ss.stock_amount, 0) AS drift,
    coalesce(si.available, 0) = coalesce(ss.stock_amount, 0) AS in_sync,
    ss.product_id IS NULL AS smaregi_row_missing,
    si.inventory_item_id IS NULL AS shopify_row_missing,
    ss.upd_date_time AS smaregi_updated_at,
    si.updated_at AS shopify_updated_at
FROM core.product_links AS pl
CROSS JOIN core.location_links AS ll
LEFT JOIN raw.smaregi_products AS sp ON sp.product_id = pl.smaregi_product_id
LEFT JOIN raw.smaregi_stock AS ss ON ss.product_id = pl.smaregi_product_id AND ss.store_id = ll.smaregi_store_id
LEFT JOIN raw.shopify_inventory AS si
    ON si.inventory_item_id = pl.inventory_item_id AND si.location_id = ll.shopify_location_id
LEFT JOIN raw.smaregi_stores AS st ON st.store_id = ll.smaregi_store_id
LEFT JOIN raw.shopify_locations AS loc ON loc.location_id = ll.shopify_location_id
WHERE coalesce(pl.stock_managed, TRUE)
  AND sp.deleted_at IS NULL;

-- What the pipeline did, newest first: every ledger entry (planned write and its outcome) and every audit
-- record (overwritten manual edit, stock seed, product conflict), one sentence each.
CREATE VIEW analytics.sync_activity AS
SELECT
    updated_at AS happened_at,
    'ledger' AS source,
    kind,
    target AS subject,
    CAST(NULL AS VARCHAR) AS location,
    status,
    kind || ' on ' || target || ': ' || status
        || CASE WHEN remote_id IS NOT NULL THEN ' as ' || remote_id ELSE '' END
        || CASE WHEN attempts > 1 THEN ' after ' || attempts || ' attempts' ELSE '' END AS summary,
    error AS detail,
    key AS ledger_key,
    CAST(NULL AS VARCHAR) AS run_id
FROM sync.ledger
UNION ALL
SELECT
    audited_at AS happened_at,
    'audit' AS source,
    kind,
    entity || ' ' || entity_key AS subject,
    location,
    'recorded' AS status,
    kind || ': ' || entity || ' ' || entity_key
        || CASE WHEN location IS NOT NULL THEN ' at ' || location ELSE '' END
        || ' changed from ' || coalesce(CAST(old_value AS VARCHAR), 'nothing')
        || ' to ' || coalesce(CAST(new_value AS VARCHAR), 'nothing') AS summary,
    why AS detail,
    ledger_key,
    run_id
FROM sync.audit;

-- Records held back by validation or linking, with the reason; a record still failing is seen again on
-- every run (last_seen_at) until it is fixed at the source.
CREATE VIEW analytics.quarantine AS
SELECT
    source_table,
    record_key,
    reason,
    quarantined_at,
    last_seen_at,
    run_id,
    raw_record
FROM quarantine.records;
