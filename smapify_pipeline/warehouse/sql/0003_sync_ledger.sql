-- Exactly-once bookkeeping for every planned write (docs/architecture.md, "Ledger and exactly-once");
-- transitions are enforced by ledger.py.
CREATE TABLE sync.ledger (
    key          VARCHAR PRIMARY KEY,
    kind         VARCHAR NOT NULL,
    target       VARCHAR NOT NULL,
    status       VARCHAR NOT NULL CHECK (status IN ('pending', 'applied', 'failed')),
    attempts     INTEGER NOT NULL CHECK (attempts >= 1),
    generation   INTEGER NOT NULL CHECK (generation >= 1),
    payload_hash VARCHAR,
    remote_id    VARCHAR,
    error        VARCHAR,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    applied_at   TIMESTAMPTZ
);
