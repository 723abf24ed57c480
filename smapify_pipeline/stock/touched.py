"""Which linked products the document plans of this run touch (docs/architecture.md, "Stock principle": mirror
documents before stock).

A mirrored document reproduces its stock effect by itself, so the stock push must leave its products alone
until both sides are seen after the mirror: in the same run once the document is applied (the stock is read
again, :mod:`.after_documents`), else in a later run. Every document plan row names its subjects (the Smaregi
products and Shopify variants its request touches); rows whose ledger key is already applied are left out.

Choice: a touched product is skipped at **every** location pair this run, not only at the document's (skipping
more is safe, the next run corrects it).
"""

from __future__ import annotations

import duckdb

DOCUMENT_PLAN_TABLES = ("plan.order_plan", "plan.refund_plan")


def touched_products(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Smaregi product ids of linked products named by a not-yet-applied row of a document plan."""
    planned = " UNION ALL ".join(
        f"SELECT key, smaregi_product_ids, shopify_variant_ids FROM {table}" for table in DOCUMENT_PLAN_TABLES
    )
    rows = conn.execute(
        f"""
        SELECT DISTINCT l.smaregi_product_id
        FROM ({planned}) AS p
        JOIN core.product_links AS l
          ON list_contains(p.smaregi_product_ids, l.smaregi_product_id)
          OR list_contains(p.shopify_variant_ids, l.shopify_variant_id)
        WHERE p.key NOT IN (SELECT key FROM sync.ledger WHERE status = 'applied')
        """
    ).fetchall()
    return {row[0] for row in rows}
