"""Which linked products the document plans of this run touch (DESIGN §4: mirror documents before stock).

A mirrored document reproduces its stock effect by itself, so the stock push must leave its products alone
until the next run sees both sides after the mirror. The document plans (``plan.order_plan``,
``plan.refund_plan``) hold platform request variables; their product references are found by the API field
names those requests use — Smaregi ``productId``, Shopify ``variantId`` / ``inventoryItemId`` / ``lineItemId``
(through the extracted order lines) — and a ``/stock/{productId}/add`` path. Rows whose ledger key is already
applied are left out.

Choice: a touched product is skipped at **every** location pair this run, not only at the document's (the
request shapes do not always name the location; skipping more is safe, the next run corrects it).
"""

from __future__ import annotations

import duckdb

DOCUMENT_PLAN_TABLES = ("plan.order_plan", "plan.refund_plan")
_REFERENCE = (
    r'"(productId|product_id|variantId|variant_id|inventoryItemId|inventory_item_id|lineItemId|line_item_id)"'
    r'\s*:\s*"([^"]+)"'
)
_STOCK_PATH = r"/stock/([0-9]+)/add"


def touched_products(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """Smaregi product ids of linked products named by a not-yet-applied row of a document plan."""
    sources = [t for t in DOCUMENT_PLAN_TABLES if _has_key_and_payload(conn, t)]
    if not sources:
        return set()
    union = " UNION ALL ".join(
        f"SELECT key, CAST(payload AS VARCHAR) AS payload FROM {table}" for table in sources
    )
    rows = conn.execute(
        f"""
        WITH planned AS (
            SELECT p.payload FROM ({union}) AS p
            WHERE p.key NOT IN (SELECT key FROM sync.ledger WHERE status = 'applied')
        ), refs AS (
            SELECT unnest(regexp_extract_all(payload, '{_REFERENCE}', 1)) AS field,
                   unnest(regexp_extract_all(payload, '{_REFERENCE}', 2)) AS value
            FROM planned
            UNION ALL
            SELECT 'productId', unnest(regexp_extract_all(payload, '{_STOCK_PATH}', 1)) FROM planned
        )
        SELECT DISTINCT l.smaregi_product_id
        FROM refs AS r
        LEFT JOIN raw.shopify_order_lines AS ol
               ON r.field IN ('lineItemId', 'line_item_id') AND ol.line_item_id = r.value
        JOIN core.product_links AS l ON
             (r.field IN ('productId', 'product_id') AND l.smaregi_product_id = r.value)
          OR (r.field IN ('variantId', 'variant_id') AND l.shopify_variant_id = r.value)
          OR (r.field IN ('inventoryItemId', 'inventory_item_id') AND l.inventory_item_id = r.value)
          OR (r.field IN ('lineItemId', 'line_item_id') AND l.shopify_variant_id = ol.variant_id)
        """
    ).fetchall()
    return {row[0] for row in rows}


def _has_key_and_payload(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    schema, name = table.split(".")
    columns = {
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ?",
            [schema, name],
        ).fetchall()
    }
    return {"key", "payload"} <= columns
