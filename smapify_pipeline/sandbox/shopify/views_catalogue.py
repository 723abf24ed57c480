"""Views of the catalogue and its inventory: locations, products, options, variants, items, levels."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import iso, money
from smapify_pipeline.sandbox.shopify.connections import encode_cursor
from smapify_pipeline.sandbox.shopify.search import SearchField
from smapify_pipeline.sandbox.shopify.state import (
    ALL_QUANTITY_NAMES,
    AdjustmentGroup,
    InventoryChange,
    InventoryItem,
    InventoryLevel,
    Location,
    OptionValue,
    Product,
    ProductOption,
    ShopState,
    Variant,
    gid,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.views import (
    ResourceView,
    View,
    connection,
    count_field,
    field,
    iso_field,
    link,
    listing,
)

_TAGS = re.compile(r"<[^>]+>")

LEVEL_SEARCH: dict[str, SearchField] = {
    "inventory_item_id": SearchField("number", lambda level: level.item_id),
    "location_id": SearchField("number", lambda level: level.location_id),
    "created_at": SearchField("date", lambda level: level.created_at),
    "updated_at": SearchField("date", lambda level: level.updated_at),
}


def available(state: ShopState, variant: Variant) -> int:
    return sum(level.quantities["available"] for level in state.item_levels(variant.inventory_item_id))


def display_name(state: ShopState, variant: Variant) -> str:
    return f"{state.products[variant.product_id].title} - {variant.title}"


def default_cursor(obj: Any) -> str:
    """The cursor of ``obj`` in a connection sorted by id: ``defaultCursor``."""
    return encode_cursor(obj.id, None)


def price_range(amounts: list[Decimal], currency: str, low: str, high: str) -> dict[str, Any] | None:
    """A price range object (``low``/``high`` named as the type names them), or null without prices."""
    if not amounts:
        return None
    return {low: money(min(amounts), currency), high: money(max(amounts), currency)}


def price_text(amount: Decimal | None) -> str | None:
    """The Money scalar of a variant price: two decimals, as Shopify prints ``"1100.00"``."""
    return None if amount is None else f"{amount:.2f}"


# The sort value of each sortKey, given the state and the product or variant.
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
    "NAME": lambda s, v: display_name(s, v).lower(),
    "FULL_TITLE": lambda s, v: display_name(s, v).lower(),
    "SKU": lambda s, v: s.items[v.inventory_item_id].sku or "",
    "INVENTORY_QUANTITY": available,
    "INVENTORY_LEVELS_AVAILABLE": available,
    "INVENTORY_POLICY": lambda s, v: v.inventory_policy,
    "POSITION": lambda s, v: v.position,
}


def level_gid(level: InventoryLevel) -> str:
    return f"gid://shopify/InventoryLevel/{level.location_id}?inventory_item_id={level.item_id}"


# ---------------------------------------------------------------------------------------------- locations


class LocationView(ResourceView[Location], typename="Location"):
    stored_fields = ("name", "fulfillsOnlineOrders")
    isActive = field("active")
    hasActiveInventory = field(lambda location: bool(location.state.location_levels(location.obj.id)))
    inventoryLevels = connection(
        lambda location: location.state.location_levels(location.obj.id),
        "InventoryLevel",
        id_of=lambda level: level.item_id,
        searched_by=LEVEL_SEARCH,
    )

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

    def inventoryLevel(self, info: GraphQLResolveInfo, inventoryItemId: str) -> LevelView | None:
        item_id = parse_gid(inventoryItemId, "InventoryItem")
        level = self.state.level(item_id, self.obj.id) if item_id is not None else None
        return LevelView(self.state, level) if level else None


# ---------------------------------------------------------------------------------------------- products


class ProductView(ResourceView[Product], typename="Product"):
    stored_fields = ("title", "handle", "status", "productType", "vendor", "descriptionHtml")
    tags = field("tags", sorted)
    publishedAt = iso_field("published_at")
    totalInventory = field(
        lambda product: sum(available(product.state, v) for v in product.state.product_variants(product.obj))
    )
    hasOnlyDefaultVariant = field("options", lambda options: not options)
    options = listing(
        lambda product: (
            [OptionView(product.state, o) for o in product.obj.options] or [_default_option_view(product)]
        )
    )
    variants = connection(
        lambda product: product.state.product_variants(product.obj), "ProductVariant", sorted_by=VARIANT_SORT
    )
    variantsCount = count_field(lambda product: len(product.obj.variant_ids))
    defaultCursor = field(lambda product: default_cursor(product.obj))
    priceRangeV2 = field(
        lambda product: price_range(
            [v.price for v in product.state.product_variants(product.obj)] or [Decimal(0)],
            product.state.shop.currency,
            "minVariantPrice",
            "maxVariantPrice",
        )
    )
    compareAtPriceRange = field(
        lambda product: price_range(
            [
                v.compare_at_price
                for v in product.state.product_variants(product.obj)
                if v.compare_at_price is not None
            ],
            product.state.shop.currency,
            "minVariantCompareAtPrice",
            "maxVariantCompareAtPrice",
        )
    )
    hasOutOfStockVariants = field(
        lambda product: any(
            product.state.items[v.inventory_item_id].tracked and available(product.state, v) <= 0
            for v in product.state.product_variants(product.obj)
        )
    )

    def description(self, info: GraphQLResolveInfo, truncateAt: int | None = None) -> str:
        text = _TAGS.sub("", self.obj.description_html).strip()
        return text[:truncateAt] if truncateAt else text

    @property
    def tracksInventory(self) -> bool:
        return any(
            self.state.items[v.inventory_item_id].tracked for v in self.state.product_variants(self.obj)
        )


class OptionView(View[ProductOption], typename="ProductOption"):
    stored_fields = ("name", "position")
    values = field("values", lambda values: [v.name for v in values])

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


class VariantView(ResourceView[Variant], typename="ProductVariant"):
    stored_fields = ("title", "barcode", "position", "taxable", "inventoryPolicy")
    displayName = field(lambda variant: display_name(variant.state, variant.obj))
    sku = field(lambda variant: variant.state.items[variant.obj.inventory_item_id].sku)
    price = field("price", price_text)
    compareAtPrice = field("compare_at_price", price_text)
    inventoryQuantity = field(lambda variant: available(variant.state, variant.obj))
    inventoryItem = link("InventoryItem", "items", "inventory_item_id")
    product = link("Product", "products", "product_id")
    defaultCursor = field(lambda variant: default_cursor(variant.obj))
    sellableOnlineQuantity = field(
        lambda variant: sum(
            level.quantities["available"]
            for level in variant.state.item_levels(variant.obj.inventory_item_id)
            if variant.state.locations[level.location_id].fulfills_online_orders
        )
    )

    @property
    def availableForSale(self) -> bool:
        product = self.state.products[self.obj.product_id]
        item = self.state.items[self.obj.inventory_item_id]
        in_stock = (
            not item.tracked or self.obj.inventory_policy == "CONTINUE" or available(self.state, self.obj) > 0
        )
        return product.status == "ACTIVE" and in_stock

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


# ---------------------------------------------------------------------------------------------- inventory


class ItemView(ResourceView[InventoryItem], typename="InventoryItem"):
    stored_fields = ("sku", "tracked", "requiresShipping")
    variant = link("ProductVariant", "variants", "variant_id")
    inventoryLevels = connection(
        lambda item: item.state.item_levels(item.obj.id),
        "InventoryLevel",
        id_of=lambda level: level.location_id,
        searched_by=LEVEL_SEARCH,
    )
    locationsCount = count_field(lambda item: len(item.state.item_levels(item.obj.id)))
    measurement = field(lambda item: {"id": gid("InventoryItemMeasurement", item.obj.id)})
    duplicateSkuCount = field(
        lambda item: sum(
            1
            for other in item.state.items.values()
            if item.obj.sku and other.sku == item.obj.sku and other.id != item.obj.id
        )
    )

    @property
    def unitCost(self) -> dict[str, Any] | None:
        cost = self.obj.unit_cost
        return money(cost, self.state.shop.currency) if cost is not None else None

    def inventoryLevel(self, info: GraphQLResolveInfo, locationId: str) -> LevelView | None:
        location_id = parse_gid(locationId, "Location")
        level = self.state.level(self.obj.id, location_id) if location_id is not None else None
        return LevelView(self.state, level) if level else None


class LevelView(View[InventoryLevel], typename="InventoryLevel"):
    id = field(lambda level: level_gid(level.obj))
    item = link("InventoryItem", "items", "item_id")
    location = link("Location", "locations", "location_id")
    createdAt = iso_field("created_at")
    updatedAt = iso_field("updated_at")

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


class AdjustmentGroupView(View[AdjustmentGroup], typename="InventoryAdjustmentGroup"):
    stored_fields = ("reason", "referenceDocumentUri")
    createdAt = iso_field("created_at")

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
