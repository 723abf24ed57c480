-- Documents that already existed when the sync first ran: history, never mirrored (a first run must not turn
-- months of past register sales into Shopify orders). Filled once, by the first order plan.
CREATE TABLE core.history_documents (
    source      VARCHAR PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL
);
