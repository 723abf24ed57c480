"""Apply the document plans: documents before their stock effects, and ``core.document_links`` recording what
each mirrored document became."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import duckdb

from smapify_pipeline.documents import same_run
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
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.ledger import LedgerStatus

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

    def resolve(self, conn: duckdb.DuckDBPyConnection, row: PlanRow) -> PlanRow:
        """A refund of an order created in this run gets the order's id from the ledger row that created it."""
        order_key = row.payload.get("order_key")
        if not order_key:
            return row
        parent = ledger.get(conn, order_key)
        if parent is None or parent.status is not LedgerStatus.APPLIED or not parent.remote_id:
            return row
        payload = same_run.fill_order_id(
            dict(row.payload), same_run.pending_order_id(order_key), parent.remote_id
        )
        return replace(row, payload=payload)

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
