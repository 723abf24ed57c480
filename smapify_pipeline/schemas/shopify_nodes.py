"""Reading Shopify GraphQL results in either shape: nested connections or flat bulk-operation JSONL rows.

Both shapes become the same thing: one flat record per node, grouped by type, each child carrying
``__parentId`` (the id of the nearest enclosing node), exactly as bulk JSONL rows do. A node's type comes from
``__typename``, else its GID (``gid://shopify/ProductVariant/12`` -> ``ProductVariant``), else the connection
field it was found under, else a field only that type has (``RefundLineItem`` has no id before 2024-07).
Child connections (``{nodes: [...]}`` / ``{edges: [{node}]}``) and lists of nodes (``Order.refunds``) are moved
out of the parent record; embedded single objects (``inventoryItem``, ``location {id}``) stay in place.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from smapify_pipeline.schemas import choices
from smapify_pipeline.schemas.parse import show

PARENT_ID = "__parentId"

_GID_PREFIX = "gid://shopify/"
_GID = re.compile(r"^gid://shopify/(?P<type>[A-Za-z]+)/(?P<id>[^/?]+)(?:\?(?P<query>.*))?$")

CONNECTION_TYPES: dict[str, str] = {
    "variants": "ProductVariant",
    "productVariants": "ProductVariant",
    "products": "Product",
    "inventoryLevels": "InventoryLevel",
    "inventoryItems": "InventoryItem",
    "locations": "Location",
    "orders": "Order",
    "lineItems": "LineItem",
    "refunds": "Refund",
    "refundLineItems": "RefundLineItem",
    "shippingLines": "ShippingLine",
    "fulfillmentOrders": "FulfillmentOrder",
}
"""Connection (or node list) field -> type of its nodes, for nodes that carry no id or __typename."""

_TYPE_BY_FIELD = (("restockType", "RefundLineItem"),)
_INLINE_LISTS = frozenset({"quantities", "taxLines", "selectedOptions", "options"})
"""Lists that belong to their parent record even when their items carry ids."""


def gid_type(value: Any) -> str | None:
    """``Product`` for ``gid://shopify/Product/1``; None for anything that is not a Shopify GID."""
    if not isinstance(value, str) or not value.startswith(_GID_PREFIX):
        return None
    type_name, slash, rest = value[len(_GID_PREFIX) :].partition("/")
    return type_name if slash and rest and type_name.isalpha() else None


def gid_query_param(value: Any, name: str) -> str | None:
    """A parameter of a GID's query string: ``inventory_item_id`` of an InventoryLevel GID."""
    if not isinstance(value, str):
        return None
    match = _GID.match(value)
    if not match or not match["query"]:
        return None
    for pair in match["query"].split("&"):
        key, _, item = pair.partition("=")
        if key == name and item:
            return item
    return None


def _connection_nodes(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, dict):
        if isinstance(value.get("nodes"), list):
            return [node for node in value["nodes"] if isinstance(node, dict)]
        if isinstance(value.get("edges"), list):
            return [
                edge["node"]
                for edge in value["edges"]
                if isinstance(edge, dict) and isinstance(edge.get("node"), dict)
            ]
    return None


def _node_list(key: str, value: Any) -> list[dict[str, Any]] | None:
    if key in _INLINE_LISTS or not isinstance(value, list) or not value:
        return None
    if not all(isinstance(item, dict) for item in value):
        return None
    if key in CONNECTION_TYPES or all(gid_type(item.get("id")) for item in value):
        return value
    return None


def _type_of(node: dict[str, Any], hint: str | None) -> str:
    typename = node.get("__typename")
    if isinstance(typename, str) and typename:
        return typename
    from_id = gid_type(node.get("id"))
    if from_id:
        return from_id
    if hint:
        return hint
    for field_name, type_name in _TYPE_BY_FIELD:
        if field_name in node:
            return type_name
    return "Unknown"


def flatten_nodes(records: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Type name -> flat records (children with ``__parentId``), for nested or bulk-JSONL input alike."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        _flatten(record, record.get(PARENT_ID), None, out)
    return out


def _flatten(
    node: dict[str, Any], parent_id: Any, hint: str | None, out: dict[str, list[dict[str, Any]]]
) -> None:
    own_id = node.get("id") if gid_type(node.get("id")) else None
    flat = _strip_children(node, own_id or parent_id, out)
    if parent_id is not None and PARENT_ID not in flat:
        flat[PARENT_ID] = parent_id
    out[_type_of(node, hint)].append(flat)


def _strip_children(
    node: dict[str, Any], parent_id: Any, out: dict[str, list[dict[str, Any]]]
) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in node.items():
        children = _connection_nodes(value)
        if children is None:
            children = _node_list(key, value)
        if children is not None:
            for child in children:
                _flatten(child, parent_id, CONNECTION_TYPES.get(key), out)
        elif isinstance(value, dict):
            embedded_id = value.get("id") if gid_type(value.get("id")) else None
            flat[key] = _strip_children(value, embedded_id or parent_id, out)
        else:
            flat[key] = value
    return flat


def ref_id(node: dict[str, Any], field_name: str) -> Any:
    """The id of an embedded reference such as ``variant {id}``; None when absent."""
    value = node.get(field_name)
    return value.get("id") if isinstance(value, dict) else None


def money(value: Any, column: str, errors: list[str]) -> Any:
    """The amount of a Shopify money value, in shop currency.

    Accepts a ``Money`` scalar (``"1200.00"``), a ``MoneyV2`` (``{amount, currencyCode}``) and a ``MoneyBag``
    (``{shopMoney {amount currencyCode}}``). A currency other than the shop's is appended to ``errors`` and
    gives None; the amount string itself is parsed later (whole yen or a reason).
    """
    if isinstance(value, dict) and "shopMoney" in value:
        value = value["shopMoney"]
    if isinstance(value, dict):
        currency = value.get("currencyCode")
        if currency is not None and currency != choices.SHOP_CURRENCY:
            errors.append(f"{column}: currency {show(currency)}, expected {choices.SHOP_CURRENCY}")
            return None
        return value.get("amount")
    return value


def tax_lines(value: Any, column: str, errors: list[str]) -> list[dict[str, Any]] | None:
    """Shopify ``TaxLine`` list -> ``[{title, rate_percent, amount}]`` with whole-percent rates and whole yen."""
    if value is None:
        return None
    if not isinstance(value, list):
        errors.append(f"{column}: not a list of tax lines ({show(value)})")
        return None
    lines = []
    for line in value:
        if not isinstance(line, dict):
            errors.append(f"{column}: not a tax line ({show(line)})")
            continue
        percent = _rate_percent(line, column, errors)
        amount = _whole_yen(money(line.get("priceSet", line.get("price")), column, errors), column, errors)
        lines.append({"title": line.get("title"), "rate_percent": percent, "amount": amount})
    return lines


def _rate_percent(line: dict[str, Any], column: str, errors: list[str]) -> int | None:
    try:
        if line.get("ratePercentage") is not None:
            percent = Decimal(str(line["ratePercentage"]))
        elif line.get("rate") is not None:
            percent = Decimal(str(line["rate"])) * 100
        else:
            errors.append(f"{column}: tax line without a rate")
            return None
    except InvalidOperation:
        errors.append(f"{column}: tax rate is not a number ({show(line.get('rate'))})")
        return None
    if percent != percent.to_integral_value() or int(percent) not in choices.TAX_RATES_PERCENT:
        allowed = " or ".join(f"{rate}%" for rate in choices.TAX_RATES_PERCENT)
        errors.append(f"{column}: tax rate {percent.normalize()}% is not {allowed}")
        return None
    return int(percent)


def _whole_yen(amount: Any, column: str, errors: list[str]) -> int | None:
    if amount is None:
        return None
    try:
        number = Decimal(str(amount))
    except InvalidOperation:
        errors.append(f"{column}: tax amount is not an amount ({show(amount)})")
        return None
    if number != number.to_integral_value():
        errors.append(f"{column}: tax amount is not whole yen ({show(amount)})")
        return None
    return int(number)
