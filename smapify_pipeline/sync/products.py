"""Products both ways (DESIGN §4 field mapping and table rows 5–7; SCENARIOS P1–P10).

Mapped fields, compared in one canonical form (:class:`ProductFields`):
title ↔ productName; variant price ↔ price (tax-included, taxDivision 0); SKU or barcode ↔ productCode (by
``match_key``; the link key, never copied); productType ↔ category name; description ↔ description; unit cost ↔
cost; status ACTIVE ↔ displayFlag 1 (DRAFT/ARCHIVED ↔ 0); variants ↔ products sharing a groupCode; option values
↔ size/color.

Updates are a three-way merge against the values both sides had after the last sync (the link's *base*): a
field changed on one side is copied across; changed on both to different values, the primary wins and a
conflict is recorded (P5).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from smapify_pipeline.sync import choices, keys
from smapify_pipeline.sync.audit import AuditRecord
from smapify_pipeline.sync.records import UnmappableDocument

SMAREGI_NAME_LIMIT = 85
SMAREGI_TEXT_LIMIT = 1000
MERGED_FIELDS = ("title", "price", "category", "description", "cost", "visible", "size", "color")
"""Fields copied across; ``code`` is the link key and is never copied."""


@dataclass(frozen=True)
class ProductFields:
    """A variant's mapped fields in the form both platforms are compared in."""

    code: str
    title: str
    price: int
    category: str | None
    description: str | None
    cost: Decimal | None
    visible: bool
    size: str | None
    color: str | None


@dataclass(frozen=True)
class ShopifyVariantSnapshot:
    product_id: str
    variant_id: str
    inventory_item_id: str
    title: str
    product_type: str | None
    description_html: str | None
    status: str
    """ACTIVE, DRAFT, ARCHIVED (UNLISTED reads as ACTIVE)."""
    price: int
    sku: str | None
    barcode: str | None
    cost: Decimal | None
    options: tuple[tuple[str, str], ...] = ()
    """(option name, value) pairs of the variant."""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SmaregiProductSnapshot:
    product_id: str
    product_code: str
    product_name: str
    price: int
    category_id: str
    category_name: str | None
    description: str | None
    cost: Decimal | None
    display_flag: str
    size: str | None
    color: str | None
    group_code: str | None
    tag: str | None = None
    tax_division: str = choices.SMAREGI_TAX_DIVISION_INCLUDED


# --- canonical fields ---------------------------------------------------------------------------------------


def match_code(variant: ShopifyVariantSnapshot, match_key: str) -> str | None:
    """The variant's match key value (SKU or barcode), stripped; ``None`` when blank (P9)."""
    raw = variant.sku if match_key == "sku" else variant.barcode
    value = (raw or "").strip()
    return value or None


def shopify_fields(variant: ShopifyVariantSnapshot, match_key: str) -> ProductFields:
    code = match_code(variant, match_key)
    if code is None:
        raise UnmappableDocument(f"Shopify variant {variant.variant_id} has no match key ({match_key})")
    return ProductFields(
        code=code,
        title=_name(variant.title),
        price=variant.price,
        category=_blank_to_none(variant.product_type),
        description=_text(variant.description_html),
        cost=_cost(variant.cost),
        visible=variant.status in ("ACTIVE", "UNLISTED"),
        size=_option(variant.options, "size"),
        color=_option(variant.options, "color"),
    )


def smaregi_fields(product: SmaregiProductSnapshot) -> ProductFields:
    if product.tax_division != choices.SMAREGI_TAX_DIVISION_INCLUDED:
        raise UnmappableDocument(
            f"Smaregi product {product.product_id} is not priced tax-included (taxDivision {product.tax_division})"
        )
    return ProductFields(
        code=product.product_code,
        title=_name(product.product_name),
        price=product.price,
        category=_blank_to_none(product.category_name),
        description=_text(product.description),
        cost=_cost(product.cost),
        visible=product.display_flag == choices.SMAREGI_VISIBLE,
        size=_blank_to_none(product.size),
        color=_blank_to_none(product.color),
    )


# --- three-way merge ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductMerge:
    to_shopify: dict[str, Any]
    to_smaregi: dict[str, Any]
    conflicts: tuple[AuditRecord, ...]
    result: ProductFields
    """Both sides' values once the copies are applied: the next base."""


def merge_product(
    base: ProductFields | None, shopify: ProductFields, smaregi: ProductFields, primary: str
) -> ProductMerge:
    """Three-way merge of one linked variant (P3, P4, P5).

    With no base (first link), differing fields take the primary's value without a conflict record: nothing
    was changed "since the last sync" yet.
    """
    if primary not in ("shopify", "smaregi"):
        raise ValueError(f"unknown primary {primary!r}")
    to_shopify: dict[str, Any] = {}
    to_smaregi: dict[str, Any] = {}
    conflicts = []
    result = shopify if primary == "shopify" else smaregi
    for name in MERGED_FIELDS:
        on_shopify, on_smaregi = getattr(shopify, name), getattr(smaregi, name)
        if on_shopify == on_smaregi:
            continue
        shopify_changed = base is None or on_shopify != getattr(base, name)
        smaregi_changed = base is None or on_smaregi != getattr(base, name)
        if shopify_changed and smaregi_changed:
            winner = on_shopify if primary == "shopify" else on_smaregi
            if base is not None:
                conflicts.append(
                    AuditRecord(
                        kind="product_conflict",
                        entity="product",
                        entity_key=shopify.code,
                        location=None,
                        old_value={
                            "field": name,
                            "shopify": _jsonable(on_shopify),
                            "smaregi": _jsonable(on_smaregi),
                        },
                        new_value={"field": name, "value": _jsonable(winner)},
                        why=f"{name} changed on both sides since the last sync; {primary} is primary",
                    )
                )
        else:
            winner = on_shopify if shopify_changed else on_smaregi
        if on_shopify != winner:
            to_shopify[name] = winner
        if on_smaregi != winner:
            to_smaregi[name] = winner
        result = replace(result, **{name: winner})
    return ProductMerge(to_shopify, to_smaregi, tuple(conflicts), result)


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
    """Smaregi products for a product created on Shopify (P1): one per variant with a usable match key, all
    sharing a groupCode derived from the Shopify product, tax-included. Variants whose code is in
    ``skip_codes`` (quarantined duplicates, P8) and blank codes (P9) are left out."""
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
            "groupCode": choices.GROUP_CODE_PREFIX + _numeric(variant.product_id),
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
    """One Shopify product for Smaregi products created together (P2): a product per groupCode, a variant per
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
    """What a deletion on one side does to the other (P6, P7)."""

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


def is_excluded(tags: Iterable[str] | str | None, exclude_tag: str) -> bool:
    """Whether a product carries ``exclude_tag`` (P10): Shopify tags, or Smaregi's ``tag`` text (split on
    commas and whitespace). Case-insensitive, like Shopify tags."""
    if not tags or not exclude_tag:
        return False
    items = re.split(r"[,\s、]+", tags) if isinstance(tags, str) else list(tags)
    wanted = exclude_tag.strip().casefold()
    return any(item.strip().casefold() == wanted for item in items)


# --- helpers ------------------------------------------------------------------------------------------------


def _name(text: str) -> str:
    return text.strip()[:SMAREGI_NAME_LIMIT]


def _text(text: str | None) -> str | None:
    value = (text or "").strip()
    return value[:SMAREGI_TEXT_LIMIT] or None


def _cost(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.00001")).normalize()


def _blank_to_none(text: str | None) -> str | None:
    value = (text or "").strip()
    return value or None


def _option(options: tuple[tuple[str, str], ...], field_name: str) -> str | None:
    aliases = choices.SHOPIFY_OPTION_ALIASES[field_name]
    for name, value in options:
        if name in aliases and value != choices.DEFAULT_OPTION_VALUE:
            return _blank_to_none(value)
    return None


def _option_name(options: tuple[tuple[str, str], ...], field_name: str) -> str:
    aliases = choices.SHOPIFY_OPTION_ALIASES[field_name]
    return next((name for name, _ in options if name in aliases), choices.SHOPIFY_OPTION_NAMES[field_name])


def _hidden_status(current: str) -> str:
    return current if current == "ARCHIVED" else choices.HIDDEN_SHOPIFY_STATUS


def _numeric(gid: str) -> str:
    return gid.rsplit("/", 1)[-1]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _looks_like_barcode(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)


def _jsonable(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value
