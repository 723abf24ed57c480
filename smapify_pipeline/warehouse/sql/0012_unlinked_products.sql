-- Every live product left without a partner by the last link run, and why (asset check, product creates).
-- status: 'no_partner' (a create candidate), 'quarantined' (duplicate or blank match key), 'excluded'
-- (exclude_tag), 'retired' (its link ended by a deletion).
CREATE TABLE core.unlinked_products (
    platform   VARCHAR NOT NULL,
    record_id  VARCHAR NOT NULL,
    group_id   VARCHAR,
    code       VARCHAR,
    status     VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    PRIMARY KEY (platform, record_id)
);
