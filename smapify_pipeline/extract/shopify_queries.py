"""The GraphQL documents the extract reads Shopify with (Admin API 2026-10 names).

Catalogue, inventory and order reads are bulk queries (``edges { node }``, one top-level connection, no
connection inside a list), filtered by ``updated_at`` when incremental; locations, deletion events and single
refunds are small paged or single reads.
"""

MONEY = "{ shopMoney { amount currencyCode } }"
TAX_LINES = f"taxLines {{ rate ratePercentage title priceSet {MONEY} }}"
PRODUCT_FIELDS = "id title handle status tags productType vendor descriptionHtml createdAt updatedAt"
VARIANT_FIELDS = (
    "id title sku barcode price compareAtPrice taxable inventoryPolicy createdAt updatedAt"
    " selectedOptions { name value } product { id }"
    " inventoryItem { id tracked unitCost { amount currencyCode } }"
)
ORDER_FIELDS = (
    "id name createdAt updatedAt processedAt cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus"
    " sourceName sourceIdentifier tags currencyCode taxesIncluded test"
    f" subtotalPriceSet {MONEY} totalShippingPriceSet {MONEY} totalDiscountsSet {MONEY}"
    f" totalTaxSet {MONEY} totalPriceSet {MONEY} {TAX_LINES}"
)
DISCOUNT_ALLOCATIONS = (
    f"discountAllocations {{ allocatedAmountSet {MONEY} discountApplication {{ index allocationMethod }} }}"
)
LINE_ITEM_FIELDS = (
    "id sku title variantTitle quantity currentQuantity taxable variant { id }"
    f" originalUnitPriceSet {MONEY} totalDiscountSet {MONEY} {DISCOUNT_ALLOCATIONS} {TAX_LINES}"
)
SHIPPING_LINE_FIELDS = f"id title originalPriceSet {MONEY} discountedPriceSet {MONEY} {TAX_LINES}"
FULFILLMENT_ORDER_FIELDS = "id orderId status updatedAt assignedLocation { location { id } }"
FULFILLMENT_ORDER_LINE_FIELDS = "id totalQuantity remainingQuantity lineItem { id }"
REFUND_FIELDS = f"id note createdAt updatedAt order {{ id }} totalRefundedSet {MONEY}"
REFUND_LINE_FIELDS = (
    "id quantity restockType restocked location { id } lineItem { id sku }"
    f" priceSet {MONEY} subtotalSet {MONEY} totalTaxSet {MONEY}"
)
REFUND_MONEY_CONNECTIONS = (
    f"refundShippingLines(first: 5) {{ nodes {{ id subtotalAmountSet {MONEY} }} }}"
    f" orderAdjustments(first: 5) {{ nodes {{ id reason amountSet {MONEY} }} }}"
    f" transactions(first: 5) {{ nodes {{ id kind status amountSet {MONEY} }} }}"
)
"""The money a refund gave back: its shipping, its order adjustments and its transactions (read with the
refund; the normaliser sums them into ``raw.shopify_refunds``)."""
INVENTORY_LEVEL_FIELDS = (
    'id updatedAt item { id } location { id } quantities(names: ["available", "on_hand"]) { name quantity }'
)


DELETED_PRODUCTS = """
query SmapifyDeletedProducts($first: Int!, $after: String, $query: String) {
  deletionEvents(first: $first, after: $after, query: $query, subjectTypes: [PRODUCT]) {
    pageInfo { hasNextPage endCursor }
    nodes { subjectId subjectType occurredAt }
  }
}
"""

LOCATIONS = """
query SmapifyLocations($first: Int!, $after: String) {
  locations(first: $first, after: $after, includeInactive: true) {
    pageInfo { hasNextPage endCursor }
    nodes { id name isActive fulfillsOnlineOrders createdAt updatedAt }
  }
}
"""


REFUND = f"""
query SmapifyRefund($id: ID!) {{
  refund(id: $id) {{
    {REFUND_FIELDS}
    refundLineItems(first: 100) {{ nodes {{ {REFUND_LINE_FIELDS} }} }}
    {REFUND_MONEY_CONNECTIONS}
  }}
}}
"""


def bulk_products(search: str | None = None) -> str:
    """Every product with its variants (one JSONL line each, variants carrying ``__parentId``)."""
    return f"""
{{
  products{_arguments(search)} {{
    edges {{ node {{ {PRODUCT_FIELDS}
      variants {{ edges {{ node {{ {VARIANT_FIELDS} }} }} }}
    }} }}
  }}
}}
"""


def bulk_inventory(search: str | None = None) -> str:
    """The inventory levels of every location (those changed since ``search`` says)."""
    return f"""
{{
  locations(includeInactive: true) {{
    edges {{ node {{ id
      inventoryLevels{_arguments(search)} {{ edges {{ node {{ {INVENTORY_LEVEL_FIELDS} }} }} }}
    }} }}
  }}
}}
"""


def bulk_orders(search: str | None = None) -> str:
    """Orders with their line items (and their discount allocations), shipping lines and the ids of their
    refunds.

    Bulk queries allow at most 5 connections, nested at most 2 deep (the top-level one counts), and no
    connection inside a list: ``Order.refunds`` is a list, so refund lines are read per refund with
    :data:`REFUND`, and ``Order.fulfillmentOrders { lineItems }`` would be 3 deep, so where the units are is
    read by :func:`bulk_fulfillment_orders`.
    """
    return f"""
{{
  orders{_arguments(search)} {{
    edges {{ node {{ {ORDER_FIELDS}
      lineItems {{ edges {{ node {{ {LINE_ITEM_FIELDS} }} }} }}
      shippingLines {{ edges {{ node {{ {SHIPPING_LINE_FIELDS} }} }} }}
      refunds {{ id updatedAt }}
    }} }}
  }}
}}
"""


def bulk_fulfillment_orders(search: str | None = None) -> str:
    """Every fulfilment order (closed ones too) with its lines: where each order line's units are assigned.

    The top-level connection keeps the lines 2 deep. Its ``updated_at`` filter follows moves and
    fulfilments, which change a fulfilment order, not always its order (see docs/architecture.md,
    "Documents").
    """
    arguments = _arguments(search)
    arguments = f"(includeClosed: true, {arguments[1:]}" if arguments else "(includeClosed: true)"
    return f"""
{{
  fulfillmentOrders{arguments} {{
    edges {{ node {{ {FULFILLMENT_ORDER_FIELDS}
      lineItems {{ edges {{ node {{ {FULFILLMENT_ORDER_LINE_FIELDS} }} }} }}
    }} }}
  }}
}}
"""


def _arguments(search: str | None) -> str:
    if not search:
        return ""
    escaped = search.replace("\\", "\\\\").replace('"', '\\"')
    return f'(query: "{escaped}")'
