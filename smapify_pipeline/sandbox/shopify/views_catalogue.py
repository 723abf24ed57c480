"""Views of the catalogue and its inventory: locations, products, options, variants, items, levels."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import (
    iso,
    legacy_id,
    money,
    search,
)
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
from smapify_pipeline.sandbox.shopify.views import View, connection_page, wrap_nodes

_TAGS = re.compile(r"<[^>]+>")


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
