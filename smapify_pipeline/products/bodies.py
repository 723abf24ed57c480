"""Product writes on either platform (docs/architecture.md, "Products"): merged changes as
``PATCH /products/{id}`` or productUpdate + productVariantsBulkUpdate, creates (``POST /products`` per variant,
``productSet`` per Smaregi group) and the action a deletion calls for under ``delete_policy``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.products.merge import (
    ShopifyVariantSnapshot,
    SmaregiProductSnapshot,
    match_code,
    shopify_fields,
    smaregi_fields,
)
from smapify_pipeline.sync import choices, keys
from smapify_pipeline.sync.gids import numeric_id
from smapify_pipeline.sync.records import UnmappableDocument

# --- update payloads ----------------------------------------------------------------------------------------


def smaregi_product_patch(
    product_id: str, changes: Mapping[str, Any], category_ids: Mapping[str, str]
) -> tuple[str, dict[str, str]]:
    """``PATCH /products/{id}`` key and body for merged changes (strings only; price stays tax-included)."""
    body: dict[str, str] = {}
    for name, value in changes.items():
        if name == "title":
            body["productName"] = value
        elif name == "price":
            body["price"] = str(value)
            body["taxDivision"] = choices.SMAREGI_TAX_DIVISION_INCLUDED
        elif name == "category":
            if value not in category_ids:
                raise UnmappableDocument(f"no Smaregi category named {value!r}")
            body["categoryId"] = category_ids[value]
        elif name == "description":
            body["description"] = value or ""
        elif name == "cost":
            body["cost"] = "" if value is None else format(value, "f")
        elif name == "visible":
            body["displayFlag"] = choices.SMAREGI_VISIBLE if value else choices.SMAREGI_HIDDEN
        elif name in ("size", "color"):
            body[name] = value or ""
        else:
            raise ValueError(f"not a merged field: {name!r}")
    return keys.product_update_key("smaregi", product_id, dict(changes)), body


@dataclass(frozen=True)
class ShopifyProductUpdate:
    key: str
    product: dict[str, Any] | None
    """``productUpdate(product:)`` input, or ``None`` when no product-level field changed."""
    variants: dict[str, Any] | None
    """``productVariantsBulkUpdate`` variables, or ``None`` when no variant-level field changed."""


def shopify_product_update(
    variant: ShopifyVariantSnapshot, changes: Mapping[str, Any]
) -> ShopifyProductUpdate:
    """Product-level fields (title, productType, description, status) and variant-level ones (price, cost,
    option values) go to their own mutations."""
    product: dict[str, Any] = {}
    item: dict[str, Any] = {}
    options: list[dict[str, str]] = []
    for name, value in changes.items():
        if name == "title":
            product["title"] = value
        elif name == "category":
            product["productType"] = value or ""
        elif name == "description":
            product["descriptionHtml"] = value or ""
        elif name == "visible":
            product["status"] = "ACTIVE" if value else _hidden_status(variant.status)
        elif name == "price":
            item["price"] = str(value)
        elif name == "cost":
            item["inventoryItem"] = {"cost": None if value is None else format(value, "f")}
        elif name in ("size", "color"):
            options.append({"optionName": _option_name(variant.options, name), "name": value or ""})
        else:
            raise ValueError(f"not a merged field: {name!r}")
    if options:
        item["optionValues"] = options
    return ShopifyProductUpdate(
        key=keys.product_update_key("shopify", variant.variant_id, dict(changes)),
        product={"id": variant.product_id, **product} if product else None,
        variants={"productId": variant.product_id, "variants": [{"id": variant.variant_id, **item}]}
        if item
        else None,
    )


# --- creates ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmaregiProductCreate:
    key: str
    body: dict[str, str]
    """``POST /products`` body."""


def smaregi_creates_for(
    variants: Iterable[ShopifyVariantSnapshot],
    match_key: str,
    category_id: str,
    skip_codes: frozenset[str] = frozenset(),
) -> tuple[SmaregiProductCreate, ...]:
    """Smaregi products for a product created on Shopify: one per variant with a usable match key, all
    sharing a groupCode derived from the Shopify product, tax-included. Variants whose code is in
    ``skip_codes`` (quarantined duplicates) and blank codes are left out."""
    creates = []
    for variant in variants:
        code = match_code(variant, match_key)
        if code is None or code in skip_codes:
            continue
        canonical = shopify_fields(variant, match_key)
        body = {
            "categoryId": category_id,
            "productCode": code,
            "productName": canonical.title,
            "taxDivision": choices.SMAREGI_TAX_DIVISION_INCLUDED,
            "productPriceDivision": "1",
            "price": str(canonical.price),
            "displayFlag": choices.SMAREGI_VISIBLE if canonical.visible else choices.SMAREGI_HIDDEN,
            "division": "0",
            "salesDivision": "0",
            "stockControlDivision": "0",
            "groupCode": choices.GROUP_CODE_PREFIX + numeric_id(variant.product_id),
        }
        optional = {
            "description": canonical.description,
            "cost": None if canonical.cost is None else format(canonical.cost, "f"),
            "size": canonical.size,
            "color": canonical.color,
        }
        body.update({name: value for name, value in optional.items() if value})
        creates.append(SmaregiProductCreate(keys.product_create_key("shopify", variant.variant_id), body))
    return tuple(creates)


@dataclass(frozen=True)
class ShopifyProductCreate:
    key: str
    variables: dict[str, Any]
    """``productSet(input:, synchronous: true)`` variables."""


def shopify_create_for(
    group: list[SmaregiProductSnapshot],
    stock: Mapping[str, Mapping[str, int]] | None = None,
) -> ShopifyProductCreate:
    """One Shopify product for Smaregi products created together: a product per groupCode, a variant per
    Smaregi product, options from size/color, SKU (and barcode when it looks like one) = productCode, and the
    initial ``available`` quantity per paired location from ``stock[product_id][location_id]``."""
    if not group:
        raise ValueError("a product needs at least one Smaregi product")
    first = smaregi_fields(group[0])
    option_fields = [name for name in ("size", "color") if any(getattr(p, name) for p in group)]
    if option_fields:
        product_options = [
            {
                "name": choices.SHOPIFY_OPTION_NAMES[name],
                "values": [{"name": v} for v in _unique(getattr(p, name) or "-" for p in group)],
            }
            for name in option_fields
        ]
    else:
        product_options = [
            {"name": choices.DEFAULT_OPTION_NAME, "values": [{"name": choices.DEFAULT_OPTION_VALUE}]}
        ]
    variants = []
    for product in group:
        canonical = smaregi_fields(product)
        if option_fields:
            option_values = [
                {"optionName": choices.SHOPIFY_OPTION_NAMES[name], "name": getattr(product, name) or "-"}
                for name in option_fields
            ]
        else:
            option_values = [
                {"optionName": choices.DEFAULT_OPTION_NAME, "name": choices.DEFAULT_OPTION_VALUE}
            ]
        variant: dict[str, Any] = {
            "optionValues": option_values,
            "price": str(canonical.price),
            "taxable": True,
            "inventoryItem": {
                "sku": product.product_code,
                "tracked": True,
                **({"cost": format(canonical.cost, "f")} if canonical.cost is not None else {}),
            },
        }
        if _looks_like_barcode(product.product_code):
            variant["barcode"] = product.product_code
        quantities = (stock or {}).get(product.product_id, {})
        if quantities:
            variant["inventoryQuantities"] = [
                {"locationId": location, "name": choices.QUANTITY_NAME, "quantity": quantity}
                for location, quantity in sorted(quantities.items())
            ]
        variants.append(variant)
    product_input: dict[str, Any] = {
        "title": first.title,
        "descriptionHtml": first.description or "",
        "status": "ACTIVE" if first.visible else choices.HIDDEN_SHOPIFY_STATUS,
        "productOptions": product_options,
        "variants": variants,
    }
    if first.category:
        product_input["productType"] = first.category
    source_id = group[0].group_code or group[0].product_id
    return ShopifyProductCreate(
        keys.product_create_key("smaregi", source_id), {"input": product_input, "synchronous": True}
    )


# --- deletes and exclusion ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeleteAction:
    """What a deletion on one side does to the other."""

    key: str
    target: str
    """The platform written."""
    kind: str
    """"hide" (Smaregi displayFlag 0), "delete" (DELETE /products/{id}), "archive" (Shopify status ARCHIVED),
    "delete_product" (productDelete), "delete_variant" (productVariantsBulkDelete), "unlink" (stop syncing)."""
    target_id: str
    payload: dict[str, Any]


def plan_delete(
    deleted_on: str, policy: str, target_id: str, shopify_product_id: str | None = None, siblings: int = 0
) -> DeleteAction | None:
    """The action on the other side when a linked product is deleted on ``deleted_on`` (``delete_policy``).

    ``target_id``: the Smaregi productId (deleted on Shopify) or the Shopify variant id (deleted on Smaregi);
    ``siblings``: other linked variants of the same Shopify product still alive. A Smaregi product is a Shopify
    *variant*: with siblings left, "delete" removes just that variant and "archive" only unlinks it (a variant
    cannot be archived). ``ignore`` does nothing; the link is dropped either way so nothing is mirrored for it
    afterwards.
    """
    if policy not in ("archive", "delete", "ignore"):
        raise ValueError(f"unknown delete_policy {policy!r}")
    if policy == "ignore":
        return None
    if deleted_on == "shopify":
        key = keys.product_delete_key("smaregi", target_id, policy)
        if policy == "archive":
            return DeleteAction(key, "smaregi", "hide", target_id, {"displayFlag": choices.SMAREGI_HIDDEN})
        return DeleteAction(key, "smaregi", "delete", target_id, {})
    if deleted_on != "smaregi":
        raise ValueError(f"unknown platform {deleted_on!r}")
    if shopify_product_id is None:
        raise ValueError("a Shopify target needs its product id")
    key = keys.product_delete_key("shopify", target_id, policy)
    if siblings:
        if policy == "delete":
            payload = {"productId": shopify_product_id, "variantsIds": [target_id]}
            return DeleteAction(key, "shopify", "delete_variant", target_id, payload)
        return DeleteAction(key, "shopify", "unlink", target_id, {})
    if policy == "archive":
        return DeleteAction(
            key,
            "shopify",
            "archive",
            target_id,
            {"product": {"id": shopify_product_id, "status": "ARCHIVED"}},
        )
    return DeleteAction(key, "shopify", "delete_product", target_id, {"input": {"id": shopify_product_id}})


# --- helpers ----------------------------------------------------------------------------------------------


def _option_name(options: tuple[tuple[str, str], ...], field_name: str) -> str:
    aliases = choices.SHOPIFY_OPTION_ALIASES[field_name]
    return next((name for name, _ in options if name in aliases), choices.SHOPIFY_OPTION_NAMES[field_name])


def _hidden_status(current: str) -> str:
    return current if current == "ARCHIVED" else choices.HIDDEN_SHOPIFY_STATUS


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _looks_like_barcode(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)
