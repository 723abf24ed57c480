"""The starting point of every sync case: product X linked, one location pair S ↔ L, stock 10 both sides."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    ShopifyOrderLine,
    SmaregiLine,
    SmaregiTransaction,
    SyncContext,
    VariantLink,
)

JST = timezone(timedelta(hours=9))
CONTRACT = "sb_skp380c6"
STORE_S = "1"
LOCATION_L = "gid://shopify/Location/101"
STORE_S2 = "2"
LOCATION_L2 = "gid://shopify/Location/102"
X_CODE = "4901234567894"
X_PRODUCT = "8000001"
X_VARIANT = "gid://shopify/ProductVariant/201"
X_ITEM = "gid://shopify/InventoryItem/301"
FOOD_CODE = "4901234567900"
FOOD_PRODUCT = "8000002"
FOOD_VARIANT = "gid://shopify/ProductVariant/202"
FOOD_ITEM = "gid://shopify/InventoryItem/302"
AT = datetime(2026, 9, 1, 14, 30, tzinfo=JST)

CTX = SyncContext(contract_id=CONTRACT, location_pairs=((STORE_S, LOCATION_L),), online_store_id=STORE_S)
TWO_PAIRS = SyncContext(
    contract_id=CONTRACT,
    location_pairs=((STORE_S, LOCATION_L), (STORE_S2, LOCATION_L2)),
    online_store_id=STORE_S,
)
LINKS = Links.of(
    [
        VariantLink(X_PRODUCT, X_CODE, X_VARIANT, X_ITEM),
        VariantLink(FOOD_PRODUCT, FOOD_CODE, FOOD_VARIANT, FOOD_ITEM),
    ]
)


def x_line(quantity: int, detail_id: str = "1", price: int = 1_100) -> SmaregiLine:
    division = "2" if quantity < 0 else "1"
    return SmaregiLine(
        detail_id, X_PRODUCT, X_CODE, "定番Tシャツ", price, quantity, 10, detail_division=division
    )


def sale(
    *lines: SmaregiLine,
    head_id: str = "25",
    store: str = STORE_S,
    total: int | None = None,
    tax_include: int | None = None,
    **head: object,
) -> SmaregiTransaction:
    goods = sum(line.net_unit_price * line.quantity for line in lines)
    return SmaregiTransaction(
        transaction_head_id=head_id,
        store_id=store,
        terminal_tran_date_time=AT,
        lines=tuple(lines),
        subtotal=goods,
        total=goods if total is None else total,
        tax_include=tax_include,
        **head,  # type: ignore[arg-type]
    )


def order_line(
    quantity: int, line_id: str = "gid://shopify/LineItem/401", **extra: object
) -> ShopifyOrderLine:
    values: dict[str, object] = {
        "line_item_id": line_id,
        "variant_id": X_VARIANT,
        "sku": X_CODE,
        "title": "定番Tシャツ",
        "quantity": quantity,
        "unit_price": 1_100,
        "discounted_total": 1_100 * quantity,
        "tax_rate": 10,
    }
    values.update(extra)
    return ShopifyOrderLine(**values)  # type: ignore[arg-type]


def online_order(
    *lines: ShopifyOrderLine, order_id: str = "gid://shopify/Order/5001", **extra: object
) -> ShopifyOrder:
    return ShopifyOrder(order_id=order_id, processed_at=AT, lines=tuple(lines), **extra)  # type: ignore[arg-type]
