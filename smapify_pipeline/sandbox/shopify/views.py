"""How state objects read through GraphQL: one small view class per schema type.

graphql-core's default resolver reads an attribute named like the field and calls it with the field's
arguments when it is a method, so each view is the field list of its type and nothing else. Views are built
per request and hold references, never copies, so a page of 250 variants costs 250 small objects.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import (
    context,
    iso,
    legacy_id,
    money,
    money_bag,
    search,
)
from smapify_pipeline.sandbox.shopify.connections import paginate
from smapify_pipeline.sandbox.shopify.search import SearchField
from smapify_pipeline.sandbox.shopify.state import (
    ALL_QUANTITY_NAMES,
    AdjustmentGroup,
    InventoryChange,
    InventoryItem,
    InventoryLevel,
    LineItem,
    Location,
    OptionValue,
    Order,
    Product,
    ProductOption,
    Refund,
    RefundLine,
    ShippingLine,
    ShopState,
    TaxLine,
    Transaction,
    Variant,
    gid,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.totals import OrderTotals, fulfillment_status, order_totals

_TAGS = re.compile(r"<[^>]+>")


def connection_page(
    info: GraphQLResolveInfo, items: list[Any], id_of: Any, args: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    return paginate(
        items,
        id_of=id_of,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
        unlimited=context(info).unlimited,
        **kw,
    )


class View:
    typename = ""

    def __init__(self, state: ShopState, obj: Any) -> None:
        self.state = state
        self.obj = obj


class ShopView:
    typename = "Shop"

    def __init__(self, state: ShopState) -> None:
        shop = state.shop
        self.id = gid("Shop", shop.id)
        self.name = shop.name
        self.email = shop.email
        self.contactEmail = shop.email
        self.myshopifyDomain = shop.domain
        self.url = f"https://{shop.domain}"
        self.currencyCode = shop.currency
        self.enabledPresentmentCurrencies = [shop.currency]
        self.ianaTimezone = shop.iana_timezone
        self.timezoneAbbreviation = "JST" if shop.iana_timezone == "Asia/Tokyo" else "UTC"
        self.taxesIncluded = shop.taxes_included
        self.taxShipping = True
        self.plan = {"displayName": "Basic", "partnerDevelopment": False, "shopifyPlus": False}
        self.createdAt = iso(shop.created_at)
        self.updatedAt = iso(shop.created_at)


# ---------------------------------------------------------------------------------------------- locations


class LocationView(View):
    typename = "Location"
    obj: Location

    @property
    def id(self) -> str:
        return gid("Location", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def address(self) -> dict[str, Any]:
        loc = self.obj
        parts = [p for p in (loc.zip, loc.province, loc.city, loc.address1) if p]
        return {
            "address1": loc.address1 or None,
            "address2": None,
            "city": loc.city or None,
            "country": "Japan" if loc.country_code == "JP" else loc.country_code,
            "countryCode": loc.country_code,
            "formatted": parts,
            "province": loc.province or None,
            "zip": loc.zip or None,
        }

    @property
    def isActive(self) -> bool:
        return self.obj.active

    @property
    def fulfillsOnlineOrders(self) -> bool:
        return self.obj.fulfills_online_orders

    @property
    def hasActiveInventory(self) -> bool:
        return bool(self.state.location_levels(self.obj.id))

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    def inventoryLevel(self, info: GraphQLResolveInfo, inventoryItemId: str) -> LevelView | None:
        item_id = parse_gid(inventoryItemId, "InventoryItem")
        level = self.state.level(item_id, self.obj.id) if item_id is not None else None
        return LevelView(self.state, level) if level else None

    def inventoryLevels(
        self, info: GraphQLResolveInfo, query: str | None = None, **args: Any
    ) -> dict[str, Any]:
        levels = search(info, self.state.location_levels(self.obj.id), query, LEVEL_SEARCH, lambda _: ())
        page = connection_page(info, levels, lambda lv: lv.item_id, args)
        return wrap_nodes(page, lambda lv: LevelView(self.state, lv))


# ---------------------------------------------------------------------------------------------- products


class ProductView(View):
    typename = "Product"
    obj: Product

    @property
    def id(self) -> str:
        return gid("Product", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def handle(self) -> str:
        return self.obj.handle

    @property
    def status(self) -> str:
        return self.obj.status

    @property
    def tags(self) -> list[str]:
        return sorted(self.obj.tags)

    @property
    def productType(self) -> str:
        return self.obj.product_type

    @property
    def vendor(self) -> str:
        return self.obj.vendor

    def description(self, info: GraphQLResolveInfo, truncateAt: int | None = None) -> str:
        text = _TAGS.sub("", self.obj.description_html).strip()
        return text[:truncateAt] if truncateAt else text

    @property
    def descriptionHtml(self) -> str:
        return self.obj.description_html

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def publishedAt(self) -> str | None:
        return iso(self.obj.published_at)

    @property
    def totalInventory(self) -> int:
        return sum(available(self.state, v) for v in self.state.product_variants(self.obj))

    @property
    def tracksInventory(self) -> bool:
        return any(
            self.state.items[v.inventory_item_id].tracked for v in self.state.product_variants(self.obj)
        )

    @property
    def hasOnlyDefaultVariant(self) -> bool:
        return not self.obj.options

    def options(self, info: GraphQLResolveInfo, first: int | None = None) -> list[OptionView]:
        options = [OptionView(self.state, o) for o in self.obj.options] or [_default_option_view(self)]
        return options[:first] if first is not None else options

    def variants(self, info: GraphQLResolveInfo, sortKey: str = "POSITION", **args: Any) -> dict[str, Any]:
        variants = self.state.product_variants(self.obj)
        sort = VARIANT_SORT.get(sortKey)
        page = connection_page(
            info, variants, lambda v: v.id, args, sort_value=(lambda v: sort(self.state, v)) if sort else None
        )
        return wrap_nodes(page, lambda v: VariantView(self.state, v))

    @property
    def variantsCount(self) -> dict[str, Any]:
        return {"count": len(self.obj.variant_ids), "precision": "EXACT"}


class OptionView(View):
    typename = "ProductOption"
    obj: ProductOption

    @property
    def id(self) -> str:
        return gid("ProductOption", self.obj.id)

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def position(self) -> int:
        return self.obj.position

    @property
    def values(self) -> list[str]:
        return [v.name for v in self.obj.values]

    @property
    def optionValues(self) -> list[dict[str, Any]]:
        return [
            {
                "typename": "ProductOptionValue",
                "id": gid("ProductOptionValue", v.id),
                "name": v.name,
                "hasVariants": True,
            }
            for v in self.obj.values
        ]


def _default_option_view(product: ProductView) -> OptionView:
    return OptionView(
        product.state,
        ProductOption(
            id=product.obj.id, name="Title", position=1, values=[OptionValue(product.obj.id, "Default Title")]
        ),
    )


def available(state: ShopState, variant: Variant) -> int:
    return sum(level.quantities["available"] for level in state.item_levels(variant.inventory_item_id))


class VariantView(View):
    typename = "ProductVariant"
    obj: Variant

    @property
    def id(self) -> str:
        return gid("ProductVariant", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def displayName(self) -> str:
        return f"{self.state.products[self.obj.product_id].title} - {self.obj.title}"

    @property
    def sku(self) -> str | None:
        return self.state.items[self.obj.inventory_item_id].sku

    @property
    def barcode(self) -> str | None:
        return self.obj.barcode

    @property
    def price(self) -> str | None:
        return price_text(self.obj.price)

    @property
    def compareAtPrice(self) -> str | None:
        return price_text(self.obj.compare_at_price)

    @property
    def position(self) -> int:
        return self.obj.position

    @property
    def taxable(self) -> bool:
        return self.obj.taxable

    @property
    def availableForSale(self) -> bool:
        product = self.state.products[self.obj.product_id]
        item = self.state.items[self.obj.inventory_item_id]
        in_stock = (
            not item.tracked or self.obj.inventory_policy == "CONTINUE" or available(self.state, self.obj) > 0
        )
        return product.status == "ACTIVE" and in_stock

    @property
    def inventoryPolicy(self) -> str:
        return self.obj.inventory_policy

    @property
    def inventoryQuantity(self) -> int:
        return available(self.state, self.obj)

    @property
    def selectedOptions(self) -> list[dict[str, Any]]:
        product = self.state.products[self.obj.product_id]
        value_ids = {(o.name, v.name): v.id for o in product.options for v in o.values}
        pairs = self.obj.option_values or [("Title", "Default Title")]
        return [
            {
                "name": n,
                "value": v,
                "optionValue": {
                    "id": gid("ProductOptionValue", value_ids.get((n, v), product.id)),
                    "name": v,
                    "hasVariants": True,
                },
            }
            for n, v in pairs
        ]

    @property
    def inventoryItem(self) -> ItemView:
        return ItemView(self.state, self.state.items[self.obj.inventory_item_id])

    @property
    def product(self) -> ProductView:
        return ProductView(self.state, self.state.products[self.obj.product_id])

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)


def price_text(amount: Decimal | None) -> str | None:
    """The Money scalar of a variant price: two decimals, as Shopify prints ``"1100.00"``."""
    return None if amount is None else f"{amount:.2f}"


# ---------------------------------------------------------------------------------------------- inventory


class ItemView(View):
    typename = "InventoryItem"
    obj: InventoryItem

    @property
    def id(self) -> str:
        return gid("InventoryItem", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def sku(self) -> str | None:
        return self.obj.sku

    @property
    def tracked(self) -> bool:
        return self.obj.tracked

    @property
    def requiresShipping(self) -> bool:
        return self.obj.requires_shipping

    @property
    def unitCost(self) -> dict[str, Any] | None:
        cost = self.obj.unit_cost
        return money(cost, self.state.shop.currency) if cost is not None else None

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def variant(self) -> VariantView:
        return VariantView(self.state, self.state.variants[self.obj.variant_id])

    def inventoryLevel(self, info: GraphQLResolveInfo, locationId: str) -> LevelView | None:
        location_id = parse_gid(locationId, "Location")
        level = self.state.level(self.obj.id, location_id) if location_id is not None else None
        return LevelView(self.state, level) if level else None

    def inventoryLevels(
        self, info: GraphQLResolveInfo, query: str | None = None, **args: Any
    ) -> dict[str, Any]:
        levels = search(info, self.state.item_levels(self.obj.id), query, LEVEL_SEARCH, lambda _: ())
        page = connection_page(info, levels, lambda lv: lv.location_id, args)
        return wrap_nodes(page, lambda lv: LevelView(self.state, lv))

    @property
    def locationsCount(self) -> dict[str, Any]:
        return {"count": len(self.state.item_levels(self.obj.id)), "precision": "EXACT"}


class LevelView(View):
    typename = "InventoryLevel"
    obj: InventoryLevel

    @property
    def id(self) -> str:
        return level_gid(self.obj)

    @property
    def item(self) -> ItemView:
        return ItemView(self.state, self.state.items[self.obj.item_id])

    @property
    def location(self) -> LocationView:
        return LocationView(self.state, self.state.locations[self.obj.location_id])

    def quantities(self, info: GraphQLResolveInfo, names: list[str]) -> list[dict[str, Any]]:
        unknown = [n for n in names if n not in ALL_QUANTITY_NAMES]
        if unknown:
            raise GraphQLError(
                f"Invalid quantity names: {', '.join(unknown)}. Valid names: {', '.join(ALL_QUANTITY_NAMES)}"
            )
        return [
            {
                "id": f"gid://shopify/InventoryQuantity/{self.obj.location_id}?inventory_item_id={self.obj.item_id}&name={n}",
                "name": n,
                "quantity": self.obj.quantity(n),
                "updatedAt": iso(self.obj.updated_at),
            }
            for n in names
        ]

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)


def level_gid(level: InventoryLevel) -> str:
    return f"gid://shopify/InventoryLevel/{level.location_id}?inventory_item_id={level.item_id}"


class AdjustmentGroupView(View):
    typename = "InventoryAdjustmentGroup"
    obj: AdjustmentGroup

    @property
    def id(self) -> str:
        return gid("InventoryAdjustmentGroup", self.obj.id)

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def reason(self) -> str:
        return self.obj.reason

    @property
    def referenceDocumentUri(self) -> str | None:
        return self.obj.reference_document_uri

    def changes(
        self,
        info: GraphQLResolveInfo,
        inventoryItemIds: list[str] | None = None,
        locationIds: list[str] | None = None,
        quantityNames: list[str] | None = None,
    ) -> list[dict[str, Any]]:
        out = []
        for change in self.obj.changes:
            if inventoryItemIds is not None and gid("InventoryItem", change.item_id) not in inventoryItemIds:
                continue
            if locationIds is not None and gid("Location", change.location_id) not in locationIds:
                continue
            if quantityNames is not None and change.name not in quantityNames:
                continue
            out.append(self._change(change))
        return out

    def _change(self, change: InventoryChange) -> dict[str, Any]:
        item = self.state.items.get(change.item_id)
        location = self.state.locations.get(change.location_id)
        return {
            "delta": change.delta,
            "item": ItemView(self.state, item) if item else None,
            "ledgerDocumentUri": change.ledger_document_uri,
            "location": LocationView(self.state, location) if location else None,
            "name": change.name,
            "quantityAfterChange": change.quantity_after,
        }


# ---------------------------------------------------------------------------------------------- orders


def tax_line(line: TaxLine, currency: str) -> dict[str, Any]:
    return {
        "channelLiable": line.channel_liable,
        "priceSet": money_bag(line.amount, currency),
        "rate": float(line.rate),
        "ratePercentage": float(line.rate * 100),
        "title": line.title,
    }


def merged_tax_lines(lines: list[TaxLine]) -> list[TaxLine]:
    """Tax lines summed per (title, rate), as an order shows the taxes of its lines."""
    merged: dict[tuple[str, Decimal], TaxLine] = {}
    for line in lines:
        key = (line.title, line.rate)
        if key in merged:
            merged[key] = TaxLine(
                line.title, line.rate, merged[key].amount + line.amount, line.channel_liable
            )
        else:
            merged[key] = TaxLine(line.title, line.rate, line.amount, line.channel_liable)
    return list(merged.values())


class OrderView(View):
    typename = "Order"
    obj: Order

    @property
    def _currency(self) -> str:
        return self.obj.currency

    @property
    def id(self) -> str:
        return gid("Order", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def name(self) -> str:
        return self.obj.name

    @property
    def email(self) -> str | None:
        return self.obj.email

    @property
    def note(self) -> str | None:
        return self.obj.note

    @property
    def sourceName(self) -> str | None:
        return self.obj.source_name

    @property
    def sourceIdentifier(self) -> str | None:
        return self.obj.source_identifier

    @property
    def tags(self) -> list[str]:
        return sorted(self.obj.tags)

    @property
    def test(self) -> bool:
        return self.obj.test

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def processedAt(self) -> str | None:
        return iso(self.obj.processed_at)

    @property
    def cancelledAt(self) -> str | None:
        return iso(self.obj.cancelled_at)

    @property
    def cancelReason(self) -> str | None:
        return self.obj.cancel_reason

    @property
    def closed(self) -> bool:
        return self.obj.closed_at is not None

    @property
    def closedAt(self) -> str | None:
        return iso(self.obj.closed_at)

    @property
    def currencyCode(self) -> str:
        return self._currency

    @property
    def presentmentCurrencyCode(self) -> str:
        return self._currency

    @property
    def taxesIncluded(self) -> bool:
        return self.obj.taxes_included

    @property
    def displayFinancialStatus(self) -> str:
        return self.obj.financial_status

    @property
    def displayFulfillmentStatus(self) -> str:
        return fulfillment_status(self.obj)

    @property
    def subtotalLineItemsQuantity(self) -> int:
        return sum(li.quantity for li in self.obj.line_items)

    @property
    def currentSubtotalLineItemsQuantity(self) -> int:
        return sum(li.quantity - li.refunded_quantity for li in self.obj.line_items)

    def _totals(self, current: bool) -> OrderTotals:
        return order_totals(self.obj, current=current)

    @property
    def subtotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).subtotal, self._currency)

    @property
    def currentSubtotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).subtotal, self._currency)

    @property
    def totalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).total, self._currency)

    @property
    def currentTotalPriceSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).total, self._currency)

    @property
    def totalTaxSet(self) -> dict[str, Any]:
        return money_bag(self._totals(False).tax, self._currency)

    @property
    def currentTotalTaxSet(self) -> dict[str, Any]:
        return money_bag(self._totals(True).tax, self._currency)

    @property
    def totalShippingPriceSet(self) -> dict[str, Any]:
        return money_bag(sum((s.price for s in self.obj.shipping_lines), Decimal(0)), self._currency)

    @property
    def totalRefundedSet(self) -> dict[str, Any]:
        refunded = sum((self.state.refunds[r].total for r in self.obj.refund_ids), Decimal(0))
        return money_bag(refunded, self._currency)

    @property
    def taxLines(self) -> list[dict[str, Any]]:
        return [tax_line(t, self._currency) for t in self.obj.tax_lines]

    @property
    def currentTaxLines(self) -> list[dict[str, Any]]:
        return [tax_line(t, self._currency) for t in self._totals(True).tax_lines]

    @property
    def shippingLine(self) -> dict[str, Any] | None:
        lines = self.obj.shipping_lines
        return shipping_line(lines[0], self._currency) if lines else None

    def shippingLines(
        self, info: GraphQLResolveInfo, includeRemovals: bool = False, **args: Any
    ) -> dict[str, Any]:
        page = connection_page(info, self.obj.shipping_lines, lambda s: s.id, args, presorted=True)
        return wrap_nodes(page, lambda s: shipping_line(s, self._currency))

    def lineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        page = connection_page(info, self.obj.line_items, lambda li: li.id, args, presorted=True)
        return wrap_nodes(page, lambda li: LineItemView(self.state, li, self.obj))

    def refunds(self, info: GraphQLResolveInfo, first: int | None = None) -> list[RefundView]:
        refunds = [RefundView(self.state, self.state.refunds[r]) for r in self.obj.refund_ids]
        return refunds[:first] if first is not None else refunds

    def transactions(
        self, info: GraphQLResolveInfo, first: int | None = None, **_: Any
    ) -> list[TransactionView]:
        txs = [TransactionView(self.state, self.state.transactions[t]) for t in self.obj.transaction_ids]
        return txs[:first] if first is not None else txs


def shipping_line(line: ShippingLine, currency: str) -> dict[str, Any]:
    return {
        "id": gid("ShippingLine", line.id),
        "code": line.code,
        "custom": True,
        "source": line.source,
        "title": line.title,
        "isRemoved": False,
        "originalPriceSet": money_bag(line.price, currency),
        "discountedPriceSet": money_bag(line.price, currency),
        "taxLines": [tax_line(t, currency) for t in line.tax_lines],
    }


class LineItemView(View):
    typename = "LineItem"
    obj: LineItem

    def __init__(self, state: ShopState, obj: LineItem, order: Order) -> None:
        super().__init__(state, obj)
        self.order = order

    @property
    def id(self) -> str:
        return gid("LineItem", self.obj.id)

    @property
    def name(self) -> str:
        li = self.obj
        return f"{li.title} - {li.variant_title}" if li.variant_title else li.title

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def sku(self) -> str | None:
        return self.obj.sku

    @property
    def variantTitle(self) -> str | None:
        return self.obj.variant_title

    @property
    def vendor(self) -> str | None:
        return self.obj.vendor

    @property
    def quantity(self) -> int:
        return self.obj.quantity

    @property
    def currentQuantity(self) -> int:
        return self.obj.quantity - self.obj.refunded_quantity

    @property
    def refundableQuantity(self) -> int:
        return self.obj.quantity - self.obj.refunded_quantity

    @property
    def unfulfilledQuantity(self) -> int:
        return max(0, self.obj.quantity - self.obj.refunded_quantity - self.obj.fulfilled_quantity)

    @property
    def taxable(self) -> bool:
        return self.obj.taxable

    @property
    def requiresShipping(self) -> bool:
        return self.obj.requires_shipping

    @property
    def restockable(self) -> bool:
        return self.obj.variant_id is not None and self.obj.variant_id in self.state.variants

    @property
    def variant(self) -> VariantView | None:
        variant = self.state.variants.get(self.obj.variant_id) if self.obj.variant_id else None
        return VariantView(self.state, variant) if variant else None

    @property
    def product(self) -> ProductView | None:
        product = self.state.products.get(self.obj.product_id) if self.obj.product_id else None
        return ProductView(self.state, product) if product else None

    @property
    def originalUnitPriceSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price, self.order.currency)

    @property
    def discountedUnitPriceSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price, self.order.currency)

    @property
    def originalTotalSet(self) -> dict[str, Any]:
        return money_bag(self.obj.unit_price * self.obj.quantity, self.order.currency)

    def taxLines(self, info: GraphQLResolveInfo, first: int | None = None) -> list[dict[str, Any]]:
        lines = [tax_line(t, self.order.currency) for t in self.obj.tax_lines]
        return lines[:first] if first is not None else lines


class TransactionView(View):
    typename = "OrderTransaction"
    obj: Transaction

    @property
    def id(self) -> str:
        return gid("OrderTransaction", self.obj.id)

    @property
    def kind(self) -> str:
        return self.obj.kind

    @property
    def status(self) -> str:
        return self.obj.status

    @property
    def gateway(self) -> str | None:
        return self.obj.gateway

    @property
    def amountSet(self) -> dict[str, Any]:
        return money_bag(self.obj.amount, self.state.orders[self.obj.order_id].currency)

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def processedAt(self) -> str | None:
        return iso(self.obj.processed_at)

    @property
    def parentTransaction(self) -> TransactionView | None:
        parent = self.state.transactions.get(self.obj.parent_id) if self.obj.parent_id else None
        return TransactionView(self.state, parent) if parent else None

    @property
    def test(self) -> bool:
        return self.obj.test

    @property
    def order(self) -> OrderView | None:
        order = self.state.orders.get(self.obj.order_id)
        return OrderView(self.state, order) if order else None


class RefundView(View):
    typename = "Refund"
    obj: Refund

    @property
    def id(self) -> str:
        return gid("Refund", self.obj.id)

    @property
    def legacyResourceId(self) -> str:
        return legacy_id(self.obj.id)

    @property
    def createdAt(self) -> str | None:
        return iso(self.obj.created_at)

    @property
    def updatedAt(self) -> str | None:
        return iso(self.obj.updated_at)

    @property
    def note(self) -> str | None:
        return self.obj.note

    @property
    def order(self) -> OrderView:
        return OrderView(self.state, self.state.orders[self.obj.order_id])

    @property
    def totalRefundedSet(self) -> dict[str, Any]:
        return money_bag(self.obj.total, self.state.orders[self.obj.order_id].currency)

    def refundLineItems(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        page = connection_page(info, self.obj.lines, lambda line: line.id, args, presorted=True)
        return wrap_nodes(page, lambda line: RefundLineView(self.state, line, self.obj))

    def transactions(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        txs = [self.state.transactions[t] for t in self.obj.transaction_ids]
        page = connection_page(info, txs, lambda t: t.id, args, presorted=True)
        return wrap_nodes(page, lambda t: TransactionView(self.state, t))


class RefundLineView(View):
    typename = "RefundLineItem"
    obj: RefundLine

    def __init__(self, state: ShopState, obj: RefundLine, refund: Refund) -> None:
        super().__init__(state, obj)
        self.currency = state.orders[refund.order_id].currency
        self.order = state.orders[refund.order_id]

    @property
    def id(self) -> str:
        return gid("RefundLineItem", self.obj.id)

    @property
    def lineItem(self) -> LineItemView:
        line = next(li for li in self.order.line_items if li.id == self.obj.line_item_id)
        return LineItemView(self.state, line, self.order)

    @property
    def location(self) -> LocationView | None:
        location = self.state.locations.get(self.obj.location_id) if self.obj.location_id else None
        return LocationView(self.state, location) if location else None

    @property
    def quantity(self) -> int:
        return self.obj.quantity

    @property
    def restockType(self) -> str:
        return self.obj.restock_type

    @property
    def restocked(self) -> bool:
        return self.obj.restocked

    @property
    def priceSet(self) -> dict[str, Any]:
        unit = self.obj.subtotal / self.obj.quantity if self.obj.quantity else Decimal(0)
        return money_bag(unit, self.currency)

    @property
    def subtotalSet(self) -> dict[str, Any]:
        return money_bag(self.obj.subtotal, self.currency)

    @property
    def totalTaxSet(self) -> dict[str, Any]:
        return money_bag(self.obj.total_tax, self.currency)


# ---------------------------------------------------------------------------------------------- helpers


def wrap_nodes(page: dict[str, Any], view: Any) -> dict[str, Any]:
    nodes = [view(n) for n in page["nodes"]]
    page["nodes"] = nodes
    for edge, node in zip(page["edges"], nodes, strict=True):
        edge["node"] = node
    return page


LEVEL_SEARCH: dict[str, SearchField] = {
    "inventory_item_id": SearchField("number", lambda level: level.item_id),
    "location_id": SearchField("number", lambda level: level.location_id),
    "created_at": SearchField("date", lambda level: level.created_at),
    "updated_at": SearchField("date", lambda level: level.updated_at),
}


PRODUCT_SORT: dict[str, Any] = {
    "TITLE": lambda s, p: p.title.lower(),
    "PRODUCT_TYPE": lambda s, p: p.product_type,
    "VENDOR": lambda s, p: p.vendor,
    "INVENTORY_TOTAL": lambda s, p: sum(available(s, s.variants[v]) for v in p.variant_ids),
    "UPDATED_AT": lambda s, p: p.updated_at,
    "CREATED_AT": lambda s, p: p.created_at,
    "PUBLISHED_AT": lambda s, p: p.published_at,
}


VARIANT_SORT: dict[str, Any] = {
    "TITLE": lambda s, v: v.title.lower(),
    "NAME": lambda s, v: f"{s.products[v.product_id].title} - {v.title}".lower(),
    "FULL_TITLE": lambda s, v: f"{s.products[v.product_id].title} - {v.title}".lower(),
    "SKU": lambda s, v: s.items[v.inventory_item_id].sku or "",
    "INVENTORY_QUANTITY": available,
    "INVENTORY_LEVELS_AVAILABLE": available,
    "INVENTORY_POLICY": lambda s, v: v.inventory_policy,
    "POSITION": lambda s, v: v.position,
}
