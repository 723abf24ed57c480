"""Cancellation of an online order already on Smaregi (docs/architecture.md, "Documents").

When nothing of the order has been returned on Smaregi yet, its mirrored sale is reversed with 打消
(``POST /transactions/{id}/dispose``): Smaregi books a negative copy on the cancel's day (closed days stay as
they were) and puts every unit back at the sale's store. The Refunds of the order are then covered by the
reversal and not mirrored again; where Shopify left the units elsewhere (``restock: false``, restocked at
another location) compensating stock adds move them so Smaregi ends where Shopify did.

:func:`dispose_cancelled_order` is pure: the plan decides when it applies (:mod:`.plan`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smapify_pipeline.documents.refunds import RESTOCKING_TYPES
from smapify_pipeline.sync import choices, keys, markers
from smapify_pipeline.sync.records import Links, ShopifyOrder, ShopifyRefund, SyncContext
from smapify_pipeline.sync.timefmt import smaregi_datetime
from smapify_pipeline.sync.writes import SmaregiStockAdd, smaregi_stock_adds


@dataclass(frozen=True)
class DisposePlan:
    key: str
    transaction_head_id: str
    """The mirrored Smaregi sale to reverse."""
    body: dict[str, Any]
    """``POST /transactions/{id}/dispose`` body: the reversal's terminal time is the cancel's."""
    lookup_params: dict[str, str]
    """``GET /transactions`` query listing the reversal record after a lost answer."""
    stock_adds: tuple[SmaregiStockAdd, ...]


def dispose_cancelled_order(
    order: ShopifyOrder,
    covered: Iterable[ShopifyRefund],
    transaction_head_id: str,
    store_id: str,
    cancelled_at: datetime,
    ctx: SyncContext,
    links: Links,
) -> DisposePlan:
    """Reverse the Smaregi sale ``transaction_head_id`` (at ``store_id``) mirroring the cancelled ``order``.

    The reversal restocks every unit of the sale at ``store_id``; wanted is what the ``covered`` refunds did
    (RETURN and CANCEL lines back at the store paired with their location, NO_RESTOCK lines nowhere). The
    difference, per product and store, becomes stock adds.
    """
    deltas: list[tuple[str, str, int]] = []
    for line in order.lines:
        link = links.by_shopify_variant.get(line.variant_id or "")
        if link is not None and link.stock_managed and choices.RETURNS_RESTOCK_ON_SMAREGI:
            deltas.append((link.smaregi_product_id, store_id, -line.quantity))
    variants = {line.line_item_id: line.variant_id for line in order.lines}
    for refund in covered:
        for refunded in refund.lines:
            link = links.by_shopify_variant.get(variants.get(refunded.line_item_id) or "")
            if link is None or not link.stock_managed:
                continue
            if refunded.restock_type in RESTOCKING_TYPES and refunded.location_id is not None:
                wanted = ctx.store_for(refunded.location_id)
                if wanted is not None:
                    deltas.append((link.smaregi_product_id, wanted, refunded.quantity))
    memo = f"{choices.MARKER_PREFIX}:dispose:{keys.order_dispose_key(order.order_id)}"
    return DisposePlan(
        key=keys.order_dispose_key(order.order_id),
        transaction_head_id=transaction_head_id,
        body={"terminalTranDateTime": smaregi_datetime(cancelled_at)},
        lookup_params=markers.transaction_lookup_params(store_id, cancelled_at),
        stock_adds=smaregi_stock_adds(keys.order_dispose_stock_key(order.order_id), memo, deltas),
    )
