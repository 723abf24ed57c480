-- Rows that failed validation or linking, kept with the reason instead of being silently dropped.
CREATE TABLE quarantine.records (
    source_table   VARCHAR NOT NULL,
    record_key     VARCHAR NOT NULL,
    reason         VARCHAR NOT NULL,
    raw_record     JSON NOT NULL,
    quarantined_at TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    run_id         VARCHAR,
    PRIMARY KEY (source_table, record_key, reason)
);
