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
from decimal import Decimal, InvalidOperation
from typing import Any

from smapify_pipeline.schemas import choices, shopify
from smapify_pipeline.schemas.frames import NormalizedTable, TableBuilder
from smapify_pipeline.schemas.raw_table import RawTable, api_field
from smapify_pipeline.schemas.shopify_nodes import (
    PARENT_ID,
    flatten_nodes,
    gid_query_param,
    gid_type,
    money,
    ref_id,
    tax_lines,
)

Mapped = tuple[dict[str, Any], list[str]]
"""The columns a node does not give under their camelCase name (column -> value), and parse errors."""


@dataclass
class _Context:
    """Lookups across node types of one batch (children of a bulk file refer to parents by id only)."""

    inventory_item_of_variant: dict[Any, Any]
    order_of_refund: dict[Any, Any]
    refund_children: dict[Any, dict[str, list[dict[str, Any]]]]
    """Refund id -> its shipping lines, order adjustments and transactions (by type name)."""

    @classmethod
    def of(cls, nodes: dict[str, list[dict[str, Any]]]) -> _Context:
        children: dict[Any, dict[str, list[dict[str, Any]]]] = {}
        for type_name in _REFUND_MONEY_TYPES:
            for child in nodes.get(type_name, ()):
                parent = _parent_of_type(child, "Refund")
                if parent is not None:
                    children.setdefault(parent, {}).setdefault(type_name, []).append(child)
        return cls(
            {v.get("id"): ref_id(v, "inventoryItem") for v in nodes.get("ProductVariant", ())},
            {r.get("id"): ref_id(r, "order") or _parent_of_type(r, "Order") for r in nodes.get("Refund", ())},
            children,
        )


_REFUND_MONEY_TYPES = ("RefundShippingLine", "OrderAdjustment", "OrderTransaction")


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


def _object(node: dict[str, Any], field_name: str) -> dict[str, Any]:
    """An embedded object such as ``inventoryItem``; empty when absent or not an object."""
    value = node.get(field_name)
    return value if isinstance(value, dict) else {}


def _parent_of_type(node: dict[str, Any], type_name: str) -> Any:
    parent = node.get(PARENT_ID)
    return parent if gid_type(parent) == type_name else None


def _amounts(node: dict[str, Any], errors: list[str], **fields: str) -> dict[str, Any]:
    """Money columns (column=its API field) in shop currency; a foreign currency is an error and None."""
    return {column: money(node.get(field_name), column, errors) for column, field_name in fields.items()}


def _own_id(column: str) -> Callable[[dict[str, Any], _Context], Mapped]:
    """For a node whose only mapped column is its own id."""

    def mapped(node: dict[str, Any], _: _Context) -> Mapped:
        return {column: node.get("id")}, []

    return mapped


def _option_value(options: Any, names: frozenset[str]) -> Any:
    if not isinstance(options, list):
        return None
    for option in options:
        if isinstance(option, dict) and str(option.get("name", "")).strip().lower() in names:
            return option.get("value")
    return None


def _variant(node: dict[str, Any], _: _Context) -> Mapped:
    errors: list[str] = []
    item = _object(node, "inventoryItem")
    options = node.get("selectedOptions")
    sku = node.get("sku") if node.get("sku") is not None else item.get("sku")
    return {
        "variant_id": node.get("id"),
        "product_id": ref_id(node, "product") or _parent_of_type(node, "Product"),
        "sku": _blank_to_none(sku),
        "barcode": _blank_to_none(node.get("barcode")),
        **_amounts(node, errors, price="price", compare_at_price="compareAtPrice"),
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
    }, errors


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


def _inventory_level(node: dict[str, Any], context: _Context) -> Mapped:
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
    }, errors


def _order(node: dict[str, Any], _: _Context) -> Mapped:
    errors: list[str] = []
    return {
        "order_id": node.get("id"),
        **_amounts(
            node,
            errors,
            subtotal_price="subtotalPriceSet",
            total_shipping_price="totalShippingPriceSet",
            total_discounts="totalDiscountsSet",
            total_tax="totalTaxSet",
            total_price="totalPriceSet",
        ),
        "tax_lines": tax_lines(node.get("taxLines"), "tax_lines", errors),
    }, errors


def _order_level_discount(node: dict[str, Any], errors: list[str]) -> Any:
    """The sum of the line's allocations from order-level (ACROSS) applications; None when not read."""
    allocations = node.get("discountAllocations")
    if allocations is None:
        return None
    if not isinstance(allocations, list):
        errors.append("order_discount: discountAllocations is not a list")
        return None
    total = Decimal(0)
    for allocation in allocations:
        application = _object(allocation, "discountApplication") if isinstance(allocation, dict) else {}
        if application.get("allocationMethod") != "ACROSS":
            continue
        amount = money(allocation.get("allocatedAmountSet"), "order_discount", errors)
        try:
            total += Decimal(str(amount))
        except (InvalidOperation, ValueError):
            errors.append(f"order_discount: allocation amount is not an amount ({amount!r})")
            return None
    return str(total)


def _order_line(node: dict[str, Any], _: _Context) -> Mapped:
    errors: list[str] = []
    variant = _object(node, "variant")
    return {
        "order_discount": _order_level_discount(node, errors),
        "line_item_id": node.get("id"),
        "order_id": ref_id(node, "order") or _parent_of_type(node, "Order"),
        "variant_id": variant.get("id"),
        "product_id": ref_id(node, "product") or ref_id(variant, "product"),
        "sku": _blank_to_none(node.get("sku")),
        **_amounts(node, errors, unit_price="originalUnitPriceSet", total_discount="totalDiscountSet"),
        "tax_lines": tax_lines(node.get("taxLines"), "tax_lines", errors),
    }, errors


def _shipping_line(node: dict[str, Any], _: _Context) -> Mapped:
    errors: list[str] = []
    return {
        "shipping_line_id": node.get("id"),
        "order_id": ref_id(node, "order") or _parent_of_type(node, "Order"),
        **_amounts(node, errors, original_price="originalPriceSet", discounted_price="discountedPriceSet"),
        "tax_lines": tax_lines(node.get("taxLines"), "tax_lines", errors),
    }, errors


def _fulfillment_order(node: dict[str, Any], _: _Context) -> Mapped:
    return {
        "fulfillment_order_id": node.get("id"),
        "order_id": node.get("orderId") or ref_id(node, "order") or _parent_of_type(node, "Order"),
        "location_id": ref_id(_object(node, "assignedLocation"), "location"),
    }, []


def _fulfillment_order_line(node: dict[str, Any], _: _Context) -> Mapped:
    return {
        "fulfillment_order_line_item_id": node.get("id"),
        "fulfillment_order_id": ref_id(node, "fulfillmentOrder") or _parent_of_type(node, "FulfillmentOrder"),
        "line_item_id": ref_id(node, "lineItem"),
    }, []


def _refund(node: dict[str, Any], context: _Context) -> Mapped:
    errors: list[str] = []
    children = context.refund_children.get(node.get("id"), {})
    transactions = children.get("OrderTransaction", [])
    paid_back = [t for t in transactions if t.get("kind") == "REFUND" and t.get("status") == "SUCCESS"]
    return {
        "refund_id": node.get("id"),
        "order_id": ref_id(node, "order") or _parent_of_type(node, "Order"),
        **_amounts(node, errors, total_refunded="totalRefundedSet"),
        "refunded_money": _sum(paid_back, "amountSet", "refunded_money", errors) if transactions else None,
        "shipping_refunded": _sum(
            children.get("RefundShippingLine", []), "subtotalAmountSet", "shipping_refunded", errors
        ),
        "order_adjustments": _sum(
            children.get("OrderAdjustment", []), "amountSet", "order_adjustments", errors
        ),
    }, errors


def _sum(nodes: list[dict[str, Any]], field_name: str, column: str, errors: list[str]) -> str | None:
    """The sum of a money field over child nodes, as an amount string (parsed to whole yen later)."""
    total = Decimal(0)
    for child in nodes:
        amount = money(child.get(field_name), column, errors)
        try:
            total += Decimal(str(amount))
        except InvalidOperation:
            errors.append(f"{column}: amount {amount!r} of {child.get('id')} is not a number")
            return None
    return str(total)


def _refund_line(node: dict[str, Any], context: _Context) -> Mapped:
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
        "location_id": ref_id(node, "location"),
        **_amounts(node, errors, unit_price="priceSet", subtotal="subtotalSet", total_tax="totalTaxSet"),
    }, errors


_NODES: dict[str, tuple[str, Callable[[dict[str, Any], _Context], Mapped]]] = {
    shopify.PRODUCTS.name: ("Product", _own_id("product_id")),
    shopify.VARIANTS.name: ("ProductVariant", _variant),
    shopify.LOCATIONS.name: ("Location", _own_id("location_id")),
    shopify.INVENTORY.name: ("InventoryLevel", _inventory_level),
    shopify.ORDERS.name: ("Order", _order),
    shopify.ORDER_LINES.name: ("LineItem", _order_line),
    shopify.SHIPPING_LINES.name: ("ShippingLine", _shipping_line),
    shopify.FULFILLMENT_ORDERS.name: ("FulfillmentOrder", _fulfillment_order),
    shopify.FULFILLMENT_ORDER_LINES.name: ("FulfillmentOrderLineItem", _fulfillment_order_line),
    shopify.REFUNDS.name: ("Refund", _refund),
    shopify.REFUND_LINES.name: ("RefundLineItem", _refund_line),
}
"""Raw table -> (the GraphQL type its rows come from, the columns mapped by hand)."""


def _row(fields: dict[str, str], node: dict[str, Any], mapped: dict[str, Any]) -> dict[str, Any]:
    """The table's columns (column -> API field): mapped by hand where given, else the node's field."""
    if not mapped.keys() <= fields.keys():
        raise KeyError(f"no columns {sorted(mapped.keys() - fields.keys())} in this table")
    return {column: mapped[column] if column in mapped else node.get(name) for column, name in fields.items()}


def normalize_shopify(
    records: Iterable[dict[str, Any]], tables: Iterable[RawTable], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """The requested raw tables (always all present, maybe empty) from any mix of nested and bulk rows."""
    extracted_at = extracted_at or datetime.now(UTC)
    nodes = flatten_nodes(records)
    context = _Context.of(nodes)
    result: dict[str, NormalizedTable] = {}
    for table in tables:
        type_name, map_columns = _NODES[table.name]
        fields = {column: api_field(column) for column in table.api_columns}
        builder = TableBuilder(table)
        for node in nodes.get(type_name, ()):
            mapped, errors = map_columns(node, context)
            builder.add(_row(fields, node, mapped), node, errors)
        result[table.name] = builder.build(extracted_at)
    return result


def normalize_shopify_products(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """Products, their variants (with inventory item: sku, tracked, unit cost) and any inventory levels."""
    return normalize_shopify(records, (shopify.PRODUCTS, shopify.VARIANTS, shopify.INVENTORY), extracted_at)


def normalize_shopify_locations(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    return normalize_shopify(records, (shopify.LOCATIONS,), extracted_at)[shopify.LOCATIONS.name]


def normalize_shopify_inventory(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> NormalizedTable:
    """InventoryLevel nodes, alone or under inventory items, variants or locations."""
    return normalize_shopify(records, (shopify.INVENTORY,), extracted_at)[shopify.INVENTORY.name]


def normalize_shopify_orders(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    """Orders with their line items, and the refunds (with lines) found inside them."""
    return normalize_shopify(records, shopify.DOCUMENT_TABLES, extracted_at)


def normalize_shopify_refunds(
    records: Iterable[dict[str, Any]], extracted_at: datetime | None = None
) -> dict[str, NormalizedTable]:
    return normalize_shopify(records, (shopify.REFUNDS, shopify.REFUND_LINES), extracted_at)
