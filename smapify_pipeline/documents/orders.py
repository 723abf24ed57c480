"""Sales as orders (docs/architecture.md, "Documents").

* :func:`sale_to_order` — a Smaregi register sale → Shopify ``orderCreate`` variables (BYPASS inventory) plus
  the follow-up ``inventoryAdjustQuantities`` of −quantity at the paired location (orderCreate cannot choose
  the location);
* :func:`order_to_transaction` — a Shopify order → Smaregi ``POST /transactions`` at the online store, plus
  stock adds when Shopify took the units at a location that is not the online store's pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from smapify_pipeline.documents.smaregi_body import (
    DetailDraft,
    TransactionPostPlan,
    UnlinkedLinePolicy,
    details_for_shopify_line,
    transaction_post,
)
from smapify_pipeline.documents.smaregi_totals import (
    TaxDivision,
    TotalsLine,
    allocate,
    compute_totals,
    split_line_total,
)
from smapify_pipeline.sync import choices, keys, markers
from smapify_pipeline.sync.keys import stock_add_key
from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    SmaregiLine,
    SmaregiTransaction,
    SyncContext,
    UnmappableDocument,
)
from smapify_pipeline.sync.timefmt import shopify_datetime
from smapify_pipeline.sync.writes import (
    InventoryAdjustment,
    SmaregiStockAdd,
    inventory_changes,
    money,
    rate_decimal,
    reference_document_uri,
    tax_title,
)

# --- Smaregi sale → Shopify order ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderCreatePlan:
    key: str
    variables: dict[str, Any]
    """``{"order": OrderCreateOrderInput, "options": OrderCreateOptionsInput}``."""
    lookup_query: str
    """``orders(query:)`` that finds this order after a lost answer."""
    stock: InventoryAdjustment | None
    """The −quantity adjustment at the paired location; ``None`` when nothing linked moves stock there."""
    total: int
    tax_by_rate: dict[int, int]


def sale_to_order(sale: SmaregiTransaction, ctx: SyncContext, links: Links) -> OrderCreatePlan:
    """Mirror a register sale: linked lines by variant, others as custom lines, tax lines per rate
    summing to Smaregi's tax, ``taxesIncluded``, paid and fulfilled, ``processedAt`` = terminal time,
    sourceName/sourceIdentifier/tag markers, ``inventoryBehaviour`` BYPASS.

    Only the sale lines (not return lines) of the transaction become the order. Smaregi's subtotal, point and
    coupon discounts are spread into the line prices (see :func:`_priced_items`), and anything the total adds
    beyond goods and carriage (commission, rounding up) becomes a custom adjustment line, so the order total
    equals Smaregi's total to the yen.
    """
    sale_lines = [line for line in sale.lines if not line.is_return and line.quantity]
    if not sale_lines:
        raise UnmappableDocument(f"Smaregi transaction {sale.transaction_head_id} has no sale lines")
    for line in sale_lines:
        if line.tax_division is TaxDivision.EXCLUDED:
            raise UnmappableDocument(
                f"Smaregi transaction {sale.transaction_head_id} has a tax-excluded line; only tax-included "
                "and tax-exempt prices map onto a tax-included Shopify order"
            )
    goods_all = sum(line.net_unit_price * line.quantity for line in sale.lines)
    beyond = goods_all + sale.carriage - sale.total
    discount, adjustment = max(beyond, 0), max(-beyond, 0)
    if discount > sum(line.net_unit_price * line.quantity for line in sale_lines):
        raise UnmappableDocument(
            f"Smaregi transaction {sale.transaction_head_id} discounts more than its goods"
        )
    tax_by_rate = _sale_tax_by_rate(sale, sale_lines, discount, ctx)
    priced = _priced_items(sale_lines, discount)
    item_taxes, shipping_tax = _item_taxes(priced, tax_by_rate, sale.carriage)
    line_items = [
        _order_line(line, unit, units, links, tax)
        for (line, unit, units), tax in zip(priced, item_taxes, strict=True)
    ]
    if adjustment:
        line_items.append(
            {
                "title": choices.ADJUSTMENT_LINE_TITLE,
                "quantity": 1,
                "priceSet": money(adjustment),
                "taxable": False,
                "requiresShipping": False,
            }
        )
    total = sum(unit * units for _, unit, units in priced) + sale.carriage + adjustment
    order: dict[str, Any] = {
        "currency": choices.CURRENCY,
        "lineItems": line_items,
        "taxesIncluded": True,
        "financialStatus": "PAID",
        "fulfillmentStatus": "FULFILLED",
        "processedAt": shopify_datetime(sale.terminal_tran_date_time),
        "sourceName": choices.SOURCE_NAME,
        "sourceIdentifier": markers.order_source_identifier(ctx.contract_id, sale.transaction_head_id),
        "tags": [markers.order_tag(ctx.contract_id, sale.transaction_head_id)],
        "transactions": [
            {
                "kind": "SALE",
                "status": "SUCCESS",
                "gateway": choices.PAYMENT_GATEWAY,
                "amountSet": money(total),
            }
        ],
    }
    if sale.carriage:
        order["shippingLines"] = [_shipping_line(sale.carriage, shipping_tax)]
    options = {"inventoryBehaviour": "BYPASS", "sendReceipt": False, "sendFulfillmentReceipt": False}
    return OrderCreatePlan(
        key=keys.sale_order_key(ctx.contract_id, sale.transaction_head_id),
        variables={"order": order, "options": options},
        lookup_query=markers.order_lookup_query(ctx.contract_id, sale.transaction_head_id),
        stock=sale_stock_adjustment(sale, ctx, links),
        total=total,
        tax_by_rate=tax_by_rate,
    )


def sale_stock_adjustment(
    sale: SmaregiTransaction, ctx: SyncContext, links: Links
) -> InventoryAdjustment | None:
    """−quantity per linked, stock-managed variant of the sale's lines at the paired location."""
    return linked_stock_adjustment(
        sale,
        ctx,
        links,
        lambda line: None if line.is_return else -line.quantity,
        key=keys.sale_stock_key(ctx.contract_id, sale.transaction_head_id),
        reason=choices.SALE_ADJUST_REASON,
    )


def linked_stock_adjustment(
    txn: SmaregiTransaction,
    ctx: SyncContext,
    links: Links,
    delta_of: Callable[[SmaregiLine], int | None],
    *,
    key: str,
    reason: str,
) -> InventoryAdjustment | None:
    """The Shopify adjustment of a Smaregi transaction at the location paired with its store: ``delta_of`` each
    line of a linked, stock-managed product (``None``: the line moves nothing); ``None`` when nothing moves."""
    location = ctx.location_for(txn.store_id)
    if location is None:
        return None
    deltas = []
    for line in txn.lines:
        link = links.by_smaregi_product.get(line.product_id or "")
        delta = delta_of(line) if link is not None and link.stock_managed else None
        if link is not None and delta is not None:
            deltas.append((link.inventory_item_id, location, delta))
    changes = inventory_changes(deltas)
    if not changes:
        return None
    return InventoryAdjustment(
        key=key,
        changes=changes,
        reason=reason,
        reference_document_uri=reference_document_uri(
            "SmaregiTransaction", f"{ctx.contract_id}-{txn.transaction_head_id}"
        ),
    )


def _sale_tax_by_rate(
    sale: SmaregiTransaction, sale_lines: list[SmaregiLine], discount: int, ctx: SyncContext
) -> dict[int, int]:
    """内税 per rate by Smaregi's arithmetic; when Smaregi states its tax (pure sales), the figures are made to
    sum to it exactly (any difference, e.g. another rounding setting, goes to the largest base)."""
    totals = compute_totals(
        [
            TotalsLine(line.net_unit_price, line.quantity, line.tax_rate, tax_division=line.tax_division)
            for line in sale_lines
        ],
        subtotal_discount=discount,
        carriage=sale.carriage,
        rounding=ctx.tax_rounding,
    )
    by_rate = dict(totals.included_tax_by_rate)
    stated = sale.tax_include
    if stated is not None and len(sale_lines) == len(sale.lines):
        residual = stated - sum(by_rate.values())
        if residual:
            if not by_rate:
                raise UnmappableDocument(
                    f"Smaregi transaction {sale.transaction_head_id} states tax {stated} on untaxed lines"
                )
            largest = max(totals.taxable_by_rate, key=lambda rate: (totals.taxable_by_rate[rate], rate))
            by_rate[largest] += residual
    return by_rate


def _priced_items(lines: list[SmaregiLine], discount: int) -> list[tuple[SmaregiLine, int, int]]:
    """(line, whole-yen unit price, units) items: the subtotal-level discount is spread over the lines in
    proportion to their amounts and into their unit prices (a line whose discounted total has no whole-yen
    unit price becomes two items), so the order total is exact without a discount code."""
    shares = allocate(discount, [line.net_unit_price * line.quantity for line in lines])
    items = []
    for line, share in zip(lines, shares, strict=True):
        for unit, units in split_line_total(line.net_unit_price * line.quantity - share, line.quantity):
            items.append((line, unit, units))
    return items


def _item_taxes(
    items: list[tuple[SmaregiLine, int, int]], tax_by_rate: dict[int, int], carriage: int
) -> tuple[list[int], int]:
    """Each rate's tax spread over that rate's tax-included items in proportion to their amounts, and the
    shipping line's share of the standard rate's tax when carriage is taxed (see
    :data:`.choices.CARRIAGE_IN_TAX_INCLUDE`)."""
    result = [0] * len(items)
    members: dict[int, list[int]] = defaultdict(list)
    for index, (line, _, _) in enumerate(items):
        if line.tax_division is TaxDivision.INCLUDED and line.tax_rate:
            members[line.tax_rate].append(index)
    taxed_carriage = carriage if choices.CARRIAGE_IN_TAX_INCLUDE else 0
    shipping_tax = 0
    for rate, tax in tax_by_rate.items():
        indexes = members.get(rate, [])
        weights = [items[i][1] * items[i][2] for i in indexes]
        if rate == choices.STANDARD_TAX_RATE and taxed_carriage:
            *shares, shipping_tax = allocate(tax, [*weights, taxed_carriage])
        else:
            shares = allocate(tax, weights)
        for index, share in zip(indexes, shares, strict=True):
            result[index] = share
    return result, shipping_tax


def _shipping_line(carriage: int, tax: int) -> dict[str, Any]:
    """The order's shipping line: carriage, with its 10 % tax line when carriage is taxed."""
    line: dict[str, Any] = {"title": choices.SHIPPING_LINE_TITLE, "priceSet": money(carriage)}
    if choices.CARRIAGE_IN_TAX_INCLUDE:
        rate = choices.STANDARD_TAX_RATE
        line["taxLines"] = [{"title": tax_title(rate), "rate": rate_decimal(rate), "priceSet": money(tax)}]
    return line


def _order_line(line: SmaregiLine, unit: int, units: int, links: Links, tax: int) -> dict[str, Any]:
    taxed = line.tax_division is TaxDivision.INCLUDED and line.tax_rate > 0
    item: dict[str, Any] = {"quantity": units, "priceSet": money(unit)}
    link = links.by_smaregi_product.get(line.product_id or "")
    if link is not None:
        item["variantId"] = link.shopify_variant_id
    else:
        item.update(
            title=line.product_name,
            sku=line.product_code,
            taxable=taxed,
            requiresShipping=False,
        )
    if taxed:
        item["taxLines"] = [
            {"title": tax_title(line.tax_rate), "rate": rate_decimal(line.tax_rate), "priceSet": money(tax)}
        ]
    return item


# --- Shopify order → Smaregi transaction --------------------------------------------------------------------


def order_to_transaction(
    order: ShopifyOrder,
    ctx: SyncContext,
    links: Links,
    applied_adds: Mapping[str, tuple[str, str, int]] | None = None,
) -> TransactionPostPlan:
    """Mirror an online order as a Smaregi sale at ``online_store_id``.

    Lines by linked productId with the Shopify unit price; each line's discounts as ``unitDiscountPrice`` (a
    line whose discounted total has no whole-yen unit price is split in two detail lines): its own discounts
    always, order-level ones too while :data:`.choices.ORDER_DISCOUNTS_FOLD_INTO_LINES`, else they become the
    sale's ``subtotalDiscountPrice``; lines without a linked product as 部門売り lines in
    ``unlinked_category_id``; shipping charged (after shipping discounts) as ``carriage``; totals by
    :mod:`.smaregi_totals`, so the Smaregi total equals the Shopify total to the yen. ``applied_adds`` (ledger
    key → product, store, delta) are the stock adds of earlier runs, so a line moved to another location since
    gets only the difference (:func:`order_stock_adds`).
    """
    if not order.taxes_included:
        raise UnmappableDocument(f"Shopify order {order.order_id} is not tax-included")
    fold = choices.ORDER_DISCOUNTS_FOLD_INTO_LINES
    details: list[DetailDraft] = []
    for line in (line for line in order.lines if line.quantity > 0):
        link = links.by_shopify_variant.get(line.variant_id or "")
        details.extend(
            details_for_shopify_line(
                order.order_id,
                "1",
                line.title,
                line.unit_price,
                line.discounted_total if fold else line.discounted_total + line.order_discount,
                line.quantity,
                line.tax_rate,
                link.smaregi_product_id if link else None,
                UnlinkedLinePolicy(ctx.unlinked_product_id, ctx.unlinked_category_id),
            )
        )
    plan = transaction_post(
        "order",
        order.order_id,
        key=keys.order_transaction_key(order.order_id),
        stock_key=keys.order_stock_key(order.order_id),
        store_id=ctx.online_store_id,
        terminal_time=order.processed_at,
        details=details,
        carriage=order.shipping,
        stock_deltas=(),
        rounding=ctx.tax_rounding,
        subtotal_discount=0
        if fold
        else sum(line.order_discount for line in order.lines if line.quantity > 0),
    )
    return replace(plan, stock_adds=order_stock_adds(order, ctx, links, applied_adds or {}, plan.memo))


def _order_stock_deltas(order: ShopifyOrder, ctx: SyncContext, links: Links) -> list[tuple[str, str, int]]:
    """The Smaregi sale takes units at the online store; where Shopify has them elsewhere, move them: +q back
    at the online store and −q at the store paired with Shopify's location (none when it is unpaired)."""
    deltas = []
    for line in order.lines:
        link = links.by_shopify_variant.get(line.variant_id or "")
        if link is None or not link.stock_managed:
            continue
        for location, units in line.placements:
            store = ctx.store_for(location)
            if store == ctx.online_store_id:
                continue
            deltas.append((link.smaregi_product_id, ctx.online_store_id, units))
            if store is not None:
                deltas.append((link.smaregi_product_id, store, -units))
    return deltas


def order_stock_adds(
    order: ShopifyOrder,
    ctx: SyncContext,
    links: Links,
    applied_adds: Mapping[str, tuple[str, str, int]],
    memo: str,
) -> tuple[SmaregiStockAdd, ...]:
    """The stock adds that bring Smaregi to where Shopify's units of ``order`` are now: the moves wanted
    (:func:`_order_stock_deltas`) minus the adds already applied for the order. The first placement uses the
    order's stock key; a later move (the merchant moved or fulfilled a line elsewhere after the order was
    mirrored) gets keys of its own, ``…:stock:m{n}:{product}@{store}``, the first generation not yet applied,
    so every move is mirrored exactly once."""
    base = keys.order_stock_key(order.order_id)
    done: dict[tuple[str, str], int] = defaultdict(int)
    for key, (product, store, delta) in applied_adds.items():
        if key.startswith(f"{base}:"):
            done[(product, store)] += delta
    wanted: dict[tuple[str, str], int] = defaultdict(int)
    for product, store, delta in _order_stock_deltas(order, ctx, links):
        wanted[(product, store)] += delta
    adds = []
    for product, store in sorted(set(wanted) | set(done)):
        delta = wanted[(product, store)] - done[(product, store)]
        if not delta:
            continue
        key = stock_add_key(base, product, store)
        generation = 0
        while key in applied_adds:
            generation += 1
            key = stock_add_key(f"{base}:m{generation}", product, store)
        adds.append(SmaregiStockAdd(key, product, store, delta, memo))
    return tuple(adds)
