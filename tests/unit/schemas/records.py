"""Small realistic API records, shaped as the references describe them (Admin GraphQL nodes, Smaregi strings)."""

from __future__ import annotations

import copy
from typing import Any

SHOP_LOCATION = "gid://shopify/Location/70001"
ONLINE_LOCATION = "gid://shopify/Location/70002"


def money_bag(amount: str, currency: str = "JPY") -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": currency}}


def shopify_variant(
    number: int, sku: str, size: str, color: str, price: str = "2980.00", **changes: Any
) -> dict[str, Any]:
    variant = {
        "id": f"gid://shopify/ProductVariant/{number}",
        "title": f"{size} / {color}",
        "position": 1,
        "sku": sku,
        "barcode": sku,
        "price": price,
        "compareAtPrice": None,
        "taxable": True,
        "inventoryPolicy": "DENY",
        "selectedOptions": [{"name": "サイズ", "value": size}, {"name": "カラー", "value": color}],
        "inventoryItem": {
            "id": f"gid://shopify/InventoryItem/{number + 100000}",
            "tracked": True,
            "unitCost": {"amount": "1200.0", "currencyCode": "JPY"},
            "inventoryLevels": {
                "nodes": [
                    {
                        "id": f"gid://shopify/InventoryLevel/{number + 200000}?inventory_item_id={number + 100000}",
                        "location": {"id": SHOP_LOCATION},
                        "quantities": [
                            {"name": "available", "quantity": 7},
                            {"name": "on_hand", "quantity": 8},
                            {"name": "committed", "quantity": 1},
                        ],
                        "updatedAt": "2026-03-01T09:00:00Z",
                    }
                ]
            },
        },
        "createdAt": "2026-01-10T01:00:00Z",
        "updatedAt": "2026-03-01T09:00:00Z",
    }
    variant.update(changes)
    return variant


def shopify_product(**changes: Any) -> dict[str, Any]:
    """A T-shirt with two variants, as ``products(first:) { nodes { … variants { nodes { … } } } }`` returns it."""
    product = {
        "id": "gid://shopify/Product/8101",
        "title": "オーガニックコットンTシャツ",
        "handle": "organic-cotton-tee",
        "descriptionHtml": "<p>肌ざわりの良いオーガニックコットン100%。</p>",
        "productType": "トップス",
        "vendor": "渋谷セレクト",
        "status": "ACTIVE",
        "tags": ["春夏", "コットン"],
        "createdAt": "2026-01-10T01:00:00Z",
        "updatedAt": "2026-03-01T09:00:00Z",
        "variants": {
            "nodes": [
                shopify_variant(9101, "4901234567894", "M", "ホワイト"),
                shopify_variant(9102, "4901234567900", "L", "ネイビー", price="3280"),
            ]
        },
    }
    product.update(changes)
    return product


def as_bulk_rows(product: dict[str, Any]) -> list[dict[str, Any]]:
    """The same product as bulk-operation JSONL rows: children on their own lines with ``__parentId``."""
    product = copy.deepcopy(product)
    variants = product.pop("variants")["nodes"]
    rows = [product]
    for variant in variants:
        levels = variant["inventoryItem"].pop("inventoryLevels")["nodes"]
        rows.append({**variant, "__parentId": product["id"]})
        rows.extend({**level, "__parentId": variant["id"]} for level in levels)
    return rows


def shopify_fulfillment_order(**changes: Any) -> dict[str, Any]:
    """The fulfilment order of :func:`shopify_order`, assigned to the shop's location, both lines fulfilled."""
    return {
        "id": "gid://shopify/FulfillmentOrder/3301",
        "orderId": "gid://shopify/Order/5501",
        "status": "CLOSED",
        "updatedAt": "2026-03-02T04:00:00Z",
        "assignedLocation": {"location": {"id": SHOP_LOCATION}},
        "lineItems": {
            "edges": [
                {
                    "node": {
                        "id": f"gid://shopify/FulfillmentOrderLineItem/{3400 + n}",
                        "totalQuantity": 1,
                        "remainingQuantity": 0,
                        "lineItem": {"id": f"gid://shopify/LineItem/{6600 + n}"},
                    }
                }
                for n in (1, 2)
            ]
        },
        **changes,
    }


def shopify_order(**changes: Any) -> dict[str, Any]:
    """An online order for one T-shirt and one bag of tea (8% reduced rate), partly refunded."""
    order = {
        "id": "gid://shopify/Order/5501",
        "name": "#1001",
        "createdAt": "2026-03-02T03:15:00Z",
        "updatedAt": "2026-03-03T05:00:00Z",
        "processedAt": "2026-03-02T03:15:00Z",
        "cancelledAt": None,
        "displayFinancialStatus": "PARTIALLY_REFUNDED",
        "displayFulfillmentStatus": "FULFILLED",
        "sourceName": "web",
        "sourceIdentifier": None,
        "tags": ["オンライン"],
        "currencyCode": "JPY",
        "taxesIncluded": True,
        "test": False,
        "subtotalPriceSet": money_bag("4060.0"),
        "totalShippingPriceSet": money_bag("550.0"),
        "totalDiscountsSet": money_bag("0.0"),
        "totalTaxSet": money_bag("351.0"),
        "totalPriceSet": money_bag("4610.0"),
        "taxLines": [
            {"title": "消費税", "rate": 0.1, "ratePercentage": 10.0, "priceSet": money_bag("271.0")},
            {"title": "消費税(軽減)", "rate": 0.08, "ratePercentage": 8.0, "priceSet": money_bag("80.0")},
        ],
        "lineItems": {
            "edges": [
                {
                    "node": {
                        "id": "gid://shopify/LineItem/6601",
                        "sku": "4901234567894",
                        "title": "オーガニックコットンTシャツ",
                        "variantTitle": "M / ホワイト",
                        "quantity": 1,
                        "currentQuantity": 0,
                        "variant": {"id": "gid://shopify/ProductVariant/9101"},
                        "product": {"id": "gid://shopify/Product/8101"},
                        "originalUnitPriceSet": money_bag("2980.0"),
                        "totalDiscountSet": money_bag("0.0"),
                        "taxable": True,
                        "taxLines": [
                            {"title": "消費税", "ratePercentage": 10.0, "priceSet": money_bag("271.0")}
                        ],
                    }
                },
                {
                    "node": {
                        "id": "gid://shopify/LineItem/6602",
                        "sku": "4987654321098",
                        "title": "静岡煎茶 100g",
                        "variantTitle": None,
                        "quantity": 1,
                        "currentQuantity": 1,
                        "variant": {"id": "gid://shopify/ProductVariant/9201"},
                        "product": {"id": "gid://shopify/Product/8201"},
                        "originalUnitPriceSet": money_bag("1080.0"),
                        "totalDiscountSet": money_bag("0.0"),
                        "taxable": True,
                        "taxLines": [{"title": "消費税(軽減)", "rate": 0.08, "priceSet": money_bag("80.0")}],
                    }
                },
            ]
        },
        "shippingLines": {
            "edges": [
                {
                    "node": {
                        "id": "gid://shopify/ShippingLine/4401",
                        "title": "通常配送",
                        "originalPriceSet": money_bag("550.0"),
                        "discountedPriceSet": money_bag("550.0"),
                        "taxLines": [{"title": "消費税", "rate": 0.1, "priceSet": money_bag("50.0")}],
                    }
                }
            ]
        },
        "refunds": [
            {
                "id": "gid://shopify/Refund/7701",
                "createdAt": "2026-03-03T05:00:00Z",
                "updatedAt": "2026-03-03T05:00:00Z",
                "note": "サイズ交換のため返品",
                "totalRefundedSet": money_bag("2980.0"),
                "refundLineItems": {
                    "nodes": [
                        {
                            "lineItem": {"id": "gid://shopify/LineItem/6601", "sku": "4901234567894"},
                            "quantity": 1,
                            "restockType": "RETURN",
                            "restocked": True,
                            "location": {"id": SHOP_LOCATION},
                            "priceSet": money_bag("2980.0"),
                            "subtotalSet": money_bag("2980.0"),
                            "totalTaxSet": money_bag("271.0"),
                        }
                    ]
                },
            }
        ],
    }
    order.update(changes)
    return order


def smaregi_product(
    product_id: str = "8000001", code: str = "4901234567894", **changes: Any
) -> dict[str, Any]:
    product = {
        "productId": product_id,
        "categoryId": "1",
        "productCode": code,
        "productName": "オーガニックコットンTシャツ",
        "productKana": "オーガニックコットンティーシャツ",
        "taxDivision": "0",
        "productPriceDivision": "1",
        "price": "2980",
        "customerPrice": None,
        "cost": "1200.00000",
        "description": "肌ざわりの良いオーガニックコットン100%。",
        "size": "M",
        "color": "ホワイト",
        "tag": None,
        "groupCode": "G-8101",
        "supplierProductNo": None,
        "displayFlag": "1",
        "division": "0",
        "salesDivision": "0",
        "stockControlDivision": "0",
        "displaySequence": "1",
        "insDateTime": "2026-01-10T10:00:00+09:00",
        "updDateTime": "2026-03-01T18:00:00+09:00",
    }
    product.update(changes)
    return product


def smaregi_transaction(head_id: str = "1001", **changes: Any) -> dict[str, Any]:
    """A cash sale at 渋谷本店: one T-shirt (10%) and one tea (8%), tax-included, with embedded details."""
    transaction = {
        "transactionHeadId": head_id,
        "transactionDateTime": "2026-03-02T12:34:56+09:00",
        "transactionHeadDivision": "1",
        "cancelDivision": "0",
        "disposeDivision": "0",
        "disposeServerTransactionHeadId": None,
        "returnSales": "0",
        "storeId": "1",
        "terminalId": "1",
        "terminalTranId": "204",
        "terminalTranDateTime": "2026-03-02T12:34:50+09:00",
        "transactionUuid": "1000120260302000204",
        "customerCode": None,
        "subtotal": "4060",
        "subtotalDiscountPrice": "0",
        "pointDiscount": "0",
        "couponDiscount": "0",
        "carriage": "0",
        "commission": "0",
        "taxInclude": "350",
        "taxExclude": "0",
        "total": "4060",
        "amount": "2",
        "returnAmount": "0",
        "costTotal": "1700.00000",
        "taxRate": "10",
        "memo": None,
        "tags": None,
        "sumDate": "2026-03-02",
        "cancelDateTime": None,
        "updDateTime": "2026-03-02T12:35:00+09:00",
        "details": [
            {
                "transactionDetailId": "1",
                "parentTransactionDetailId": None,
                "transactionDetailDivision": "1",
                "productId": "8000001",
                "productCode": "4901234567894",
                "productName": "オーガニックコットンTシャツ",
                "categoryId": "1",
                "groupCode": "G-8101",
                "size": "M",
                "color": "ホワイト",
                "taxDivision": "0",
                "salesDivision": "0",
                "price": "2980",
                "salesPrice": "2980",
                "unitDiscountPrice": "0",
                "quantity": "1",
                "unitDiscountedSum": "2980",
                "cost": "1200.00000",
                "taxRate": "10",
            },
            {
                "transactionDetailId": "2",
                "parentTransactionDetailId": None,
                "transactionDetailDivision": "1",
                "productId": "8000010",
                "productCode": "4987654321098",
                "productName": "静岡煎茶 100g",
                "categoryId": "5",
                "groupCode": "G-8201",
                "size": None,
                "color": None,
                "taxDivision": "0",
                "salesDivision": "0",
                "price": "1080",
                "salesPrice": "1080",
                "unitDiscountPrice": "0",
                "quantity": "1",
                "unitDiscountedSum": "1080",
                "cost": "500.00000",
                "taxRate": "8",
            },
        ],
    }
    transaction.update(changes)
    return transaction
