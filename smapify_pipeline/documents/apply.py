"""Apply the document plans: documents before their stock effects, and ``core.document_links`` recording what
each mirrored document became."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.documents.plan import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    SHOPIFY_STOCK_ADJUST,
    SMAREGI_DISPOSE,
    SMAREGI_STOCK_ADD,
    SMAREGI_TRANSACTION,
)
from smapify_pipeline.documents.writers import (
    DisposeWriter,
    InventoryAdjustWriter,
    OrderCreateWriter,
    RefundCreateWriter,
    TransactionPostWriter,
)
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.stock.writers import SmaregiStockAddWriter
from smapify_pipeline.sync.apply import ChangeOutcome, Writer
from smapify_pipeline.sync.plan import PlanRow
from smapify_pipeline.sync.push import PushSlice

DOCUMENT_KINDS = (SHOPIFY_ORDER, SMAREGI_TRANSACTION, SHOPIFY_REFUND, SMAREGI_DISPOSE)
ALL_KINDS = (*DOCUMENT_KINDS, SHOPIFY_STOCK_ADJUST, SMAREGI_STOCK_ADD)
_TARGET_KIND = {
    SHOPIFY_ORDER: "order",
    SHOPIFY_REFUND: "refund",
    SMAREGI_TRANSACTION: "transaction",
    SMAREGI_DISPOSE: "reversal",
}


def document_writers(shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[str, Writer]:
    """One writer per document plan kind."""
    return {
        SHOPIFY_ORDER: OrderCreateWriter(shopify),
        SHOPIFY_STOCK_ADJUST: InventoryAdjustWriter(shopify),
        SHOPIFY_REFUND: RefundCreateWriter(shopify),
        SMAREGI_TRANSACTION: TransactionPostWriter(smaregi),
        SMAREGI_STOCK_ADD: SmaregiStockAddWriter(smaregi),
        SMAREGI_DISPOSE: DisposeWriter(smaregi),
    }


class DocumentPush(PushSlice):
    """The document family's push; each mirrored document applied is recorded in ``core.document_links``."""

    def make_writers(self, shopify: ShopifyClient, smaregi: SmaregiClient) -> dict[str, Writer]:
        return document_writers(shopify, smaregi)

    def after(
        self, conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], outcomes: list[ChangeOutcome]
    ) -> dict[str, Any]:
        return {"document_links_recorded": record_document_links(conn, rows, outcomes)}


def record_document_links(
    conn: duckdb.DuckDBPyConnection, rows: list[PlanRow], outcomes: list[ChangeOutcome]
) -> int:
    """``core.document_links`` rows for mirrored documents (sales, orders, refunds, returns) now applied."""
    by_key = {row.key: row for row in rows}
    links = []
    for outcome in outcomes:
        row = by_key.get(outcome.key)
        if row is None or row.kind not in DOCUMENT_KINDS or not outcome.done or not outcome.remote_id:
            continue
        source_platform, source_kind, source_id = row.source.split(":", 2)
        links.append(
            (
                row.key,
                source_platform,
                source_kind,
                source_id,
                row.target,
                _TARGET_KIND[row.kind],
                outcome.remote_id,
                row.smaregi_store_id,
                datetime.now(UTC),
            )  # fmt: skip
        )
    if links:
        conn.executemany(
            "INSERT INTO core.document_links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ledger_key) DO NOTHING",
            links,
        )
    return len(links)
