"""Views of fulfilment orders (where an order's units are assigned) and fulfilments (where they left from)."""

from __future__ import annotations

from typing import Any

from smapify_pipeline.sandbox.shopify.common import iso
from smapify_pipeline.sandbox.shopify.state import (
    Fulfillment,
    FulfillmentLine,
    FulfillmentOrder,
    FulfillmentOrderLine,
    ShopState,
    gid,
)
from smapify_pipeline.sandbox.shopify.views import (
    ResourceView,
    View,
    connection,
    field,
    iso_field,
    link,
    money_bag_field,
)
from smapify_pipeline.sandbox.shopify.views_orders import LineItemView


def _line_view(state: ShopState, order_id: int, line_item_id: int) -> LineItemView:
    order = state.orders[order_id]
    line = next(li for li in order.line_items if li.id == line_item_id)
    return LineItemView(state, line, order)


class FulfillmentOrderView(View[FulfillmentOrder], typename="FulfillmentOrder"):
    stored_fields = ("status",)
    createdAt = iso_field("created_at")
    updatedAt = iso_field("updated_at")
    order = link("Order", "orders", "order_id")
    orderId = field("order_id", lambda number: gid("Order", number))
    orderName = field(lambda view: view.state.orders[view.obj.order_id].name)
    orderProcessedAt = field(lambda view: iso(view.state.orders[view.obj.order_id].processed_at))
    requestStatus = field(lambda view: "UNSUBMITTED")
    lineItems = connection(
        "lines",
        lambda view, line: FulfillmentOrderLineView(view.state, line, view.obj),
        presorted=True,
    )

    @property
    def assignedLocation(self) -> dict[str, Any]:
        location = self.state.locations[self.obj.location_id]
        from smapify_pipeline.sandbox.shopify.views_catalogue import LocationView

        return {
            "address1": location.address1 or None,
            "address2": None,
            "city": location.city or None,
            "countryCode": location.country_code,
            "location": LocationView(self.state, location),
            "name": location.name,
            "phone": None,
            "province": location.province or None,
            "zip": location.zip or None,
        }


class FulfillmentOrderLineView(View[FulfillmentOrderLine], typename="FulfillmentOrderLineItem"):
    stored_fields = ("totalQuantity", "remainingQuantity")

    def __init__(self, state: ShopState, obj: FulfillmentOrderLine, parent: FulfillmentOrder) -> None:
        super().__init__(state, obj)
        self.line = _line_view(state, parent.order_id, obj.line_item_id)

    @property
    def lineItem(self) -> LineItemView:
        return self.line

    @property
    def sku(self) -> str | None:
        return self.line.obj.sku

    @property
    def productTitle(self) -> str:
        return self.line.obj.title

    @property
    def variantTitle(self) -> str | None:
        return self.line.obj.variant_title

    @property
    def requiresShipping(self) -> bool:
        return self.line.obj.requires_shipping

    @property
    def inventoryItemId(self) -> str | None:
        variant = self.state.variants.get(self.line.obj.variant_id or -1)
        return gid("InventoryItem", variant.inventory_item_id) if variant else None


class FulfillmentView(ResourceView[Fulfillment], typename="Fulfillment"):
    stored_fields = ("status",)
    location = link("Location", "locations", "location_id", optional=True)
    order = link("Order", "orders", "order_id")
    displayStatus = field(lambda view: "FULFILLED")
    requiresShipping = field(lambda view: True)
    totalQuantity = field("lines", lambda lines: sum(line.quantity for line in lines))
    fulfillmentLineItems = connection(
        "lines", lambda view, line: FulfillmentLineView(view.state, line, view.obj), presorted=True
    )
    fulfillmentOrders = connection(
        lambda view: view.fulfilled_from,
        lambda view, fo: FulfillmentOrderView(view.state, fo),
        presorted=True,
    )

    @property
    def fulfilled_from(self) -> list[FulfillmentOrder]:
        """The fulfilment orders whose lines this fulfilment took units from."""
        taken = {line.fulfillment_order_line_id for line in self.obj.lines}
        orders = (
            self.state.fulfillment_orders[n]
            for n in self.state.orders[self.obj.order_id].fulfillment_order_ids
        )
        return [fo for fo in orders if taken & {line.id for line in fo.lines}]

    @property
    def name(self) -> str:
        order = self.state.orders[self.obj.order_id]
        return f"{order.name}-F{order.fulfillment_ids.index(self.obj.id) + 1}"


class FulfillmentLineView(View[FulfillmentLine], typename="FulfillmentLineItem"):
    stored_fields = ("quantity",)
    originalTotalSet = money_bag_field(lambda view: view.line.obj.unit_price * view.obj.quantity)
    discountedTotalSet = money_bag_field(
        lambda view: view.line.rounded(
            (view.line.obj.unit_price * view.line.obj.quantity - view.line.obj.discount)
            * view.obj.quantity
            / view.line.obj.quantity
        )
    )

    def __init__(self, state: ShopState, obj: FulfillmentLine, parent: Fulfillment) -> None:
        super().__init__(state, obj)
        self.line = _line_view(state, parent.order_id, obj.line_item_id)
        self.currency = self.line.currency

    @property
    def lineItem(self) -> LineItemView:
        return self.line
