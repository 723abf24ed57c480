"""Webhook bodies: the REST resource of each topic (snake_case keys, numeric ids, ``admin_graphql_api_id``).

Times are ISO 8601 in the shop's time zone (``2026-08-01T19:00:00+09:00``), tags a comma-separated string,
enums lower-case, money strings with two decimals (see :mod:`.choices`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.state import (
    DiscountAllocation,
    DiscountApplication,
    InventoryLevel,
    LineItem,
    Order,
    Product,
    Refund,
    ShopState,
    TaxLine,
    gid,
)
from smapify_pipeline.sandbox.shopify.totals import fulfillment_status, order_totals


def _time(state: ShopState, moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(state.shop.iana_timezone)).isoformat()


def _money(amount: Decimal | None) -> str | None:
    if amount is None:
        return None
    return f"{amount:.{choices.REST_MONEY_DECIMALS}f}"


def _money_set(amount: Decimal, currency: str) -> dict[str, Any]:
    money = {"amount": _money(amount), "currency_code": currency}
    return {"shop_money": money, "presentment_money": money}


def _tax_lines(lines: list[TaxLine], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "title": t.title,
            "price": _money(t.amount),
            "rate": float(t.rate),
            "channel_liable": t.channel_liable,
            "price_set": _money_set(t.amount, currency),
        }
        for t in lines
    ]


def product_payload(state: ShopState, product: Product) -> dict[str, Any]:
    variants = []
    for variant in state.product_variants(product):
        item = state.items[variant.inventory_item_id]
        values = [value for _, value in variant.option_values] or ["Default Title"]
        available = sum(level.quantities["available"] for level in state.item_levels(item.id))
        variants.append(
            {
                "id": variant.id,
                "product_id": product.id,
                "title": variant.title,
                "price": _money(variant.price),
                "position": variant.position,
                "inventory_policy": variant.inventory_policy.lower(),
                "compare_at_price": _money(variant.compare_at_price),
                "option1": values[0] if len(values) > 0 else None,
                "option2": values[1] if len(values) > 1 else None,
                "option3": values[2] if len(values) > 2 else None,
                "created_at": _time(state, variant.created_at),
                "updated_at": _time(state, variant.updated_at),
                "taxable": variant.taxable,
                "barcode": variant.barcode,
                "sku": item.sku,
                "inventory_item_id": item.id,
                "inventory_quantity": available,
                "old_inventory_quantity": available,
                "admin_graphql_api_id": gid("ProductVariant", variant.id),
            }
        )
    options = [
        {
            "id": o.id,
            "product_id": product.id,
            "name": o.name,
            "position": o.position,
            "values": [v.name for v in o.values],
        }
        for o in product.options
    ] or [
        {
            "id": product.id,
            "product_id": product.id,
            "name": "Title",
            "position": 1,
            "values": ["Default Title"],
        }
    ]
    return {
        "id": product.id,
        "title": product.title,
        "body_html": product.description_html,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "created_at": _time(state, product.created_at),
        "handle": product.handle,
        "updated_at": _time(state, product.updated_at),
        "published_at": _time(state, product.published_at),
        "template_suffix": None,
        "published_scope": "web",
        "tags": ", ".join(sorted(product.tags)),
        "status": product.status.lower(),
        "admin_graphql_api_id": gid("Product", product.id),
        "variants": variants,
        "options": options,
        "images": [],
        "image": None,
    }


def inventory_level_payload(state: ShopState, level: InventoryLevel) -> dict[str, Any]:
    return {
        "inventory_item_id": level.item_id,
        "location_id": level.location_id,
        "available": level.quantities["available"],
        "updated_at": _time(state, level.updated_at),
        "admin_graphql_api_id": f"gid://shopify/InventoryLevel/{level.location_id}?inventory_item_id={level.item_id}",
    }


def _line_item(state: ShopState, order: Order, line: LineItem) -> dict[str, Any]:
    remaining = line.quantity - line.refunded_quantity
    return {
        "id": line.id,
        "admin_graphql_api_id": gid("LineItem", line.id),
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "title": line.title,
        "variant_title": line.variant_title,
        "name": f"{line.title} - {line.variant_title}" if line.variant_title else line.title,
        "sku": line.sku,
        "vendor": line.vendor,
        "quantity": line.quantity,
        "current_quantity": remaining,
        "fulfillable_quantity": max(0, remaining - line.fulfilled_quantity),
        "fulfillment_status": "fulfilled" if line.fulfilled_quantity >= line.quantity else None,
        "price": _money(line.unit_price),
        "price_set": _money_set(line.unit_price, order.currency),
        "total_discount": _money(line.discount),
        "total_discount_set": _money_set(line.discount, order.currency),
        "discount_allocations": _allocations(line.discount_allocations, order.currency),
        "taxable": line.taxable,
        "requires_shipping": line.requires_shipping,
        "gift_card": False,
        "tax_lines": _tax_lines(line.tax_lines, order.currency),
    }


def _allocations(allocations: list[DiscountAllocation], currency: str) -> list[dict[str, Any]]:
    return [
        {
            "amount": _money(a.amount),
            "amount_set": _money_set(a.amount, currency),
            "discount_application_index": a.index,
        }
        for a in allocations
    ]


def _discount_application(application: DiscountApplication, currency: str) -> dict[str, Any]:
    percentage = application.percentage is not None
    shown: dict[str, Any] = {
        "type": {"CODE": "discount_code", "AUTOMATIC": "automatic", "MANUAL": "manual"}[application.kind],
        "value": f"{application.percentage:.1f}" if percentage else _money(application.amount),
        "value_type": "percentage" if percentage else "fixed_amount",
        "allocation_method": application.allocation_method.lower(),
        "target_selection": application.target_selection.lower(),
        "target_type": application.target_type.lower(),
    }
    if application.kind == "CODE":
        shown["code"] = application.code
    else:
        shown["title"] = application.code
        shown["description"] = application.code
    return shown


def order_payload(state: ShopState, order: Order) -> dict[str, Any]:
    original = order_totals(order)
    current = order_totals(order, current=True)
    status = fulfillment_status(order)
    discounts = sum((_applied(order, a.index) for a in order.discount_applications), Decimal(0))
    return {
        "id": order.id,
        "admin_graphql_api_id": gid("Order", order.id),
        "name": order.name,
        "order_number": order.number,
        "number": order.number - 1000,
        "email": order.email,
        "note": order.note,
        "created_at": _time(state, order.created_at),
        "updated_at": _time(state, order.updated_at),
        "processed_at": _time(state, order.processed_at),
        "cancelled_at": _time(state, order.cancelled_at),
        "cancel_reason": order.cancel_reason.lower() if order.cancel_reason else None,
        "closed_at": _time(state, order.closed_at),
        "currency": order.currency,
        "presentment_currency": order.currency,
        "financial_status": order.financial_status.lower(),
        "fulfillment_status": {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}.get(status),
        "source_name": order.source_name,
        "source_identifier": order.source_identifier,
        "tags": ", ".join(sorted(order.tags)),
        "taxes_included": order.taxes_included,
        "test": order.test,
        "total_line_items_price": _money(original.subtotal),
        "subtotal_price": _money(original.subtotal),
        "total_price": _money(original.total),
        "total_tax": _money(original.tax),
        "total_discounts": _money(discounts),
        "total_discounts_set": _money_set(discounts, order.currency),
        "discount_applications": [
            _discount_application(a, order.currency) for a in order.discount_applications
        ],
        "discount_codes": [
            {
                "code": a.code,
                "amount": _money(_applied(order, a.index)),
                "type": "percentage" if a.percentage is not None else "fixed_amount",
            }
            for a in order.discount_applications
            if a.kind == "CODE"
        ],
        "current_subtotal_price": _money(current.subtotal),
        "current_total_price": _money(current.total),
        "current_total_tax": _money(current.tax),
        "subtotal_price_set": _money_set(original.subtotal, order.currency),
        "total_price_set": _money_set(original.total, order.currency),
        "total_tax_set": _money_set(original.tax, order.currency),
        "total_shipping_price_set": _money_set(original.shipping, order.currency),
        "tax_lines": _tax_lines(order.tax_lines, order.currency),
        "line_items": [_line_item(state, order, li) for li in order.line_items],
        "shipping_lines": [
            {
                "id": s.id,
                "title": s.title,
                "code": s.code,
                "source": s.source,
                "price": _money(s.price),
                "price_set": _money_set(s.price, order.currency),
                "discounted_price": _money(s.discounted_price),
                "discounted_price_set": _money_set(s.discounted_price, order.currency),
                "discount_allocations": _allocations(s.discount_allocations, order.currency),
                "tax_lines": _tax_lines(s.tax_lines, order.currency),
            }
            for s in order.shipping_lines
        ],
        "refunds": [refund_payload(state, state.refunds[r]) for r in order.refund_ids],
    }


def _applied(order: Order, index: int) -> Decimal:
    """Everything discount application ``index`` took off the order's lines and shipping."""
    allocations = [a for li in order.line_items for a in li.discount_allocations] + [
        a for s in order.shipping_lines for a in s.discount_allocations
    ]
    return sum((a.amount for a in allocations if a.index == index), Decimal(0))


def refund_payload(state: ShopState, refund: Refund) -> dict[str, Any]:
    order = state.orders[refund.order_id]
    lines = {li.id: li for li in order.line_items}
    return {
        "id": refund.id,
        "admin_graphql_api_id": gid("Refund", refund.id),
        "order_id": order.id,
        "created_at": _time(state, refund.created_at),
        "processed_at": _time(state, refund.created_at),
        "note": refund.note,
        "user_id": None,
        "restock": any(line.restocked for line in refund.lines),
        "duties": [],
        "return": None,
        "refund_line_items": [
            {
                "id": line.id,
                "line_item_id": line.line_item_id,
                "location_id": line.location_id,
                "quantity": line.quantity,
                "restock_type": line.restock_type.lower(),
                "subtotal": _money(line.subtotal),
                "subtotal_set": _money_set(line.subtotal, order.currency),
                "total_tax": _money(line.total_tax),
                "total_tax_set": _money_set(line.total_tax, order.currency),
                "line_item": _line_item(state, order, lines[line.line_item_id]),
            }
            for line in refund.lines
        ],
        "transactions": [
            {
                "id": tx.id,
                "admin_graphql_api_id": gid("OrderTransaction", tx.id),
                "order_id": order.id,
                "kind": tx.kind.lower(),
                "gateway": tx.gateway,
                "status": tx.status.lower(),
                "amount": _money(tx.amount),
                "currency": order.currency,
                "parent_id": tx.parent_id,
                "processed_at": _time(state, tx.processed_at),
                "created_at": _time(state, tx.created_at),
                "test": tx.test,
            }
            for tx in (state.transactions[t] for t in refund.transaction_ids)
        ],
        "order_adjustments": _order_adjustments(refund, order.currency),
    }


def _order_adjustments(refund: Refund, currency: str) -> list[dict[str, Any]]:
    """Refunded shipping and discrepancies as the REST resource shows them (money given back negative)."""
    kinds = choices.REST_ORDER_ADJUSTMENT_KINDS
    rows = [
        (part.id, -part.amount, -part.tax, kinds["shipping"], "Shipping refund") for part in refund.shipping
    ] + [
        (adj.id, adj.amount, adj.tax, kinds["discrepancy"], "Refund discrepancy")
        for adj in refund.adjustments
    ]
    return [
        {
            "id": number,
            "order_id": refund.order_id,
            "refund_id": refund.id,
            "amount": _money(amount),
            "tax_amount": _money(tax),
            "kind": kind,
            "reason": reason,
            "amount_set": _money_set(amount, currency),
            "tax_amount_set": _money_set(tax, currency),
        }
        for number, amount, tax, kind, reason in rows
    ]


def shop_payload(state: ShopState) -> dict[str, Any]:
    """The legacy REST ``shop.json`` resource."""
    shop = state.shop
    first_location = next(iter(state.locations), None)
    return {
        "id": shop.id,
        "name": shop.name,
        "email": shop.email,
        "customer_email": shop.email,
        "shop_owner": "Smapify Demo",
        "domain": shop.domain,
        "myshopify_domain": shop.domain,
        "primary_location_id": first_location,
        "currency": shop.currency,
        "enabled_presentment_currencies": [shop.currency],
        "money_format": "¥{{amount_no_decimals}}",
        "money_with_currency_format": "¥{{amount_no_decimals}} JPY",
        "timezone": "(GMT+09:00) Asia/Tokyo" if shop.iana_timezone == "Asia/Tokyo" else shop.iana_timezone,
        "iana_timezone": shop.iana_timezone,
        "primary_locale": "ja",
        "weight_unit": "kg",
        "taxes_included": shop.taxes_included,
        "tax_shipping": True,
        "plan_name": "basic",
        "plan_display_name": "Basic",
        "country": "JP",
        "country_code": "JP",
        "country_name": "Japan",
        "multi_location_enabled": True,
        "has_storefront": True,
        "password_enabled": False,
        "setup_required": False,
        "created_at": _time(state, shop.created_at),
        "updated_at": _time(state, shop.created_at),
    }
