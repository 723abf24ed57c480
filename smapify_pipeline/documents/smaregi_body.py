"""A Smaregi ``POST /transactions`` body from drafted detail lines.

Every value is a string. ``subtotal``, ``total`` and ``taxInclude`` come from :mod:`.smaregi_totals`, so Smaregi's
own validation of subtotal and total accepts them to the yen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smapify_pipeline.documents.smaregi_totals import (
    TaxRounding,
    TotalsLine,
    TransactionTotals,
    compute_totals,
    split_line_total,
)
from smapify_pipeline.sync import choices, markers
from smapify_pipeline.sync.records import UnmappableDocument
from smapify_pipeline.sync.timefmt import smaregi_date, smaregi_datetime
from smapify_pipeline.sync.writes import SmaregiStockAdd, smaregi_stock_adds


@dataclass(frozen=True)
class DetailDraft:
    """One detail line to send. Linked products carry ``product_id``; anything else is a 部門売り line
    (category sale) with ``category_id`` and ``product_name``."""

    division: str
    """``transactionDetailDivision``: "1" normal, "2" return, "3" category sale."""
    sales_price: int
    unit_discount: int
    quantity: int
    tax_rate: int
    product_id: str | None = None
    category_id: str | None = None
    product_name: str | None = None

    def totals_line(self) -> TotalsLine:
        return TotalsLine(self.sales_price, self.quantity, self.tax_rate, self.unit_discount)


def transaction_body(
    *,
    store_id: str,
    terminal_time: datetime,
    terminal_tran_id: str,
    memo: str,
    details: list[DetailDraft],
    carriage: int,
    rounding: TaxRounding,
    subtotal_discount: int = 0,
) -> tuple[dict[str, Any], TransactionTotals]:
    """The request body and the totals it states."""
    totals = compute_totals(
        [d.totals_line() for d in details],
        subtotal_discount=subtotal_discount,
        carriage=carriage,
        rounding=rounding,
    )
    body: dict[str, Any] = {
        "transactionHeadDivision": "1",
        "cancelDivision": "0",
        "storeId": store_id,
        "terminalId": choices.ONLINE_TERMINAL_ID,
        "terminalTranId": terminal_tran_id,
        "terminalTranDateTime": smaregi_datetime(terminal_time),
        "sumDivision": choices.SUM_DIVISION_CLOSED,
        "sumDate": smaregi_date(terminal_time),
        "subtotal": str(totals.subtotal),
        "taxInclude": str(totals.tax_include),
        "taxExclude": str(totals.tax_exclude),
        "total": str(totals.total),
        "memo": memo,
        "details": [_detail(number, draft) for number, draft in enumerate(details, start=1)],
    }
    if carriage:
        body["carriage"] = str(carriage)
    if subtotal_discount:
        body["subtotalDiscountPrice"] = str(subtotal_discount)
    return body, totals


@dataclass(frozen=True)
class TransactionPostPlan:
    """A Smaregi sale or return we create from a Shopify order or refund, with its stock compensation."""

    key: str
    body: dict[str, Any]
    """``POST /transactions`` body, every value a string."""
    totals: TransactionTotals
    terminal_tran_id: str
    memo: str
    lookup_params: dict[str, str]
    """``GET /transactions`` query listing the candidates after a lost answer; match with
    :func:`.markers.transaction_matches`."""
    stock_adds: tuple[SmaregiStockAdd, ...]
    stock_key: str


def transaction_post(
    kind: str,
    shopify_id: str,
    *,
    key: str,
    stock_key: str,
    store_id: str,
    terminal_time: datetime,
    details: list[DetailDraft],
    carriage: int,
    stock_deltas: Iterable[tuple[str, str, int]],
    rounding: TaxRounding,
    subtotal_discount: int = 0,
) -> TransactionPostPlan:
    """The transaction mirroring Shopify ``kind`` ("order"/"refund") ``shopify_id``, marked so a lost answer
    can be found again, and the (product, store, delta) stock adds that correct its stock effect."""
    tran_id = markers.terminal_tran_id(kind, shopify_id)
    memo = markers.transaction_memo(kind, shopify_id)
    body, totals = transaction_body(
        store_id=store_id,
        terminal_time=terminal_time,
        terminal_tran_id=tran_id,
        memo=memo,
        details=details,
        carriage=carriage,
        rounding=rounding,
        subtotal_discount=subtotal_discount,
    )
    return TransactionPostPlan(
        key=key,
        body=body,
        totals=totals,
        terminal_tran_id=tran_id,
        memo=memo,
        lookup_params=markers.transaction_lookup_params(store_id, terminal_time),
        stock_adds=smaregi_stock_adds(stock_key, memo, stock_deltas),
        stock_key=stock_key,
    )


def _detail(number: int, draft: DetailDraft) -> dict[str, str]:
    detail = {
        "transactionDetailId": str(number),
        "transactionDetailDivision": draft.division,
        "salesPrice": str(draft.sales_price),
        "unitDiscountPrice": str(draft.unit_discount),
        "quantity": str(draft.quantity),
    }
    if draft.product_id is not None:
        detail["productId"] = draft.product_id
    else:
        if draft.category_id is None:
            raise ValueError("a line without a product needs a category")
        detail["categoryId"] = draft.category_id
        detail["productName"] = (draft.product_name or "")[:85]
    return detail


@dataclass(frozen=True)
class UnlinkedLinePolicy:
    """Where a Shopify line without a linked Smaregi product goes (see :data:`.choices` and the report).

    ``product_id``: a generic, not stock-managed Smaregi product the merchant set aside for such lines (its
    name shows on the receipt; works wherever details must name a product). Else ``category_id``: a 部門売り
    line in that category (detail division 3). Neither: the document is not mirrored.
    """

    product_id: str | None = None
    category_id: str | None = None


def details_for_shopify_line(
    document_id: str,
    division: str,
    title: str,
    unit_price: int,
    line_total: int,
    quantity: int,
    tax_rate: int,
    product_id: str | None,
    unlinked: UnlinkedLinePolicy,
    sign: int = 1,
) -> list[DetailDraft]:
    """Detail drafts for one Shopify line (``division`` "1" sale, "2" return): its total as whole-yen unit
    prices, split in two lines when it has none; lines without a linked product follow ``unlinked``."""
    category_id = None
    if product_id is None:
        if unlinked.product_id is not None:
            product_id = unlinked.product_id
        elif unlinked.category_id is not None:
            category_id = unlinked.category_id
            division = "2" if division == "2" else "3"
        else:
            raise UnmappableDocument(
                f"Shopify document {document_id} has a line without a linked product ({title!r}) and neither "
                "a product nor a category is configured for such lines"
            )
    drafts = []
    for net, units in split_line_total(line_total, quantity):
        list_price = max(unit_price, net)
        drafts.append(
            DetailDraft(
                division=division,
                sales_price=list_price,
                unit_discount=list_price - net,
                quantity=sign * units,
                tax_rate=tax_rate,
                product_id=product_id,
                category_id=category_id,
                product_name=title if category_id is not None else None,
            )
        )
    return drafts
