"""Products both ways (docs/architecture.md, "Products").

Mapped fields, compared in one canonical form (:class:`ProductFields`), are declared in :mod:`.fields`:
title ↔ productName; variant price ↔ price (tax-included, taxDivision 0); productType ↔ category name;
description ↔ description; unit cost ↔ cost; status ACTIVE ↔ displayFlag 1 (DRAFT/ARCHIVED ↔ 0); option values
↔ size/color. SKU or barcode ↔ productCode (by ``match_key``) is the link key and never copied; variants ↔
products sharing a groupCode.

Updates are a three-way merge against the values both sides had after the last sync (the link's *base*): a
field changed on one side is copied across; changed on both to different values, the primary wins and a
conflict is recorded. The request bodies that carry the result are built by :mod:`.bodies`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from typing import Any

from smapify_pipeline.link.match_keys import smaregi_code_spelling
from smapify_pipeline.products.fields import (
    MERGED_FIELDS,
    ProductFields,
    ShopifyVariantSnapshot,
    SmaregiProductSnapshot,
    canonical_values,
    raw_option_value,
)
from smapify_pipeline.products.limits import SMAREGI_NAME_LIMIT, SMAREGI_TEXT_LIMIT, Cut
from smapify_pipeline.products.names import shopify_title, title_room
from smapify_pipeline.sync import choices
from smapify_pipeline.sync.audit import AuditRecord
from smapify_pipeline.sync.records import UnmappableDocument
from smapify_pipeline.warehouse.audit import AuditKind

# --- canonical fields ---------------------------------------------------------------------------------------


def match_code(variant: ShopifyVariantSnapshot, match_key: str) -> str | None:
    """The variant's match key value (SKU or barcode) as a Smaregi productCode spells it
    (:func:`smapify_pipeline.link.match_keys.smaregi_code_spelling`); ``None`` when blank."""
    return smaregi_code_spelling(variant.sku if match_key == "sku" else variant.barcode)


def shopify_fields(variant: ShopifyVariantSnapshot, match_key: str) -> ProductFields:
    """A variant's canonical fields; its title is what a Smaregi name of this variant holds of it."""
    code = match_code(variant, match_key)
    if code is None:
        raise UnmappableDocument(f"Shopify variant {variant.variant_id} has no match key ({match_key})")
    values = canonical_values(variant, "shopify")
    values["title"] = shopify_title(variant.title or "", values["size"], values["color"])
    return ProductFields(code=code, **values)


def shopify_cuts(variant: ShopifyVariantSnapshot, canonical: ProductFields) -> dict[str, Cut]:
    """The fields whose canonical value is a Shopify value cut to fit Smaregi, by field name."""
    full = {
        "title": (variant.title or "").strip(),
        "description": (variant.description_html or "").strip(),
        "size": raw_option_value(variant.options, "size"),
        "color": raw_option_value(variant.options, "color"),
    }
    cuts = {}
    for name, value in full.items():
        kept = getattr(canonical, name)
        if value and kept is not None and len(kept) < len(value):
            limit = title_room(canonical.size, canonical.color) if name == "title" else _LIMITS[name]
            cuts[name] = Cut(name, "smaregi", limit, len(value), kept)
    return cuts


_LIMITS = {"description": SMAREGI_TEXT_LIMIT, "size": SMAREGI_NAME_LIMIT, "color": SMAREGI_NAME_LIMIT}


def cut_audit(cut: Cut, record: str, ledger_key: str) -> dict[str, Any]:
    """The ``sync.audit`` record of a cut, recorded once when the write carrying it lands."""
    return asdict(
        AuditRecord(
            kind=AuditKind.VALUE_CUT, entity="product", entity_key=record, location=f"{cut.platform}:{cut.field}",
            old_value={"field": cut.field, "full_length": cut.full_length}, new_value=cut.audit_value(),
            why=f"{cut.field} of {cut.full_length} characters cut to fit {cut.platform}'s limit of {cut.limit}",
            ledger_key=ledger_key,
        )
    )  # fmt: skip


def smaregi_fields(product: SmaregiProductSnapshot) -> ProductFields:
    if product.tax_division != choices.SMAREGI_TAX_DIVISION_INCLUDED:
        raise UnmappableDocument(
            f"Smaregi product {product.product_id} is not priced tax-included (taxDivision {product.tax_division})"
        )
    return ProductFields(code=product.product_code, **canonical_values(product, "smaregi"))


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
    """Three-way merge of one linked variant.

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


# --- exclusion --------------------------------------------------------------------------------------------


def is_excluded(tags: Iterable[str] | str | None, exclude_tag: str) -> bool:
    """Whether a product carries ``exclude_tag``: Shopify tags, or Smaregi's ``tag`` text (split on
    commas and whitespace). Case-insensitive, like Shopify tags."""
    if not tags or not exclude_tag:
        return False
    items = re.split(r"[,\s、]+", tags) if isinstance(tags, str) else list(tags)
    wanted = exclude_tag.strip().casefold()
    return any(item.strip().casefold() == wanted for item in items)


# --- helpers ----------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value
