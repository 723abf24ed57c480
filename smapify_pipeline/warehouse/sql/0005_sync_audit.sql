-- Every overwritten manual edit, stock seed and two-sided product conflict
-- (docs/architecture.md, "Stock principle" and "Products").
CREATE SEQUENCE sync.audit_id_seq;
CREATE TABLE sync.audit (
    audit_id   BIGINT PRIMARY KEY DEFAULT nextval('sync.audit_id_seq'),
    audited_at TIMESTAMPTZ NOT NULL,
    kind       VARCHAR NOT NULL,
    entity     VARCHAR NOT NULL,
    entity_key VARCHAR NOT NULL,
    location   VARCHAR,
    old_value  JSON,
    new_value  JSON,
    why        VARCHAR NOT NULL,
    run_id     VARCHAR,
    ledger_key VARCHAR UNIQUE
);
