"""``core.product_links``: one Smaregi product ↔ one Shopify variant, by the configured match key.

Rules (docs/architecture.md, "Linking"), in this order:

1. **Stable**: a link made on an earlier run is kept while both products still exist in ``raw`` (a deleted
   side keeps its link until the deletion is mirrored and the link retired), whatever their fields
   become — a changed SKU or productCode does not move a product to another partner.
2. **Excluded**: a live product carrying ``exclude_tag`` (Shopify tags; Smaregi ``tag`` text) is never linked,
   and an existing link of it is dropped. Quarantined with reason "excluded by tag".
3. **Retired**: products of a link ended by a deletion (``core.retired_links``) are never linked again.
4. **New links**: codes are compared as normalised match keys (:mod:`.match_keys`: NFKC, dashes unified,
   whitespace removed, upper case). Among the rest, a blank match key is quarantined "no match key"; a key whose
   holders on one side spell it differently is quarantined "duplicate match key after normalisation", naming
   every holder; a Shopify key that cannot be written as a Smaregi productCode is quarantined with the
   reason; a code held by more
   than one live product on the same side is quarantined "duplicate match key" on every unlinked holder
   — an already linked holder keeps its partner; a code unique on both sides links. An unlinked product
   whose code is already held on the other side by a product that cannot be its partner (a duplicate, an
   excluded one, one linked elsewhere) is quarantined "duplicate match key" too: creating it would add a
   third holder of the code.

Whatever is left without a partner is written to ``core.unlinked_products`` with its status, so the product
plan knows what to create and the asset check can count it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from smapify_pipeline.link.match_keys import register_sql_functions
from smapify_pipeline.warehouse.quarantine import quarantine_rows

QUARANTINE_SOURCE = "core.product_links"
AFTER_NORMALISATION = "duplicate match key after normalisation"
"""The reason of products whose codes are spelled differently but read as one key; it names every holder."""
NOT_A_CODE = "match key cannot be a Smaregi productCode:"


@dataclass(frozen=True)
class ProductLinkReport:
    links: int
    new_links: int
    dropped_links: int
    quarantined: int
    unlinked_shopify: int
    unlinked_smaregi: int

    def as_metadata(self) -> dict[str, int]:
        return dict(self.__dict__)


_SIDES_SQL = """
CREATE OR REPLACE TEMP TABLE link_shopify AS
SELECT v.variant_id, v.product_id, v.inventory_item_id, v.tracked,
       smapify_match_key(CASE WHEN $match_key = 'sku' THEN v.sku ELSE v.barcode END) AS code,
       trim(CASE WHEN $match_key = 'sku' THEN v.sku ELSE v.barcode END) AS spelling,
       smapify_code_problem(CASE WHEN $match_key = 'sku' THEN v.sku ELSE v.barcode END) AS code_problem,
       (v.deleted_at IS NOT NULL OR p.deleted_at IS NOT NULL) AS deleted,
       $exclude_tag <> '' AND list_contains(
           list_transform(coalesce(p.tags, []::VARCHAR[]), lambda t: lower(trim(t))), lower(trim($exclude_tag))
       ) AS excluded
FROM raw.shopify_variants AS v LEFT JOIN raw.shopify_products AS p USING (product_id);

CREATE OR REPLACE TEMP TABLE link_smaregi AS
SELECT product_id, group_code, stock_control_division,
       smapify_match_key(product_code) AS code, product_code AS spelling,
       deleted_at IS NOT NULL AS deleted,
       $exclude_tag <> '' AND list_contains(
           list_transform(regexp_split_to_array(coalesce(tag, ''), '[,\\s、]+'), lambda t: lower(trim(t))),
           lower(trim($exclude_tag))
       ) AS excluded
FROM raw.smaregi_products;

CREATE OR REPLACE TEMP TABLE link_retired_shopify AS SELECT DISTINCT shopify_variant_id AS id FROM core.retired_links;
CREATE OR REPLACE TEMP TABLE link_retired_smaregi AS SELECT DISTINCT smaregi_product_id AS id FROM core.retired_links;
"""

_KEPT_SQL = """
CREATE OR REPLACE TEMP TABLE link_kept AS
SELECT l.smaregi_product_id, sm.code AS smaregi_code, l.product_code, l.shopify_variant_id,
       sh.product_id AS shopify_product_id, sh.inventory_item_id,
       (coalesce(sm.stock_control_division, '0') = '0' AND coalesce(sh.tracked, true)) AS stock_managed,
       l.linked_at
FROM core.product_links AS l
JOIN link_shopify AS sh ON sh.variant_id = l.shopify_variant_id
JOIN link_smaregi AS sm ON sm.product_id = l.smaregi_product_id
WHERE NOT (sh.excluded AND NOT sh.deleted) AND NOT (sm.excluded AND NOT sm.deleted)
  AND l.smaregi_product_id NOT IN (SELECT id FROM link_retired_smaregi)
  AND l.shopify_variant_id NOT IN (SELECT id FROM link_retired_shopify);
"""

_CANDIDATES_SQL = """
CREATE OR REPLACE TEMP TABLE link_candidates_shopify AS
SELECT s.*, count(*) OVER (PARTITION BY s.code) AS holders
FROM link_shopify AS s
WHERE NOT s.deleted AND NOT s.excluded;

CREATE OR REPLACE TEMP TABLE link_candidates_smaregi AS
SELECT s.*, count(*) OVER (PARTITION BY s.code) AS holders
FROM link_smaregi AS s
WHERE NOT s.deleted AND NOT s.excluded;

CREATE OR REPLACE TEMP TABLE link_new AS
SELECT sm.product_id AS smaregi_product_id, sm.spelling AS product_code, sh.variant_id AS shopify_variant_id,
       sh.product_id AS shopify_product_id, sh.inventory_item_id,
       (coalesce(sm.stock_control_division, '0') = '0' AND coalesce(sh.tracked, true)) AS stock_managed
FROM link_candidates_shopify AS sh
JOIN link_candidates_smaregi AS sm ON sm.code = sh.code
WHERE sh.holders = 1 AND sm.holders = 1 AND sh.code IS NOT NULL
  AND sh.variant_id NOT IN (SELECT shopify_variant_id FROM link_kept)
  AND sm.product_id NOT IN (SELECT smaregi_product_id FROM link_kept)
  AND sh.variant_id NOT IN (SELECT id FROM link_retired_shopify)
  AND sm.product_id NOT IN (SELECT id FROM link_retired_smaregi);
"""

_UNLINKED_SQL = """
CREATE OR REPLACE TEMP TABLE link_unlinked AS
WITH linked_shopify AS (
    SELECT shopify_variant_id AS id FROM link_kept UNION ALL SELECT shopify_variant_id FROM link_new
), linked_smaregi AS (
    SELECT smaregi_product_id AS id FROM link_kept UNION ALL SELECT smaregi_product_id FROM link_new
), live_shopify_codes AS (
    SELECT code FROM link_shopify WHERE NOT deleted AND code IS NOT NULL
), live_smaregi_codes AS (
    SELECT code FROM link_smaregi WHERE NOT deleted AND code IS NOT NULL
), live_shopify AS (
    SELECT *, count(*) OVER (PARTITION BY code) AS holders,
           list_sort(list(format('shopify:{} {}', variant_id, to_json(spelling)::VARCHAR))
               OVER (PARTITION BY code)) AS holder_names,
           len(list_distinct(list(spelling) OVER (PARTITION BY code))) AS spellings
    FROM link_shopify WHERE NOT deleted
), live_smaregi AS (
    SELECT *, count(*) OVER (PARTITION BY code) AS holders,
           list_sort(list(format('smaregi:{} {}', product_id, to_json(spelling)::VARCHAR))
               OVER (PARTITION BY code)) AS holder_names,
           len(list_distinct(list(spelling) OVER (PARTITION BY code))) AS spellings
    FROM link_smaregi WHERE NOT deleted
), shopify_rows AS (
    SELECT 'shopify' AS platform, s.variant_id AS record_id, s.product_id AS group_id, s.code,
           CASE WHEN s.excluded THEN 'excluded'
                WHEN s.variant_id IN (SELECT id FROM link_retired_shopify) THEN 'retired'
                WHEN s.code IS NULL OR s.holders > 1 OR s.code IN (SELECT code FROM live_smaregi_codes)
                     OR s.code_problem IS NOT NULL
                    THEN 'quarantined'
                ELSE 'no_partner' END AS status,
           CASE WHEN s.excluded THEN 'excluded by tag'
                WHEN s.variant_id IN (SELECT id FROM link_retired_shopify) THEN 'link retired by a deletion'
                WHEN s.code IS NULL THEN 'no match key'
                WHEN s.holders > 1 AND s.spellings > 1 THEN $after_normalisation || ': ' || s.code
                     || ' held by ' || array_to_string(s.holder_names, ', ')
                WHEN s.holders > 1 THEN 'duplicate match key'
                WHEN s.code IN (SELECT code FROM live_smaregi_codes) THEN 'duplicate match key'
                WHEN s.code_problem IS NOT NULL THEN $not_a_code || ' ' || to_json(s.spelling)::VARCHAR
                     || ': ' || s.code_problem
                ELSE 'no Smaregi product with this code' END AS reason
    FROM live_shopify AS s
    WHERE s.variant_id NOT IN (SELECT id FROM linked_shopify)
), smaregi_rows AS (
    SELECT 'smaregi', s.product_id, s.group_code, s.code,
           CASE WHEN s.excluded THEN 'excluded'
                WHEN s.product_id IN (SELECT id FROM link_retired_smaregi) THEN 'retired'
                WHEN s.code IS NULL OR s.holders > 1 OR s.code IN (SELECT code FROM live_shopify_codes)
                    THEN 'quarantined'
                ELSE 'no_partner' END,
           CASE WHEN s.excluded THEN 'excluded by tag'
                WHEN s.product_id IN (SELECT id FROM link_retired_smaregi) THEN 'link retired by a deletion'
                WHEN s.code IS NULL THEN 'no match key'
                WHEN s.holders > 1 AND s.spellings > 1 THEN $after_normalisation || ': ' || s.code
                     || ' held by ' || array_to_string(s.holder_names, ', ')
                WHEN s.holders > 1 THEN 'duplicate match key'
                WHEN s.code IN (SELECT code FROM live_shopify_codes) THEN 'duplicate match key'
                ELSE 'no Shopify variant with this code' END
    FROM live_smaregi AS s
    WHERE s.product_id NOT IN (SELECT id FROM linked_smaregi)
)
SELECT * FROM shopify_rows UNION ALL SELECT * FROM smaregi_rows;
"""


_KEEP_SQL = """
DELETE FROM core.product_links AS l
WHERE NOT EXISTS (SELECT 1 FROM link_kept AS k WHERE k.smaregi_product_id = l.smaregi_product_id);
UPDATE core.product_links AS l
SET shopify_product_id = k.shopify_product_id, inventory_item_id = k.inventory_item_id,
    stock_managed = k.stock_managed
FROM link_kept AS k
WHERE k.smaregi_product_id = l.smaregi_product_id
  AND (l.shopify_product_id IS DISTINCT FROM k.shopify_product_id
       OR l.inventory_item_id IS DISTINCT FROM k.inventory_item_id
       OR l.stock_managed IS DISTINCT FROM k.stock_managed);
"""
"""Links are changed in place (only dropped, changed and new rows are written): rewriting a million-row table
with its two unique indexes every run would cost seconds."""


def build_product_links(
    conn: duckdb.DuckDBPyConnection,
    *,
    match_key: str,
    exclude_tag: str,
    run_id: str | None = None,
    now: datetime | None = None,
) -> ProductLinkReport:
    """Rebuild ``core.product_links`` and ``core.unlinked_products``; quarantine what cannot link."""
    if match_key not in ("sku", "barcode"):
        raise ValueError(f"unknown match_key {match_key!r}")
    at = now or datetime.now(UTC)
    register_sql_functions(conn)
    params = {"match_key": match_key, "exclude_tag": exclude_tag or ""}
    for statement in _SIDES_SQL.split(";\n"):
        if statement.strip():
            used = {k: v for k, v in params.items() if f"${k}" in statement}
            conn.execute(statement, used or None)
    conn.execute(_KEPT_SQL)
    conn.execute(_CANDIDATES_SQL)
    conn.execute(_UNLINKED_SQL, {"after_normalisation": AFTER_NORMALISATION, "not_a_code": NOT_A_CODE})
    before = _count(conn, "SELECT count(*) FROM core.product_links")
    kept = _count(conn, "SELECT count(*) FROM link_kept")
    new = _count(conn, "SELECT count(*) FROM link_new")
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(_KEEP_SQL)
        conn.execute(
            "INSERT INTO core.product_links SELECT smaregi_product_id, product_code, shopify_variant_id, "
            "shopify_product_id, inventory_item_id, stock_managed, ? FROM link_new",
            [at],
        )
        conn.execute("DELETE FROM core.unlinked_products")
        conn.execute("INSERT INTO core.unlinked_products SELECT * FROM link_unlinked")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    quarantined = _quarantine(conn, run_id, at)
    counts = dict(
        conn.execute(
            "SELECT platform, count(*) FROM core.unlinked_products WHERE status = 'no_partner' GROUP BY 1"
        ).fetchall()
    )
    return ProductLinkReport(
        links=kept + new,
        new_links=new,
        dropped_links=before - kept,
        quarantined=quarantined,
        unlinked_shopify=int(counts.get("shopify", 0)),
        unlinked_smaregi=int(counts.get("smaregi", 0)),
    )


def _quarantine(conn: duckdb.DuckDBPyConnection, run_id: str | None, at: datetime) -> int:
    rows = conn.execute(
        "SELECT platform, record_id, group_id, code, reason FROM core.unlinked_products "
        "WHERE status IN ('quarantined', 'excluded') ORDER BY platform, record_id"
    ).fetchall()
    triples = [
        (
            f"{platform}:{record_id}",
            reason,
            {"platform": platform, "id": record_id, "group": group_id, "code": code},
        )
        for platform, record_id, group_id, code, reason in rows
    ]
    quarantine_rows(conn, QUARANTINE_SOURCE, triples, run_id=run_id, now=at)
    return len(triples)


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    rows = conn.execute(sql).fetchall()
    return int(rows[0][0]) if rows else 0
