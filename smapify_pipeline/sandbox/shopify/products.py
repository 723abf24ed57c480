"""The backend of products and variants: create, update, set, delete, bulk variant create and update.

Each mutation validates its input as Shopify does (``userErrors``) and changes the state inside one action.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from smapify_pipeline.sandbox.shopify import choices
from smapify_pipeline.sandbox.shopify.common import to_decimal, user_error
from smapify_pipeline.sandbox.shopify.payloads import product_payload
from smapify_pipeline.sandbox.shopify.state import (
    Action,
    OptionValue,
    Product,
    ProductOption,
    ShopState,
    Variant,
    gid,
    parse_gid,
)
from smapify_pipeline.sandbox.shopify.views_catalogue import (
    ProductView,
    VariantView,
)

DEFAULT_OPTION = ("Title", "Default Title")
MAX_VARIANTS = 2048


# ---------------------------------------------------------------------------------------------- helpers


def handle_for(state: ShopState, title: str, wanted: str | None = None, own_id: int | None = None) -> str:
    """A unique handle: the one asked for, or the title in lower-case ASCII words; ``-1``, ``-2``… on clashes."""
    base = wanted or unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-") or "product"
    taken = {p.handle for p in state.products.values() if p.id != own_id}
    handle, n = base, 0
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    return handle


def normalise_tags(tags: list[str] | None) -> list[str]:
    seen: dict[str, str] = {}
    for tag in tags or []:
        for part in tag.split(","):
            part = part.strip()
            if part and part.lower() not in seen:
                seen[part.lower()] = part
    return list(seen.values())


def new_product(state: ShopState, title: str, fields: dict[str, Any]) -> Product:
    now = state.now()
    status = fields.get("status") or "ACTIVE"
    product = Product(
        id=state.new_id("Product"),
        title=title,
        handle=handle_for(state, title, fields.get("handle")),
        status=status,
        tags=normalise_tags(fields.get("tags")),
        product_type=fields.get("productType") or "",
        vendor=fields.get("vendor") or state.shop.name,
        description_html=fields.get("descriptionHtml") or "",
        created_at=now,
        updated_at=now,
        published_at=now if status == "ACTIVE" else None,
    )
    state.products[product.id] = product
    return product


def apply_product_fields(state: ShopState, product: Product, fields: dict[str, Any]) -> None:
    if fields.get("title") is not None:
        product.title = fields["title"]
    if fields.get("handle") is not None:
        product.handle = handle_for(state, product.title, fields["handle"], own_id=product.id)
    if fields.get("descriptionHtml") is not None:
        product.description_html = fields["descriptionHtml"]
    if fields.get("productType") is not None:
        product.product_type = fields["productType"]
    if fields.get("vendor") is not None:
        product.vendor = fields["vendor"]
    if fields.get("tags") is not None:
        product.tags = normalise_tags(fields["tags"])
    if fields.get("status") is not None:
        product.status = fields["status"]
        if product.status == "ACTIVE" and product.published_at is None:
            product.published_at = state.now()
    state.touch_product(product)


def set_options(new_id: Callable[[str], int], product: Product, options: list[tuple[str, list[str]]]) -> None:
    """Replace the product's options; the lone ``Title``/``Default Title`` option means "no options"."""
    if [(n, v) for n, v in options] in ([], [(DEFAULT_OPTION[0], [DEFAULT_OPTION[1]])]):
        product.options = []
        return
    existing = {o.name: o for o in product.options}
    result = []
    for position, (name, values) in enumerate(options, start=1):
        option = existing.get(name) or ProductOption(id=new_id("ProductOption"), name=name, position=position)
        option.position = position
        known = {v.name: v for v in option.values}
        option.values = [known.get(v) or OptionValue(new_id("ProductOptionValue"), v) for v in values]
        result.append(option)
    product.options = result


def ensure_option_value(state: ShopState, product: Product, name: str, value: str) -> None:
    option = next(o for o in product.options if o.name == name)
    if all(v.name != value for v in option.values):
        option.values.append(OptionValue(state.new_id("ProductOptionValue"), value))


def resolve_option_values(
    product: Product, values: list[dict[str, Any]] | None
) -> tuple[list[tuple[str, str]] | None, str]:
    """The variant's (option, value) pairs in option order, or (None, reason) if they do not fit the options."""
    values = values or []
    pairs: dict[str, str] = {}
    for entry in values:
        name = entry.get("optionName")
        if name is None and entry.get("optionId"):
            option_id = parse_gid(entry["optionId"], "ProductOption")
            name = next((o.name for o in product.options if o.id == option_id), None)
        value = entry.get("name")
        if name is None or value is None:
            return None, "Option values need an option name (or id) and a value name."
        pairs[name] = value
    if not product.options:
        if pairs in ({}, {DEFAULT_OPTION[0]: DEFAULT_OPTION[1]}):
            return [], ""
        return None, f"Option {sorted(pairs)[0]} does not exist on this product."
    unknown = [n for n in pairs if n not in {o.name for o in product.options}]
    if unknown:
        return None, f"Option {unknown[0]} does not exist on this product."
    missing = [o.name for o in product.options if o.name not in pairs]
    if missing:
        return None, f"You need to add option values for {', '.join(missing)}"
    return [(o.name, pairs[o.name]) for o in product.options], ""


def apply_variant_fields(state: ShopState, variant: Variant, fields: dict[str, Any]) -> None:
    if "price" in fields and fields["price"] is not None:
        variant.price = Decimal(str(fields["price"]))
    if "compareAtPrice" in fields:
        variant.compare_at_price = to_decimal(fields["compareAtPrice"])
    if "barcode" in fields:
        variant.barcode = fields["barcode"]
    if fields.get("inventoryPolicy") is not None:
        variant.inventory_policy = fields["inventoryPolicy"]
    if fields.get("taxable") is not None:
        variant.taxable = fields["taxable"]
    item = state.items[variant.inventory_item_id]
    if fields.get("sku") is not None:
        item.sku = fields["sku"]
    item_input = fields.get("inventoryItem") or {}
    if "sku" in item_input:
        item.sku = item_input["sku"]
    if "cost" in item_input:
        item.unit_cost = to_decimal(item_input["cost"])
    if item_input.get("tracked") is not None:
        item.tracked = item_input["tracked"]
    if item_input.get("requiresShipping") is not None:
        item.requires_shipping = item_input["requiresShipping"]
    variant.updated_at = item.updated_at = state.now()


def product_event(state: ShopState, action: Action, topic: str, product: Product) -> None:
    action.emit(topic, lambda: product_payload(state, product))
    if topic == "products/create" and choices.PRODUCT_CREATE_FIRES_UPDATE:
        action.emit("products/update", lambda: product_payload(state, product))


def _bad_price(fields: dict[str, Any]) -> bool:
    price = to_decimal(fields.get("price"))
    return price is not None and price < 0


def _negative_price_error(index: int) -> dict[str, Any]:
    """The userError of the variants bulk mutations for a variant priced below 0."""
    return user_error(
        ["variants", str(index), "price"], "Price must be greater than or equal to 0", "NEGATIVE_PRICE_VALUE"
    )


# ---------------------------------------------------------------------------------------------- mutations


def product_create(state: ShopState, action: Action, product: dict[str, Any] | None) -> dict[str, Any]:
    fields = product or {}
    title = (fields.get("title") or "").strip()
    if not title:
        return {"product": None, "shop": None, "userErrors": [user_error(["title"], "Title can't be blank")]}
    created = new_product(state, title, fields)
    options = [
        (o.get("name") or "", [v.get("name") or "" for v in (o.get("values") or [])])
        for o in fields.get("productOptions") or []
    ]
    set_options(state.new_id, created, options)
    first_values = [(o.name, o.values[0].name) for o in created.options if o.values]
    state.add_variant(created, Decimal(0), None, option_values=first_values)
    product_event(state, action, "products/create", created)
    return {"product": ProductView(state, created), "userErrors": []}


def product_update(state: ShopState, action: Action, product: dict[str, Any] | None) -> dict[str, Any]:
    fields = product or {}
    number = parse_gid(fields.get("id") or "", "Product")
    found = state.products.get(number) if number is not None else None
    if found is None:
        return {"product": None, "userErrors": [user_error(["id"], "Product does not exist")]}
    if fields.get("title") is not None and not fields["title"].strip():
        return {"product": None, "userErrors": [user_error(["title"], "Title can't be blank")]}
    apply_product_fields(state, found, fields)
    product_event(state, action, "products/update", found)
    return {"product": ProductView(state, found), "userErrors": []}


def product_delete(state: ShopState, action: Action, input: dict[str, Any]) -> dict[str, Any]:
    number = parse_gid(input.get("id") or "", "Product")
    found = state.products.get(number) if number is not None else None
    if found is None:
        return {"deletedProductId": None, "userErrors": [user_error(["id"], "Product does not exist")]}
    state.remove_product(found)
    action.emit("products/delete", lambda: {"id": found.id})
    return {"deletedProductId": gid("Product", found.id), "userErrors": []}


def product_set(
    state: ShopState,
    action: Action,
    input: dict[str, Any],
    synchronous: bool = True,
    identifier: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Desired-state upsert: scalar fields patched, options and variants replaced (missing variants deleted)."""

    def fail(field_path: list[str], message: str, code: str) -> dict[str, Any]:
        return {"product": None, "userErrors": [user_error(field_path, message, code)]}

    target: Product | None = None
    wanted_id = (identifier or {}).get("id") or input.get("id")
    if wanted_id:
        number = parse_gid(wanted_id, "Product")
        target = state.products.get(number) if number is not None else None
        if target is None:
            return fail(["input", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")
    elif (identifier or {}).get("handle"):
        target = next((p for p in state.products.values() if p.handle == identifier["handle"]), None)  # type: ignore[index]
    variants_input = input.get("variants") or []
    if len(variants_input) > MAX_VARIANTS:
        return fail(
            ["input", "variants"], f"Products can have at most {MAX_VARIANTS} variants", "VARIANTS_OVER_LIMIT"
        )
    if target is None and not (input.get("title") or "").strip():
        return fail(["input", "title"], "Title can't be blank", "INVALID_INPUT")

    options = [
        (o.get("name") or "", [v.get("name") or "" for v in (o.get("values") or [])])
        for o in input["productOptions"]
    ]
    probe = Product(0, "", "", "ACTIVE", [], "", "", "", state.now(), state.now())
    set_options(lambda kind: 0, probe, options)
    planned: list[tuple[dict[str, Any], Variant | None, list[tuple[str, str]]]] = []
    seen_combinations: set[tuple[tuple[str, str], ...]] = set()
    for index, entry in enumerate(variants_input):
        pairs, reason = resolve_option_values(probe, entry.get("optionValues"))
        if pairs is None:
            return fail(
                ["input", "variants", str(index), "optionValues"], reason, "OPTION_VALUE_DOES_NOT_EXIST"
            )
        if tuple(pairs) in seen_combinations:
            return fail(
                ["input", "variants", str(index)], "Duplicated option values", "DUPLICATED_OPTION_VALUE"
            )
        seen_combinations.add(tuple(pairs))
        if _bad_price(entry):
            return fail(["input", "variants", str(index), "price"], "Price must be ≥ 0", "INVALID_VARIANT")
        existing: Variant | None = None
        if entry.get("id"):
            number = parse_gid(entry["id"], "ProductVariant")
            existing = state.variants.get(number) if number is not None else None
            if existing is None or target is None or existing.product_id != target.id:
                return fail(
                    ["input", "variants", str(index), "id"],
                    "Product variant does not exist",
                    "PRODUCT_VARIANT_DOES_NOT_EXIST",
                )
        elif target is not None:
            existing = next((v for v in state.product_variants(target) if v.option_values == pairs), None)
        planned.append((entry, existing, pairs))
    for index, (entry, _, _) in enumerate(planned):
        for q_index, quantity in enumerate(entry.get("inventoryQuantities") or []):
            if parse_gid(quantity["locationId"], "Location") not in state.locations:
                return fail(
                    ["input", "variants", str(index), "inventoryQuantities", str(q_index), "locationId"],
                    "Location does not exist",
                    "INVALID_INPUT",
                )

    created = target is None
    if target is None:
        target = new_product(state, input["title"].strip(), input)
    else:
        apply_product_fields(state, target, input)
    set_options(state.new_id, target, options)
    keep = {existing.id for _, existing, _ in planned if existing is not None}
    for variant in list(state.product_variants(target)):
        if variant.id not in keep:
            state.remove_variant(variant)
    order: list[int] = []
    for entry, existing, pairs in planned:
        variant = existing or state.add_variant(target, Decimal(0), None, option_values=pairs)
        variant.option_values = pairs
        apply_variant_fields(state, variant, entry)
        for quantity in entry.get("inventoryQuantities") or [] if existing is None else []:
            level = state.activate(variant.inventory_item_id, parse_gid(quantity["locationId"], "Location"))  # type: ignore[arg-type]
            state.change_quantity(
                action, level, quantity["name"], quantity["quantity"] - level.quantity(quantity["name"])
            )
        order.append(variant.id)
    target.variant_ids = order
    for position, vid in enumerate(order, start=1):
        state.variants[vid].position = position
    state.touch_product(target)
    product_event(state, action, "products/create" if created else "products/update", target)
    return {"product": ProductView(state, target), "userErrors": []}


def variants_bulk_create(
    state: ShopState,
    action: Action,
    variants: list[dict[str, Any]],
    productId: str,
    strategy: str = "DEFAULT",
) -> dict[str, Any]:
    def fail(errors: list[dict[str, Any]]) -> dict[str, Any]:
        return {"product": None, "productVariants": None, "userErrors": errors}

    number = parse_gid(productId, "Product")
    target = state.products.get(number) if number is not None else None
    if target is None:
        return fail([user_error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")])
    # REMOVE_STANDALONE_VARIANT replaces the lone variant a product is created with.
    current = state.product_variants(target)
    standalone = current if len(current) == 1 else []
    removing_standalone = strategy == "REMOVE_STANDALONE_VARIANT"
    existing = {
        tuple(v.option_values)
        for v in state.product_variants(target)
        if not (removing_standalone and v in standalone)
    }
    planned: list[tuple[dict[str, Any], list[tuple[str, str]]]] = []
    errors = []
    for index, entry in enumerate(variants):
        pairs = _pairs_allowing_new_values(target, entry.get("optionValues"))
        if isinstance(pairs, str):
            code = "NEED_TO_ADD_OPTION_VALUES" if pairs.startswith("You need") else "INVALID"
            errors.append(user_error(["variants", str(index), "optionValues"], pairs, code))
            continue
        if tuple(pairs) in existing:
            errors.append(
                user_error(
                    ["variants", str(index)],
                    f"The variant '{' / '.join(v for _, v in pairs) or 'Default Title'}' already exists.",
                    "VARIANT_ALREADY_EXISTS",
                )
            )
            continue
        if _bad_price(entry):
            errors.append(_negative_price_error(index))
            continue
        for q_index, quantity in enumerate(entry.get("inventoryQuantities") or []):
            if parse_gid(quantity["locationId"], "Location") not in state.locations:
                errors.append(
                    user_error(
                        ["variants", str(index), "inventoryQuantities", str(q_index), "locationId"],
                        "Location not found",
                        "TRACKED_VARIANT_LOCATION_NOT_FOUND",
                    )
                )
        existing.add(tuple(pairs))
        planned.append((entry, pairs))
    if errors:
        return fail(errors)
    if removing_standalone:
        for variant in standalone:
            state.remove_variant(variant)
    created = []
    for entry, pairs in planned:
        for name, value in pairs:
            ensure_option_value(state, target, name, value)
        variant = state.add_variant(target, Decimal(0), None, option_values=pairs)
        apply_variant_fields(state, variant, entry)
        for quantity in entry.get("inventoryQuantities") or []:
            level = state.activate(variant.inventory_item_id, parse_gid(quantity["locationId"], "Location"))  # type: ignore[arg-type]
            state.change_quantity(
                action, level, "available", quantity["availableQuantity"] - level.quantities["available"]
            )
        created.append(variant)
    state.touch_product(target)
    product_event(state, action, "products/update", target)
    return {
        "product": ProductView(state, target),
        "productVariants": [VariantView(state, v) for v in created],
        "userErrors": [],
    }


def _pairs_allowing_new_values(
    product: Product, values: list[dict[str, Any]] | None
) -> list[tuple[str, str]] | str:
    """Like :func:`resolve_option_values`, but a new value of an existing option is fine (it gets added)."""
    widened = Product(
        **{
            **product.__dict__,
            "options": [
                ProductOption(
                    o.id,
                    o.name,
                    o.position,
                    [
                        *o.values,
                        *[
                            OptionValue(0, e.get("name") or "")
                            for e in values or []
                            if e.get("optionName") == o.name
                        ],
                    ],
                )
                for o in product.options
            ],
        }
    )
    pairs, reason = resolve_option_values(widened, values)
    return pairs if pairs is not None else reason


def variants_bulk_update(
    state: ShopState,
    action: Action,
    variants: list[dict[str, Any]],
    productId: str,
    allowPartialUpdates: bool = False,
) -> dict[str, Any]:
    number = parse_gid(productId, "Product")
    target = state.products.get(number) if number is not None else None
    if target is None:
        return {
            "product": None,
            "productVariants": None,
            "userErrors": [user_error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")],
        }
    errors = []
    planned: list[tuple[Variant, dict[str, Any], list[tuple[str, str]] | None]] = []
    for index, entry in enumerate(variants):
        if not entry.get("id"):
            errors.append(
                user_error(
                    ["variants", str(index), "id"],
                    "Product variant is missing ID attribute",
                    "PRODUCT_VARIANT_ID_MISSING",
                )
            )
            continue
        variant_id = parse_gid(entry["id"], "ProductVariant")
        variant = state.variants.get(variant_id) if variant_id is not None else None
        if variant is None or variant.product_id != target.id:
            errors.append(
                user_error(
                    ["variants", str(index), "id"],
                    "Product variant does not exist",
                    "PRODUCT_VARIANT_DOES_NOT_EXIST",
                )
            )
            continue
        if entry.get("inventoryQuantities"):
            errors.append(
                user_error(
                    ["variants", str(index), "inventoryQuantities"],
                    "Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities.",
                    "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE",
                )
            )
            continue
        if _bad_price(entry):
            errors.append(_negative_price_error(index))
            continue
        pairs = None
        if entry.get("optionValues"):
            resolved = _pairs_allowing_new_values(target, entry["optionValues"])
            if isinstance(resolved, str):
                errors.append(user_error(["variants", str(index), "optionValues"], resolved, None))
                continue
            pairs = resolved
        planned.append((variant, entry, pairs))
    if errors and not allowPartialUpdates:
        return {"product": ProductView(state, target), "productVariants": None, "userErrors": errors}
    for variant, entry, pairs in planned:
        if pairs is not None:
            for name, value in pairs:
                ensure_option_value(state, target, name, value)
            variant.option_values = pairs
        apply_variant_fields(state, variant, entry)
    if planned:
        state.touch_product(target)
        product_event(state, action, "products/update", target)
    return {
        "product": ProductView(state, target),
        "productVariants": [VariantView(state, v) for v, _, _ in planned],
        "userErrors": errors,
    }
