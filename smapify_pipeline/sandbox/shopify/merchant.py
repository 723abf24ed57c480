"""What happens at Shopify's storefront checkout or in the merchant's admin, applied straight to the state.

These are the sandbox's test hooks (an online order, a manual stock edit, a product made, edited or deleted
in the admin): they go through the same rules and fire the same webhooks as the API, but without a token,
query cost or faults. Objects are named loosely — locations by gid, numeric id, index or name; variants by
gid or SKU; products by gid, handle or a variant's SKU.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from smapify_pipeline.sandbox.seed import CATEGORIES
from smapify_pipeline.sandbox.shopify.common import SandboxError, user_error
from smapify_pipeline.sandbox.shopify.discounts import CheckoutDiscount
from smapify_pipeline.sandbox.shopify.orders import order_create
from smapify_pipeline.sandbox.shopify.products import (
    apply_product_fields,
    apply_variant_fields,
    new_product,
    product_event,
)
from smapify_pipeline.sandbox.shopify.state import Location, Product, ShopState, Variant, gid, parse_gid

REDUCED_RATE_PRODUCT_TYPES = frozenset(c.product_type for c in CATEGORIES if c.tax_rate == 8)
"""Storefront checkout taxes these at 8% (Japan's reduced rate), everything else at 10%."""


def find_location(state: ShopState, ref: str | int) -> Location:
    """A location by gid, numeric id, index (0, 1, …) or name."""
    if isinstance(ref, int) and ref in state.locations:
        return state.locations[ref]
    if isinstance(ref, int) and 0 <= ref < len(state.locations):
        return list(state.locations.values())[ref]
    if isinstance(ref, str):
        number = parse_gid(ref, "Location")
        if number in state.locations:
            return state.locations[number]  # type: ignore[index]
        found = next((loc for loc in state.locations.values() if loc.name == ref), None)
        if found is not None:
            return found
    raise SandboxError([user_error(["location"], f"Location {ref!r} does not exist")])


def find_variant(state: ShopState, ref: str) -> Variant:
    """A variant by gid or SKU."""
    number = parse_gid(ref, "ProductVariant")
    found = state.variants.get(number) if number is not None else state.variant_by_sku(ref)
    if found is None:
        raise SandboxError([user_error(["variant"], f"Variant {ref!r} does not exist")])
    return found


def find_product(state: ShopState, ref: str) -> Product:
    """A product by gid, handle, or the SKU of one of its variants."""
    number = parse_gid(ref, "Product")
    found = state.products.get(number) if number is not None else None
    found = found or next((p for p in state.products.values() if p.handle == ref), None)
    if found is None:
        variant = state.variant_by_sku(ref)
        found = state.products[variant.product_id] if variant else None
    if found is None:
        raise SandboxError([user_error(["product"], f"Product {ref!r} does not exist")])
    return found


def storefront_sale(
    state: ShopState,
    lines: list[tuple[str, int]],
    location: str | int | None = None,
    shipping: int | Decimal | None = None,
    fulfilled: bool = False,
    email: str | None = "buyer@example.com",
    discounts: list[CheckoutDiscount] | None = None,
) -> str:
    """An online order as checkout makes it (paid, stock claimed, orders/create fired); returns its gid.

    ``lines`` are (SKU or variant gid, quantity). Taxes are included in the prices, 8% for food and drink
    and 10% otherwise (shipping 10%), taken on the amounts after ``discounts`` (codes typed at checkout and
    automatic discounts, :mod:`.discounts`; a LINES discount's ``entitled`` names SKUs or variant gids);
    ``location`` forces where stock is claimed (default: order routing).
    """
    line_inputs = []
    for ref, quantity in lines:
        variant = find_variant(state, ref)
        product_type = state.products[variant.product_id].product_type
        rate = "0.08" if product_type in REDUCED_RATE_PRODUCT_TYPES else "0.1"
        line_inputs.append(
            {
                "variantId": gid("ProductVariant", variant.id),
                "quantity": quantity,
                "taxLines": [{"title": "消費税", "rate": rate}],
            }
        )
    order: dict[str, Any] = {
        "lineItems": line_inputs,
        "sourceName": "web",
        "financialStatus": "PAID",
        "email": email,
        "currency": state.shop.currency,
        "taxesIncluded": True,
    }
    if shipping:
        order["shippingLines"] = [
            {
                "title": "通常配送",
                "code": "standard",
                "priceSet": {"shopMoney": {"amount": str(shipping), "currencyCode": state.shop.currency}},
                "taxLines": [{"title": "消費税", "rate": "0.1"}],
            }
        ]
    where = find_location(state, location) if location is not None else None
    if fulfilled:
        order["fulfillment"] = {"locationId": gid("Location", (where or find_location(state, 0)).id)}
    with state.action() as action:
        result = order_create(
            state,
            action,
            order,
            {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"},
            claim_location=where.id if where else None,
            checkout_discounts=[_entitled_by_id(state, d) for d in discounts or []],
        )
    if result["userErrors"]:
        raise SandboxError(result["userErrors"])
    return result["order"].id  # type: ignore[no-any-return]


def _entitled_by_id(state: ShopState, discount: CheckoutDiscount) -> CheckoutDiscount:
    """The discount with its entitled variants (SKUs or gids as given) as variant ids."""
    refs = [str(ref) for ref in discount.entitled]
    return replace(discount, entitled=tuple(find_variant(state, ref).id for ref in refs))


def manual_stock_edit(state: ShopState, sku: str, location: str | int, available: int) -> int:
    """The merchant types a new ``available`` count in the admin; returns the previous count."""
    variant = find_variant(state, sku)
    where = find_location(state, location)
    with state.action() as action:
        level = state.activate(variant.inventory_item_id, where.id)
        before = level.quantities["available"]
        state.change_quantity(action, level, "available", available - before)
    return before


def admin_product_edit(state: ShopState, ref: str, **changes: Any) -> None:
    """Edit a product as in the admin: ``title``, ``status``, ``tags``, ``descriptionHtml``,
    ``productType``, ``vendor`` on the product; ``price``, ``compareAtPrice``, ``barcode`` on the variant
    named by ``ref`` when it is a SKU or variant gid (else on every variant)."""
    product = find_product(state, ref)
    variant_fields: dict[str, Any] = {
        k: changes.pop(k) for k in ("price", "compareAtPrice", "barcode") if k in changes
    }
    unknown = set(changes) - {
        "title",
        "status",
        "tags",
        "descriptionHtml",
        "productType",
        "vendor",
        "handle",
    }
    if unknown:
        raise SandboxError(
            [user_error([sorted(unknown)[0]], f"Unknown product field {sorted(unknown)[0]!r}")]
        )
    targets = state.product_variants(product)
    if ref.startswith("gid://shopify/ProductVariant/") or state.variant_by_sku(ref) is not None:
        targets = [find_variant(state, ref)]
    with state.action() as action:
        apply_product_fields(state, product, changes)
        if variant_fields:
            for variant in targets:
                apply_variant_fields(state, variant, variant_fields)
        product_event(state, action, "products/update", product)


def admin_product_create(
    state: ShopState,
    title: str,
    sku: str,
    price: int | Decimal,
    stock: dict[str | int, int] | None = None,
    **fields: Any,
) -> str:
    """A one-variant product made in the admin (``stock`` by location ref); returns the product gid."""
    with state.action() as action:
        product = new_product(state, title, fields)
        variant = state.add_variant(product, Decimal(price), sku, barcode=fields.get("barcode", sku))
        for ref, quantity in (stock or {}).items():
            level = state.activate(variant.inventory_item_id, find_location(state, ref).id)
            state.change_quantity(action, level, "available", quantity)
        product_event(state, action, "products/create", product)
    return gid("Product", product.id)


def admin_product_delete(state: ShopState, ref: str) -> str:
    product = find_product(state, ref)
    with state.action() as action:
        state.remove_product(product)
        action.emit("products/delete", lambda: {"id": product.id})
    return gid("Product", product.id)
