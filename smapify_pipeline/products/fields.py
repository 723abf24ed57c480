"""The synced product fields, declared once (docs/architecture.md, "Products").

Each :class:`SyncedField` says, for both platforms, which raw columns hold the field, how they read as the one
canonical value the merge compares, and where the value goes in a write. Everything else derives from
:data:`SYNCED_FIELDS`: the canonical :class:`ProductFields`, the two snapshot classes, the SQL select lists and
change hashes the plan queries use, the mappers (:mod:`.merge`) and the four write bodies (:mod:`.bodies`).
Adding a plain field (e.g. vendor) is one :class:`SyncedField` here, plus its raw columns where the extracts
declare them.

A hashed column is part of its side's change hash: a pair is merged again only when one side's hash moved since
the last sync, so every column a field reads is hashed. Hashed columns keep their order (the hash is of the
values joined in order, and a new order would re-merge every pair once): fields in table order, then the
record columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, make_dataclass
from decimal import Decimal
from typing import Any, Literal

from smapify_pipeline.products.limits import SMAREGI_NAME_LIMIT, SMAREGI_TEXT_LIMIT, fit_text
from smapify_pipeline.sync import choices
from smapify_pipeline.sync.records import UnmappableDocument

REQUIRED: Any = object()
"""The default of a snapshot attribute that must be given."""

# --- raw readers: a query value as its snapshot attribute ---------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _text_or(default: str) -> Callable[[Any], Any]:
    return lambda value: value or default


def _integer(value: Any) -> int:
    return int(value or 0)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _strings(value: Any) -> tuple[str, ...]:
    return () if value is None else tuple(value)


def _row_options(row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """A Shopify variant's (option name, value) pairs: its selectedOptions, else its size and color columns."""
    raw = row.get("selected_options")
    if raw:
        parsed = json.loads(raw) if isinstance(raw, str) else raw
        options = tuple(
            (str(o.get("name")), str(o.get("value")))
            for o in parsed
            if isinstance(o, dict) and o.get("name") and o.get("value") is not None
        )
        if options:
            return options
    pairs = (("size", row.get("shopify_size")), ("color", row.get("shopify_color")))
    return tuple((name, value) for name, value in pairs if value)


# --- canonical forms: a snapshot attribute as the value both platforms are compared in -------------------------


def _name(text: str) -> str:
    """A name as Smaregi can hold it (a Shopify title's canonical form also depends on its variant part:
    :func:`smapify_pipeline.products.names.shopify_title`)."""
    return fit_text(text.strip(), SMAREGI_NAME_LIMIT)


def _long_text(text: str | None) -> str | None:
    value = (text or "").strip()
    return fit_text(value, SMAREGI_TEXT_LIMIT) or None


def _cost(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.00001")).normalize()


def blank_to_none(text: str | None) -> str | None:
    value = (text or "").strip()
    return value or None


def _shopify_visible(status: str) -> bool:
    return status in ("ACTIVE", "UNLISTED")


def _smaregi_visible(display_flag: str) -> bool:
    return display_flag == choices.SMAREGI_VISIBLE


def raw_option_value(options: tuple[tuple[str, str], ...], field_name: str) -> str | None:
    """A Shopify variant's value of the option that maps to ``field_name`` (size or color), as Shopify holds it."""
    aliases = choices.SHOPIFY_OPTION_ALIASES[field_name]
    for name, option in options:
        if name in aliases and option != choices.DEFAULT_OPTION_VALUE:
            return blank_to_none(option)
    return None


def _option_value(field_name: str) -> Callable[[tuple[tuple[str, str], ...]], str | None]:
    def value(options: tuple[tuple[str, str], ...]) -> str | None:
        found = raw_option_value(options, field_name)
        return None if found is None else fit_text(found, SMAREGI_NAME_LIMIT)

    return value


# --- write encoders: a canonical value as the platform's wire value --------------------------------------------
# ``target`` is what the write goes to: the Shopify variant snapshot (``None`` on a create) or, on Smaregi, the
# category ids by name.


def _as_is(value: Any, target: Any) -> Any:
    return value


def _or_empty(value: Any, target: Any) -> Any:
    return value or ""


def _string(value: Any, target: Any) -> str:
    return str(value)


def _decimal_text(value: Decimal | None, target: Any) -> str | None:
    return None if value is None else format(value, "f")


def _decimal_text_or_empty(value: Decimal | None, target: Any) -> str:
    return "" if value is None else format(value, "f")


def _shopify_status(visible: bool, variant: Any) -> str:
    """ACTIVE, or hidden: an archived product stays ARCHIVED, anything else (and a new product) goes DRAFT."""
    if visible:
        return "ACTIVE"
    current = variant.status if variant is not None else None
    return current if current == "ARCHIVED" else choices.HIDDEN_SHOPIFY_STATUS


def _display_flag(visible: bool, target: Any) -> str:
    return choices.SMAREGI_VISIBLE if visible else choices.SMAREGI_HIDDEN


def _category_id(name: str, category_ids: Mapping[str, str]) -> str:
    if name not in category_ids:
        raise UnmappableDocument(f"no Smaregi category named {name!r}")
    return category_ids[name]


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


# --- the declarations --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawColumn:
    sql: str
    """The column in the plan queries (``p``/``v``: Shopify product/variant, ``s``/``c``: Smaregi product/category)."""
    alias: str
    """Its name in a query row (unique over both sides)."""
    attribute: str | None
    """The snapshot attribute it fills (``None``: read by a :class:`Derived` attribute)."""
    hashed: bool = True
    read: Callable[[Any], Any] = _same
    default: Any = REQUIRED
    """The attribute's default when a snapshot is built by hand."""

    @property
    def columns(self) -> tuple[RawColumn, ...]:
        return (self,)

    def value(self, row: Mapping[str, Any]) -> Any:
        return self.read(row.get(self.alias))


@dataclass(frozen=True)
class Derived:
    """A snapshot attribute computed from several raw columns."""

    attribute: str
    columns: tuple[RawColumn, ...]
    derive: Callable[[Mapping[str, Any]], Any]
    default: Any = REQUIRED

    def value(self, row: Mapping[str, Any]) -> Any:
        return self.derive(row)


Source = RawColumn | Derived


@dataclass(frozen=True)
class Read:
    """How one platform's record gives a field's canonical value: ``canonical`` of the last source's attribute
    (earlier sources are read, and hashed, with it)."""

    sources: tuple[Source, ...]
    canonical: Callable[[Any], Any] = _same

    @property
    def attribute(self) -> str:
        attribute = self.sources[-1].attribute
        assert attribute is not None
        return attribute


@dataclass(frozen=True)
class ShopifyWrite:
    level: Literal["product", "variant", "option"]
    """``product``: productUpdate / productSet input; ``variant``: the variant input; ``option``: an option
    value of the variant (the product's options on a create)."""
    path: tuple[str, ...] = ()
    """Where the value goes in that input."""
    encode: Callable[[Any, Any], Any] = _as_is
    on_create: Literal["always", "if_set"] = "always"
    """``if_set``: a create leaves the field out when its value is ``None``."""

    def put(self, target: dict[str, Any], value: Any, variant: Any) -> None:
        """Write ``value`` into a product or variant input (``variant``: the written one, ``None`` on a create)."""
        *parents, last = self.path
        for key in parents:
            target = target.setdefault(key, {})
        target[last] = self.encode(value, variant)


@dataclass(frozen=True)
class SmaregiWrite:
    body: str
    """The ``POST``/``PATCH /products`` body field."""
    encode: Callable[[Any, Any], str] = _as_is
    with_it: Mapping[str, str] = field(default_factory=dict)
    """Body fields always written along with it."""
    on_create: Literal["always", "if_set", "never"] = "always"
    """``never``: the create sets the field itself."""

    def put(self, body: dict[str, str], value: Any, category_ids: Mapping[str, str]) -> None:
        body[self.body] = self.encode(value, category_ids)
        body.update(self.with_it)


@dataclass(frozen=True)
class SyncedField:
    name: str
    """Its name in :class:`ProductFields`."""
    shopify: Read
    shopify_write: ShopifyWrite
    smaregi: Read
    smaregi_write: SmaregiWrite
    load: Callable[[Any], Any] = _same
    """The value from its JSON form in the sync base."""


def _column(sql: str, alias: str, attribute: str | None = None, **options: Any) -> RawColumn:
    return RawColumn(sql, alias, alias if attribute is None else attribute, **options)


_SHOPIFY_OPTIONS = Derived(
    "options",
    (
        RawColumn("v.selected_options", "selected_options", None),
        RawColumn("v.size", "shopify_size", None),
        RawColumn("v.color", "shopify_color", None),
    ),
    _row_options,
    default=(),
)


def _option_field(name: str) -> SyncedField:
    return SyncedField(
        name,
        shopify=Read((_SHOPIFY_OPTIONS,), _option_value(name)),
        shopify_write=ShopifyWrite("option"),
        smaregi=Read((_column(f"s.{name}", f"smaregi_{name}", name),), blank_to_none),
        smaregi_write=SmaregiWrite(name, _or_empty, on_create="if_set"),
    )


SYNCED_FIELDS: tuple[SyncedField, ...] = (
    SyncedField(
        "title",
        shopify=Read((_column("p.title", "title", read=_text_or("")),), _name),
        shopify_write=ShopifyWrite("product", ("title",)),
        smaregi=Read((_column("s.product_name", "product_name", read=_text_or("")),), _name),
        smaregi_write=SmaregiWrite("productName"),
    ),
    SyncedField(
        "price",
        shopify=Read((_column("v.price", "shopify_price", "price", read=_integer),)),
        shopify_write=ShopifyWrite("variant", ("price",), _string),
        smaregi=Read((_column("s.price", "smaregi_price", "price", read=_integer),)),
        smaregi_write=SmaregiWrite(
            "price", _string, with_it={"taxDivision": choices.SMAREGI_TAX_DIVISION_INCLUDED}
        ),
    ),
    SyncedField(
        "category",
        shopify=Read((_column("p.product_type", "product_type"),), blank_to_none),
        shopify_write=ShopifyWrite("product", ("productType",), _or_empty, on_create="if_set"),
        smaregi=Read(
            (
                _column("s.category_id", "category_id", read=_text_or("")),
                _column("c.category_name", "category_name"),
            ),
            blank_to_none,
        ),
        smaregi_write=SmaregiWrite("categoryId", _category_id, on_create="never"),
    ),
    SyncedField(
        "description",
        shopify=Read((_column("p.description_html", "description_html"),), _long_text),
        shopify_write=ShopifyWrite("product", ("descriptionHtml",), _or_empty),
        smaregi=Read((_column("s.description", "description"),), _long_text),
        smaregi_write=SmaregiWrite("description", _or_empty, on_create="if_set"),
    ),
    SyncedField(
        "cost",
        shopify=Read((_column("v.unit_cost", "unit_cost", "cost", read=_decimal),), _cost),
        shopify_write=ShopifyWrite("variant", ("inventoryItem", "cost"), _decimal_text, on_create="if_set"),
        smaregi=Read((_column("s.cost", "cost", read=_decimal),), _cost),
        smaregi_write=SmaregiWrite("cost", _decimal_text_or_empty, on_create="if_set"),
        load=_decimal_or_none,
    ),
    SyncedField(
        "visible",
        shopify=Read((_column("p.status", "status", read=_text_or("ACTIVE")),), _shopify_visible),
        shopify_write=ShopifyWrite("product", ("status",), _shopify_status),
        smaregi=Read(
            (_column("s.display_flag", "display_flag", read=_text_or(choices.SMAREGI_VISIBLE)),),
            _smaregi_visible,
        ),
        smaregi_write=SmaregiWrite("displayFlag", _display_flag),
    ),
    _option_field("size"),
    _option_field("color"),
)
"""The fields copied across, in hash order. The link key (``code``) is not one of them: it is never copied."""

SHOPIFY_RECORD = (
    RawColumn("v.sku", "sku", "sku"),
    RawColumn("v.barcode", "barcode", "barcode"),
    RawColumn("v.variant_id", "variant_id", "variant_id", hashed=False),
    RawColumn("p.product_id", "shopify_product_id", "product_id", hashed=False),
    RawColumn(
        "v.inventory_item_id", "inventory_item_id", "inventory_item_id", hashed=False, read=_text_or("")
    ),
    RawColumn("p.tags", "tags", "tags", hashed=False, read=_strings, default=()),
)
"""The Shopify columns besides the synced fields: the match keys, the ids and the tags."""
SMAREGI_RECORD = (
    RawColumn(
        "s.tax_division",
        "tax_division",
        "tax_division",
        read=_text_or(choices.SMAREGI_TAX_DIVISION_INCLUDED),
        default=choices.SMAREGI_TAX_DIVISION_INCLUDED,
    ),
    RawColumn("s.product_code", "product_code", "product_code", read=_text_or("")),
    RawColumn("s.product_id", "smaregi_product_id", "product_id", hashed=False),
    RawColumn("s.group_code", "group_code", "group_code", hashed=False, default=None),
    RawColumn("s.tag", "tag", "tag", hashed=False, default=None),
)
"""The Smaregi columns besides the synced fields: the tax division, the link key, the ids and the tag."""

MERGED_FIELDS = tuple(f.name for f in SYNCED_FIELDS)
FIELDS_BY_NAME = {f.name: f for f in SYNCED_FIELDS}


def _unique(items: Iterable[Any], key: Callable[[Any], Any]) -> tuple[Any, ...]:
    """``items`` without repeats (by ``key``), in first-seen order."""
    first: dict[Any, Any] = {}
    for item in items:
        first.setdefault(key(item), item)
    return tuple(first.values())


def _sources(reads: Iterable[Read], record: tuple[RawColumn, ...]) -> dict[str, Source]:
    """A side's snapshot attributes and where each comes from: the fields' sources, then the record columns."""
    found: dict[str, Source] = {}
    for source in [*(s for r in reads for s in r.sources), *record]:
        assert source.attribute is not None, source
        found.setdefault(source.attribute, source)
    return found


SHOPIFY_SOURCES = _sources((f.shopify for f in SYNCED_FIELDS), SHOPIFY_RECORD)
SMAREGI_SOURCES = _sources((f.smaregi for f in SYNCED_FIELDS), SMAREGI_RECORD)
SHOPIFY_COLUMNS: tuple[RawColumn, ...] = _unique(
    (c for s in SHOPIFY_SOURCES.values() for c in s.columns), key=lambda c: c.alias
)
SMAREGI_COLUMNS: tuple[RawColumn, ...] = _unique(
    (c for s in SMAREGI_SOURCES.values() for c in s.columns), key=lambda c: c.alias
)


# --- what derives --------------------------------------------------------------------------------------------


def _record_class(name: str, doc: str, attributes: Iterable[tuple[str, Any]]) -> type:
    specs = [
        (attribute, Any, field(default=MISSING if default is REQUIRED else default))
        for attribute, default in attributes
    ]
    cls = make_dataclass(name, specs, frozen=True, kw_only=True)
    cls.__module__, cls.__doc__ = __name__, doc
    return cls


ProductFields: Any = _record_class(
    "ProductFields",
    "A variant's mapped fields in the form both platforms are compared in.",
    [("code", REQUIRED), *((name, REQUIRED) for name in MERGED_FIELDS)],
)
ShopifyVariantSnapshot: Any = _record_class(
    "ShopifyVariantSnapshot",
    "A Shopify variant (with its product's fields) as the product sync reads it.",
    ((a, s.default) for a, s in SHOPIFY_SOURCES.items()),
)
SmaregiProductSnapshot: Any = _record_class(
    "SmaregiProductSnapshot",
    "A Smaregi product (with its category's name) as the product sync reads it.",
    ((a, s.default) for a, s in SMAREGI_SOURCES.items()),
)


def change_hash(columns: tuple[RawColumn, ...]) -> str:
    """SQL of a side's change hash: its hashed columns' values joined in order."""
    terms = ", ".join(f"coalesce({c.sql}::VARCHAR, '∅')" for c in columns if c.hashed)
    return f"md5(concat_ws('|', {terms}))"


def select_list(columns: tuple[RawColumn, ...]) -> str:
    return ", ".join(f"{c.sql} AS {c.alias}" for c in columns)


SHOPIFY_HASH = change_hash(SHOPIFY_COLUMNS)
SMAREGI_HASH = change_hash(SMAREGI_COLUMNS)
SHOPIFY_SELECT = select_list(SHOPIFY_COLUMNS)
SMAREGI_SELECT = select_list(SMAREGI_COLUMNS)


def shopify_snapshot(row: Mapping[str, Any]) -> Any:
    return ShopifyVariantSnapshot(**{a: s.value(row) for a, s in SHOPIFY_SOURCES.items()})


def smaregi_snapshot(row: Mapping[str, Any]) -> Any:
    return SmaregiProductSnapshot(**{a: s.value(row) for a, s in SMAREGI_SOURCES.items()})


def canonical_values(snapshot: Any, platform: Literal["shopify", "smaregi"]) -> dict[str, Any]:
    """The synced fields of a snapshot in canonical form, by field name."""
    reads = ((f.name, f.shopify if platform == "shopify" else f.smaregi) for f in SYNCED_FIELDS)
    return {name: read.canonical(getattr(snapshot, read.attribute)) for name, read in reads}
