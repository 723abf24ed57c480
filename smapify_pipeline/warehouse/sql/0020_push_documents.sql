-- The exact variables of every write that was begun (sync/payloads.py): a write whose outcome is unknown is
-- retried with the SAME variables and the same idempotency key, so they must survive the process.
CREATE TABLE sync.write_payloads (
    key        VARCHAR PRIMARY KEY,
    generation INTEGER NOT NULL,
    payload    JSON NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL
);

-- What each mirrored document became on the other side (assets/push_documents.py): later refunds, returns,
-- voids and reversals of the same document find their target here.
CREATE TABLE core.document_links (
    ledger_key      VARCHAR PRIMARY KEY,
    source_platform VARCHAR NOT NULL,
    source_kind     VARCHAR NOT NULL,
    source_id       VARCHAR NOT NULL,
    target_platform VARCHAR NOT NULL,
    target_kind     VARCHAR NOT NULL,
    remote_id       VARCHAR NOT NULL,
    store_id        VARCHAR,
    linked_at       TIMESTAMPTZ NOT NULL
);

-- One row per planned document write, rebuilt every run (assets/plan_documents.py).
CREATE TABLE plan.order_plan (
    key        VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    target     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    depends_on VARCHAR,
    payload    JSON NOT NULL,
    reason     VARCHAR NOT NULL
);

CREATE TABLE plan.refund_plan (
    key        VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL,
    target     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    depends_on VARCHAR,
    payload    JSON NOT NULL,
    reason     VARCHAR NOT NULL
);
