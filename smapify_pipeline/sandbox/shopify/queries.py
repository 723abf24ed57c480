"""The read side of the Admin API: query root fields over the state, their search fields and sort keys.

Thin handlers: each finds objects in :class:`~.state.ShopState`, filters them with the ``query:`` syntax
(:mod:`.search`), pages them (:mod:`.connections`) and wraps them in views. Mutations live with the backend
(:mod:`.products`, :mod:`.inventory`, :mod:`.orders`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import context, search
from smapify_pipeline.sandbox.shopify.search import SearchField
from smapify_pipeline.sandbox.shopify.state import (
    Order,
    ShopState,
    Variant,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.totals import fulfillment_status, order_totals
from smapify_pipeline.sandbox.shopify.views import ShopView, connection_page, wrap_nodes
from smapify_pipeline.sandbox.shopify.views_catalogue import (
    PRODUCT_SORT,
    VARIANT_SORT,
    AdjustmentGroupView,
    ItemView,
    LevelView,
    LocationView,
    ProductView,
    VariantView,
)
from smapify_pipeline.sandbox.shopify.views_orders import LineItemView, OrderView, RefundView, TransactionView

NODE_VIEWS: dict[str, Callable[[ShopState, int], Any]] = {
    "Product": lambda s, n: ProductView(s, s.products[n]) if n in s.products else None,
    "ProductVariant": lambda s, n: VariantView(s, s.variants[n]) if n in s.variants else None,
    "InventoryItem": lambda s, n: ItemView(s, s.items[n]) if n in s.items else None,
    "Location": lambda s, n: LocationView(s, s.locations[n]) if n in s.locations else None,
    "Order": lambda s, n: OrderView(s, s.orders[n]) if n in s.orders else None,
    "Refund": lambda s, n: RefundView(s, s.refunds[n]) if n in s.refunds else None,
    "OrderTransaction": lambda s, n: TransactionView(s, s.transactions[n]) if n in s.transactions else None,
    "InventoryAdjustmentGroup": (
        lambda s, n: AdjustmentGroupView(s, s.adjustment_groups[n]) if n in s.adjustment_groups else None
    ),
    "LineItem": lambda s, n: (
        LineItemView(s, line, order)
        if (order := s.order_of_line_item(n)) is not None and (line := s.line_item(n)) is not None
        else None
    ),
    "Shop": lambda s, n: ShopView(s) if n == s.shop.id else None,
}


def _one(kind: str) -> Callable[..., Any]:
    """The root field reading one ``kind`` by gid (``product(id:)``, ``order(id:)``, …): its view, or null."""

    def resolve(info: GraphQLResolveInfo, id: str) -> Any:
        number = parse_gid(id, kind)
        return NODE_VIEWS[kind](context(info).state, number) if number is not None else None

    return resolve


def _page(
    info: GraphQLResolveInfo,
    found: list[Any],
    args: dict[str, Any],
    view: Callable[[Any], Any],
    sort_value: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """One connection page of ``found`` (kept in id order, or ordered by ``sort_value``), nodes as views."""
    page = connection_page(info, found, lambda obj: obj.id, args, sort_value=sort_value, presorted=True)
    return wrap_nodes(page, view)


# ---------------------------------------------------------------------------------------------- inventory


LOCATION_SEARCH: dict[str, SearchField] = {
    "id": SearchField("number", lambda loc: loc.id),
    "name": SearchField("text", lambda loc: loc.name),
    "created_at": SearchField("date", lambda loc: loc.created_at),
    "updated_at": SearchField("date", lambda loc: loc.updated_at),
}


ITEM_SEARCH: dict[str, SearchField] = {
    "id": SearchField("number", lambda item: item.id),
    "sku": SearchField("exact", lambda item: item.sku),
    "created_at": SearchField("date", lambda item: item.created_at),
    "updated_at": SearchField("date", lambda item: item.updated_at),
}


def location(info: GraphQLResolveInfo, id: str | None = None) -> LocationView | None:
    state = context(info).state
    if id is None:
        found = next(iter(state.locations.values()), None)
    else:
        number = parse_gid(id, "Location")
        found = state.locations.get(number) if number is not None else None
    return LocationView(state, found) if found else None


def locations(
    info: GraphQLResolveInfo,
    sortKey: str = "NAME",
    query: str | None = None,
    includeLegacy: bool = False,
    includeInactive: bool = False,
    **args: Any,
) -> dict[str, Any]:
    state = context(info).state
    candidates = [loc for loc in state.locations.values() if includeInactive or loc.active]
    found = search(info, candidates, query, LOCATION_SEARCH, lambda loc: (loc.name,))
    sort = (lambda loc: loc.name) if sortKey == "NAME" else None
    return _page(info, found, args, lambda loc: LocationView(state, loc), sort)


inventory_item = _one("InventoryItem")


def inventory_items(info: GraphQLResolveInfo, query: str | None = None, **args: Any) -> dict[str, Any]:
    state = context(info).state
    found = search(info, state.items.values(), query, ITEM_SEARCH, lambda item: (item.sku,))
    return _page(info, found, args, lambda item: ItemView(state, item))


def parse_level_gid(value: str) -> tuple[int, int] | None:
    """(inventory item id, location id) of ``gid://shopify/InventoryLevel/{location}?inventory_item_id={item}``."""
    location_id = parse_gid(value, "InventoryLevel")
    if location_id is None or "?" not in value:
        return None
    item = parse_qs(value.split("?", 1)[1]).get("inventory_item_id", [""])[0]
    return (int(item), location_id) if item.isdigit() else None


def inventory_level(info: GraphQLResolveInfo, id: str) -> LevelView | None:
    state = context(info).state
    key = parse_level_gid(id)
    level = state.level(*key) if key else None
    return LevelView(state, level) if level else None


# ---------------------------------------------------------------------------------------------- orders


def _order_status(order: Order) -> str:
    if order.cancelled_at is not None:
        return "cancelled"
    return "closed" if order.closed_at is not None else "open"


ORDER_SEARCH: dict[str, SearchField] = {
    "id": SearchField("number", lambda o: o.id),
    "name": SearchField("exact", lambda o: [o.name, o.name.lstrip("#")]),
    "tag": SearchField("exact", lambda o: o.tags),
    "tag_not": SearchField("exact", lambda o: o.tags, negated=True),
    "source_name": SearchField("exact", lambda o: o.source_name),
    "source_identifier": SearchField("exact", lambda o: o.source_identifier),
    "status": SearchField("exact", _order_status),
    "financial_status": SearchField("exact", lambda o: o.financial_status),
    "fulfillment_status": SearchField("exact", lambda o: fulfillment_status(o)),
    "test": SearchField("exact", lambda o: str(o.test).lower()),
    "created_at": SearchField("date", lambda o: o.created_at),
    "updated_at": SearchField("date", lambda o: o.updated_at),
    "processed_at": SearchField("date", lambda o: o.processed_at),
}


ORDER_SORT: dict[str, Any] = {
    "CREATED_AT": lambda o: o.created_at,
    "UPDATED_AT": lambda o: o.updated_at,
    "PROCESSED_AT": lambda o: o.processed_at,
    "ORDER_NUMBER": lambda o: o.number,
    "TOTAL_PRICE": lambda o: float(order_totals(o).total),
    "FINANCIAL_STATUS": lambda o: o.financial_status,
    "FULFILLMENT_STATUS": fulfillment_status,
    "TOTAL_ITEMS_QUANTITY": lambda o: sum(li.quantity for li in o.line_items),
}


order = _one("Order")


def orders(
    info: GraphQLResolveInfo, sortKey: str = "PROCESSED_AT", query: str | None = None, **args: Any
) -> dict[str, Any]:
    state = context(info).state
    found = search(
        info, state.orders.values(), query, ORDER_SEARCH, lambda o: (o.name, o.email or "", *o.tags)
    )
    sort = ORDER_SORT.get(sortKey)
    return _page(info, found, args, lambda o: OrderView(state, o), sort)


refund = _one("Refund")

FULFILLMENT_ORDER_SEARCH: dict[str, SearchField] = {
    "id": SearchField("number", lambda fo: fo.id),
    "status": SearchField("exact", lambda fo: fo.status),
    "assigned_location_id": SearchField("number", lambda fo: fo.location_id),
    "updated_at": SearchField("date", lambda fo: fo.updated_at),
}


def fulfillment_orders(
    info: GraphQLResolveInfo,
    includeClosed: bool = False,
    sortKey: str = "ID",
    query: str | None = None,
    **args: Any,
) -> dict[str, Any]:
    """The shop's fulfilment orders; closed ones only with ``includeClosed``."""
    from smapify_pipeline.sandbox.shopify.views_fulfillments import FulfillmentOrderView

    state = context(info).state
    candidates = [fo for fo in state.fulfillment_orders.values() if includeClosed or fo.status != "CLOSED"]
    found = search(info, candidates, query, FULFILLMENT_ORDER_SEARCH, lambda fo: ())
    sort = (lambda fo: (fo.updated_at, fo.id)) if sortKey == "UPDATED_AT" else None
    return _page(info, found, args, lambda fo: FulfillmentOrderView(state, fo), sort)


# ---------------------------------------------------------------------------------------------- products


PRODUCT_SEARCH: dict[str, SearchField] = {
    "id": SearchField("number", lambda p: p.id),
    "title": SearchField("text", lambda p: p.title),
    "handle": SearchField("exact", lambda p: p.handle),
    "status": SearchField("exact", lambda p: p.status),
    "tag": SearchField("exact", lambda p: p.tags),
    "tag_not": SearchField("exact", lambda p: p.tags, negated=True),
    "product_type": SearchField("exact", lambda p: p.product_type),
    "vendor": SearchField("exact", lambda p: p.vendor),
    "created_at": SearchField("date", lambda p: p.created_at),
    "updated_at": SearchField("date", lambda p: p.updated_at),
    "published_at": SearchField("date", lambda p: p.published_at),
}


def _variant_search(state: ShopState) -> dict[str, SearchField]:
    return {
        "id": SearchField("number", lambda v: v.id),
        "sku": SearchField("exact", lambda v: state.items[v.inventory_item_id].sku),
        "barcode": SearchField("exact", lambda v: v.barcode),
        "title": SearchField("text", lambda v: v.title),
        "product_id": SearchField("number", lambda v: v.product_id),
        "product_status": SearchField("exact", lambda v: state.products[v.product_id].status),
        "status": SearchField("exact", lambda v: state.products[v.product_id].status),
        "tag": SearchField("exact", lambda v: state.products[v.product_id].tags),
        "inventory_quantity": SearchField("number", lambda v: _available(state, v)),
        "created_at": SearchField("date", lambda v: v.created_at),
        "updated_at": SearchField("date", lambda v: v.updated_at),
    }


def _available(state: ShopState, variant: Variant) -> int:
    return sum(level.quantities["available"] for level in state.item_levels(variant.inventory_item_id))


def _product_search(state: ShopState) -> dict[str, SearchField]:
    fields = dict(PRODUCT_SEARCH)
    fields["sku"] = SearchField(
        "exact", lambda p: [state.items[state.variants[v].inventory_item_id].sku for v in p.variant_ids]
    )
    fields["barcode"] = SearchField("exact", lambda p: [state.variants[v].barcode for v in p.variant_ids])
    return fields


product = _one("Product")


def product_by_handle(info: GraphQLResolveInfo, handle: str) -> ProductView | None:
    state = context(info).state
    found = next((p for p in state.products.values() if p.handle == handle), None)
    return ProductView(state, found) if found else None


def products(
    info: GraphQLResolveInfo, sortKey: str = "ID", query: str | None = None, **args: Any
) -> dict[str, Any]:
    state = context(info).state
    found = search(info, state.products.values(), query, _product_search(state), lambda p: (p.title,))
    sort = PRODUCT_SORT.get(sortKey)
    return _page(
        info, found, args, lambda p: ProductView(state, p), (lambda p: sort(state, p)) if sort else None
    )


def products_count(
    info: GraphQLResolveInfo, query: str | None = None, limit: int | None = 10000
) -> dict[str, Any]:
    state = context(info).state
    count = len(search(info, state.products.values(), query, _product_search(state), lambda p: (p.title,)))
    if limit is not None and count > limit:
        return {"count": limit, "precision": "AT_LEAST"}
    return {"count": count, "precision": "EXACT"}


product_variant = _one("ProductVariant")


def product_variants(
    info: GraphQLResolveInfo, sortKey: str = "ID", query: str | None = None, **args: Any
) -> dict[str, Any]:
    state = context(info).state
    found = search(
        info,
        state.variants.values(),
        query,
        _variant_search(state),
        lambda v: (v.title, state.products[v.product_id].title, state.items[v.inventory_item_id].sku or ""),
    )
    sort = VARIANT_SORT.get(sortKey)
    return _page(
        info, found, args, lambda v: VariantView(state, v), (lambda v: sort(state, v)) if sort else None
    )
