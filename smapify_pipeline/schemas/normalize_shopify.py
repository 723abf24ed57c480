"""Shopify GraphQL nodes -> raw tables.

Input is what the client returned: a list of top-level nodes with nested connections (``variants {nodes}`` or
``{edges {node}}``), or the rows of a bulk-operation JSONL file (children as their own rows with
``__parentId``), or a mix. Field names are the Admin GraphQL ones (camelCase); money is read from ``Money``
scalars, ``MoneyV2`` or ``MoneyBag.shopMoney`` and must be whole yen; inventory quantities come from
``quantities(names: [...])``. Nothing here raises on a bad value: it is left null and named in
``_parse_errors`` (see ``frames.py``) so validation quarantines the row with the original record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from smapify_pipeline.schemas import choices
from smapify_pipeline.schemas.frames import NormalizedTable, TableBuilder
from smapify_pipeline.schemas.shopify_nodes import (
    PARENT_ID,
    flatten_nodes,
    gid_query_param,
    gid_type,
    money,
    ref_id,
    tax_lines,
)

PRODUCTS = "raw.shopify_products"
VARIANTS = "raw.shopify_variants"
LOCATIONS = "raw.shopify_locations"
INVENTORY = "raw.shopify_inventory"
ORDERS = "raw.shopify_orders"
ORDER_LINES = "raw.shopify_order_lines"
REFUNDS = "raw.shopify_refunds"
REFUND_LINES = "raw.shopify_refund_lines"

Row = tuple[dict[str, Any], list[str]]


@dataclass
class _Context:
    """Lookups across node types of one batch (children of a bulk file refer to parents by id only)."""

    inventory_item_of_variant: dict[Any, Any]
    order_of_refund: dict[Any, Any]

    @classmethod
    def of(cls, nodes: dict[str, list[dict[str, Any]]]) -> _Context:
        return cls(
            {v.get("id"): ref_id(v, "inventoryItem") for v in nodes.get("ProductVariant", ())},
            {r.get("id"): ref_id(r, "order") or _parent_of_type(r, "Order") for r in nodes.get("Refund", ())},
        )


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _object(node: dict[str, Any], field_name: str) -> dict[str, Any]:
    """An embedded object such as ``inventoryItem``; empty when absent or not an object."""
    value = node.get(field_name)
    return value if isinstance(value, dict) else {}


def _parent_of_type(node: dict[str, Any], type_name: str) -> Any:
    parent = node.get(PARENT_ID)
    return parent if gid_type(parent) == type_name else None


def _product_row(node: dict[str, Any], _: _Context) -> Row:
    return {
        "product_id": node.get("id"),
        "title": node.get("title"),
        "handle": node.get("handle"),
        "description_html": node.get("descriptionHtml"),
        "product_type": node.get("productType"),
        "vendor": node.get("vendor"),
        "status": node.get("status"),
        "tags": node.get("tags"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }, []


def _option_value(options: Any, names: frozenset[str]) -> Any:
    if not isinstance(options, list):
        return None
    for option in options:
        if isinstance(option, dict) and str(option.get("name", "")).strip().lower() in names:
            return option.get("value")
    return None


def _variant_row(node: dict[str, Any], _: _Context) -> Row:
    errors: list[str] = []
    item = _object(node, "inventoryItem")
    options = node.get("selectedOptions")
    sku = node.get("sku") if node.get("sku") is not None else item.get("sku")
    return {
        "variant_id": node.get("id"),
        "product_id": ref_id(node, "product") or _parent_of_type(node, "Product"),
        "title": node.get("title"),
        "position": node.get("position"),
        "sku": _blank_to_none(sku),
        "barcode": _blank_to_none(node.get("barcode")),
        "price": money(node.get("price"), "price", errors),
        "compare_at_price": money(node.get("compareAtPrice"), "compare_at_price", errors),
        "taxable": node.get("taxable"),
        "inventory_policy": node.get("inventoryPolicy"),
        "inventory_item_id": item.get("id"),
        "tracked": item.get("tracked"),
        "unit_cost": money(item.get("unitCost"), "unit_cost", errors),
        "size": _option_value(options, choices.SIZE_OPTION_NAMES),
        "color": _option_value(options, choices.COLOR_OPTION_NAMES),
        "selected_options": (
            [{"name": o.get("name"), "value": o.get("value")} for o in options if isinstance(o, dict)]
            if isinstance(options, list)
            else None
        ),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }, errors


def _location_row(node: dict[str, Any], _: _Context) -> Row:
    return {
        "location_id": node.get("id"),
        "name": node.get("name"),
        "is_active": node.get("isActive"),
        "fulfills_online_orders": node.get("fulfillsOnlineOrders"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }, []


def _inventory_item_id(node: dict[str, Any], context: _Context) -> Any:
    """From ``item {id}``, else the InventoryLevel GID's ``inventory_item_id``, else the parent node."""
    direct = ref_id(node, "item") or ref_id(node, "inventoryItem")
    if direct:
        return direct
    from_gid = gid_query_param(node.get("id"), "inventory_item_id")
    if from_gid:
        return f"gid://shopify/InventoryItem/{from_gid}"
    parent = node.get(PARENT_ID)
    if gid_type(parent) == "InventoryItem":
        return parent
    if gid_type(parent) == "ProductVariant":
        return context.inventory_item_of_variant.get(parent)
    return None


def _inventory_row(node: dict[str, Any], context: _Context) -> Row:
    errors: list[str] = []
    quantities: dict[str, Any] = {}
    raw_quantities = node.get("quantities")
    if isinstance(raw_quantities, list):
        for entry in raw_quantities:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                quantities[entry["name"]] = entry.get("quantity")
    elif raw_quantities is not None:
        errors.append("quantities: not a list of named quantities")
    parent = node.get(PARENT_ID)
    location = ref_id(node, "location") or (parent if gid_type(parent) == "Location" else None)
    return {
        "inventory_item_id": _inventory_item_id(node, context),
        "location_id": location,
        "inventory_level_id": node.get("id"),
        "available": quantities.get("available"),
        "on_hand": quantities.get("on_hand"),
        "committed": quantities.get("committed"),
        "incoming": quantities.get("incoming"),
        "updated_at": node.get("updatedAt"),
    }, errors


def _order_row(node: dict[str, Any], _: _Context) -> Row:
    errors: list[str] = []
    return {
        "order_id": node.get("id"),
        "name": node.get("name"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "processed_at": node.get("processedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "display_financial_status": node.get("displayFinancialStatus"),
        "display_fulfillment_status": node.get("displayFulfillmentStatus"),
        "source_name": node.get("sourceName"),
        "source_identifier": node.get("sourceIdentifier"),
        "tags": node.get("tags"),
        "currency_code": node.get("currencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "test": node.get("test"),
        "subtotal_price": money(node.get("subtotalPriceSet"), "subtotal_price", errors),
        "total_shipping_price": money(node.get("totalShippingPriceSet"), "total_shipping_price", errors),
        "total_discounts": money(node.get("totalDiscountsSet"), "total_discounts", errors),
        "total_tax": money(node.get("totalTaxSet"), "total_tax", errors),
        "total_price": money(node.get("totalPriceSet"), "total_price", errors),
        "tax_lines": tax_lines(node.get("taxLines"), "tax_lines", errors),
    }, errors


def _order_line_row(node: dict[str, Any], _: _Context) -> Row:
    errors: list[str] = []
    variant = _object(node, "variant")
    return {
        "line_item_id": node.get("id"),
        "order_id": ref_id(node, "order") or _parent_of_type(node, "Order"),
        "variant_id": variant.get("id"),
        "product_id": ref_id(node, "product") or ref_id(variant, "product"),
        "sku": _blank_to_none(node.get("sku")),
        "title": node.get("title"),
        "variant_title": node.get("variantTitle"),
        "quantity": node.get("quantity"),
        "current_quantity": node.get("currentQuantity"),
        "unit_price": money(node.get("originalUnitPriceSet"), "unit_price", errors),
        "total_discount": money(node.get("totalDiscountSet"), "total_discount", errors),
        "taxable": node.get("taxable"),
        "tax_lines": tax_lines(node.get("taxLines"), "tax_lines", errors),
    }, errors


def _refund_row(node: dict[str, Any], _: _Context) -> Row:
    errors: list[str] = []
    return {
        "refund_id": node.get("id"),
        "order_id": ref_id(node, "order") or _parent_of_type(node, "Order"),
        "note": node.get("note"),
        "total_refunded": money(node.get("totalRefundedSet"), "total_refunded", errors),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }, errors


def _refund_line_row(node: dict[str, Any], context: _Context) -> Row:
    errors: list[str] = []
    line = _object(node, "lineItem")
    refund_id = ref_id(node, "refund") or _parent_of_type(node, "Refund")
    order_id = context.order_of_refund.get(refund_id)
    return {
        "refund_id": refund_id,
        "line_item_id": line.get("id"),
        "refund_line_item_id": node.get("id"),
        "order_id": order_id,
        "sku": _blank_to_none(line.get("sku")),
        "quantity": node.get("quantity"),
        "restock_type": node.get("restockType"),
        "restocked": node.get("restocked"),
        "location_id": ref_id(node, "location"),
        "unit_price": money(node.get("priceSet"), "unit_price", errors),
        "subtotal": money(node.get("subtotalSet"), "subtotal", errors),
        "total_tax": money(node.get("totalTaxSet"), "total_tax", errors),
    }, errors


_ROWS: dict[str, tuple[str, Callable[[dict[str, Any], _Context], Row]]] = {
    PRODUCTS: ("Product", _product_row),
    VARIANTS: ("ProductVariant", _variant_row),
    LOCATIONS: ("Location", _location_row),
    INVENTORY: ("InventoryLevel", _inventory_row),
    ORDERS: ("Order", _order_row),
    ORDER_LINES: ("LineItem", _order_line_row),
    REFUNDS: ("Refund", _refund_row),
    REFUND_LINES: ("RefundLineItem", _refund_line_row),
}


def normalize_shopify(
    records: Iterable[dict[str, Any]], tables: Iterable[str], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """The requested raw tables (always all present, maybe empty) from any mix of nested and bulk rows."""
    extracted_at = extracted_at or datetime.now(UTC)
    nodes = flatten_nodes(records)
    context = _Context.of(nodes)
    result: dict[str, NormalizedTable] = {}
    for table in tables:
        type_name, row = _ROWS[table]
        builder = TableBuilder(table)
        for node in nodes.get(type_name, ()):
            values, errors = row(node, context)
            builder.add(values, node, errors)
        result[table] = builder.build(extracted_at)
    return result


def normalize_shopify_products(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """Products, their variants (with inventory item: sku, tracked, unit cost) and any inventory levels."""
    return normalize_shopify(records, (PRODUCTS, VARIANTS, INVENTORY), extracted_at)


def normalize_shopify_locations(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return normalize_shopify(records, (LOCATIONS,), extracted_at)[LOCATIONS]


def normalize_shopify_inventory(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    """InventoryLevel nodes, alone or under inventory items, variants or locations."""
    return normalize_shopify(records, (INVENTORY,), extracted_at)[INVENTORY]


def normalize_shopify_orders(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """Orders with their line items, and the refunds (with lines) found inside them."""
    return normalize_shopify(records, (ORDERS, ORDER_LINES, REFUNDS, REFUND_LINES), extracted_at)


def normalize_shopify_refunds(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    return normalize_shopify(records, (REFUNDS, REFUND_LINES), extracted_at)
