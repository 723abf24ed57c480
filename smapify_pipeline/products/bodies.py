"""Product writes on either platform (docs/architecture.md, "Products"): merged changes as
``PATCH /products/{id}`` or productUpdate + productVariantsBulkUpdate, creates (``POST /products`` per variant,
``productSet`` per Smaregi group) and the action a deletion calls for under ``delete_policy``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from smapify_pipeline.products.fields import (
    FIELDS_BY_NAME,
    SYNCED_FIELDS,
    ProductFields,
    ShopifyVariantSnapshot,
    SmaregiProductSnapshot,
    SyncedField,
)
from smapify_pipeline.products.merge import (
    cut_audit,
    match_code,
    shopify_cuts,
    shopify_fields,
    smaregi_fields,
)
from smapify_pipeline.products.names import compose_name, variant_part
from smapify_pipeline.sync import choices, keys
from smapify_pipeline.sync.gids import numeric_id

# --- update payloads ----------------------------------------------------------------------------------------


def smaregi_product_patch(
    product_id: str, changes: Mapping[str, Any], category_ids: Mapping[str, str], generation: int = 0
) -> tuple[str, dict[str, str]]:
    """``PATCH /products/{id}`` key and body for merged changes (strings only; price stays tax-included);
    ``generation``: the product's updates applied so far (:func:`.keys.product_update_key`)."""
    body: dict[str, str] = {}
    for name, value in changes.items():
        _synced(name).smaregi_write.put(body, value, category_ids)
    return keys.product_update_key("smaregi", product_id, dict(changes), generation), body


@dataclass(frozen=True)
class ShopifyProductUpdate:
    key: str
    product: dict[str, Any] | None
    """``productUpdate(product:)`` input, or ``None`` when no product-level field changed."""
    variants: dict[str, Any] | None
    """``productVariantsBulkUpdate`` variables, or ``None`` when no variant-level field changed."""


def shopify_product_update(
    variant: ShopifyVariantSnapshot, changes: Mapping[str, Any], generation: int = 0
) -> ShopifyProductUpdate:
    """Product-level fields (title, productType, description, status) and variant-level ones (price, cost,
    option values) go to their own mutations."""
    inputs: dict[str, dict[str, Any]] = {"product": {}, "variant": {}}
    options: dict[str, str] = {}
    for name, value in changes.items():
        write = _synced(name).shopify_write
        if write.level == "option":
            options[_option_name(variant.options, name)] = value or ""
        else:
            write.put(inputs[write.level], value, variant)
    product, item = inputs["product"], inputs["variant"]
    if options:
        item["optionValues"] = _all_option_values(variant.options, options)
    return ShopifyProductUpdate(
        key=keys.product_update_key("shopify", variant.variant_id, dict(changes), generation),
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
    cuts: tuple[dict[str, Any], ...] = ()
    """Audit records of the Shopify values cut to fit Smaregi."""


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
        body = {
            "categoryId": category_id,
            "productCode": code,
            "taxDivision": choices.SMAREGI_TAX_DIVISION_INCLUDED,
            "productPriceDivision": "1",
            "division": "0",
            "salesDivision": "0",
            "stockControlDivision": "0",
            "groupCode": choices.GROUP_CODE_PREFIX + numeric_id(variant.product_id),
        }
        canonical = shopify_fields(variant, match_key)
        for synced, value in _created(canonical, lambda f: f.smaregi_write.on_create):
            synced.smaregi_write.put(body, value, {})
        body["productName"] = compose_name(canonical.title, canonical.size, canonical.color)
        key = keys.product_create_key("shopify", variant.variant_id)
        cuts = tuple(
            cut_audit(cut, variant.variant_id, f"{key}#cut:{name}")
            for name, cut in shopify_cuts(variant, canonical).items()
        )
        creates.append(SmaregiProductCreate(key, body, cuts))
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
    options = [
        (choices.SHOPIFY_OPTION_NAMES[f.name], f.smaregi.attribute)
        for f in SYNCED_FIELDS
        if f.shopify_write.level == "option" and any(getattr(p, f.smaregi.attribute) for p in group)
    ]
    if options:
        product_options = [
            {"name": name, "values": [{"name": v} for v in _unique(getattr(p, a) or "-" for p in group)]}
            for name, a in options
        ]
    else:
        product_options = [
            {"name": choices.DEFAULT_OPTION_NAME, "values": [{"name": choices.DEFAULT_OPTION_VALUE}]}
        ]
    variants = []
    for product in group:
        if options:
            option_values = [{"optionName": name, "name": getattr(product, a) or "-"} for name, a in options]
        else:
            option_values = [
                {"optionName": choices.DEFAULT_OPTION_NAME, "name": choices.DEFAULT_OPTION_VALUE}
            ]
        variant: dict[str, Any] = {
            "optionValues": option_values,
            "taxable": True,
            "inventoryItem": {"sku": product.product_code.strip(), "tracked": True},
        }
        _shopify_create_input(variant, "variant", smaregi_fields(product))
        if _looks_like_barcode(product.product_code.strip()):
            variant["barcode"] = product.product_code.strip()
        quantities = (stock or {}).get(product.product_id, {})
        if quantities:
            variant["inventoryQuantities"] = [
                {"locationId": location, "name": choices.QUANTITY_NAME, "quantity": quantity}
                for location, quantity in sorted(quantities.items())
            ]
        variants.append(variant)
    product_input: dict[str, Any] = {}
    first = smaregi_fields(group[0])
    _shopify_create_input(product_input, "product", replace(first, title=common_title(first.title, first)))
    product_input.update(productOptions=product_options, variants=variants)
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


def _synced(name: str) -> SyncedField:
    if name not in FIELDS_BY_NAME:
        raise ValueError(f"not a merged field: {name!r}")
    return FIELDS_BY_NAME[name]


def _created(
    canonical: ProductFields, on_create: Callable[[SyncedField], str]
) -> list[tuple[SyncedField, Any]]:
    """The synced fields a create writes, with their values: all but ``never``, and ``if_set`` ones when set."""
    values = ((f, getattr(canonical, f.name)) for f in SYNCED_FIELDS)
    return [
        (f, v) for f, v in values if on_create(f) == "always" or (on_create(f) == "if_set" and v is not None)
    ]


def _shopify_create_input(target: dict[str, Any], level: str, canonical: ProductFields) -> None:
    """Put the synced fields of ``level`` (product or variant) into a productSet input."""
    for synced, value in _created(canonical, lambda f: f.shopify_write.on_create):
        if synced.shopify_write.level == level:
            synced.shopify_write.put(target, value, None)


def _all_option_values(current: tuple[tuple[str, str], ...], changed: dict[str, str]) -> list[dict[str, str]]:
    """A variant's every option value, the changed ones replaced: Shopify wants a value for each option of the
    product when a variant's option values are updated."""
    values = [{"optionName": name, "name": changed.get(name, value)} for name, value in current]
    known = {name for name, _ in current}
    return values + [
        {"optionName": name, "name": value} for name, value in changed.items() if name not in known
    ]


def _option_name(options: tuple[tuple[str, str], ...], field_name: str) -> str:
    aliases = choices.SHOPIFY_OPTION_ALIASES[field_name]
    return next((name for name, _ in options if name in aliases), choices.SHOPIFY_OPTION_NAMES[field_name])


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def common_title(name: str, member: ProductFields) -> str:
    """A Smaregi member's name without its variant part: the title of the Shopify product made of its group."""
    part = variant_part(member.size, member.color)
    if part and name.endswith(" " + part) and name[: -len(part) - 1].strip():
        return name[: -len(part) - 1].strip()
    return name


def _looks_like_barcode(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)
