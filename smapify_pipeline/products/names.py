"""Product names between a Shopify product with variants and the Smaregi products of its groupCode
(docs/architecture.md, "Products").

A Smaregi product is one variant, so its productName is the Shopify product title followed by the variant's
option values, size then color, separated by spaces: ``Tシャツ M 白``. The size and color fields carry the same
values. A product without size or color keeps title ↔ productName. Reading a Smaregi name back needs the
group's common title (the *hint*: the title of the last sync, else the Shopify title), so that a rename changes
only what it names:

* the name still starts with the common title and its variant part changed → that variant's option values;
* the common part changed → the product's title, but only when every linked member of the group says the same
  new title (or the product has one member); a rename of one member alone is left on that member and recorded
  in ``sync.audit``, the Shopify product keeps its title;
* a name that is just the common title (how older catalogues name every member) reads as that title and is not
  rewritten until the title itself changes.

The name is written to Smaregi whenever the title or an option value it is made of changes. When the whole name
does not fit Smaregi's 85 characters, the title part is cut (:mod:`.limits`) and the variant part kept whole.
"""

from __future__ import annotations

from dataclasses import dataclass

from smapify_pipeline.products.limits import SMAREGI_NAME_LIMIT, fit_text


def variant_part(size: str | None, color: str | None) -> str:
    """The option values of a variant as its Smaregi name ends: size then color, space separated."""
    return " ".join(value for value in (size, color) if value)


def title_room(size: str | None, color: str | None) -> int:
    """How many characters of the title fit in a Smaregi name beside the variant part."""
    part = variant_part(size, color)
    return max(SMAREGI_NAME_LIMIT - len(part) - 1, 1) if part else SMAREGI_NAME_LIMIT


def shopify_title(title: str, size: str | None, color: str | None) -> str:
    """A Shopify title in canonical form: as much of it as a Smaregi name of this variant holds."""
    return fit_text(title.strip(), title_room(size, color))


def compose_name(title: str, size: str | None, color: str | None) -> str:
    """The Smaregi productName of a variant: title (fitted) and variant part."""
    part = variant_part(size, color)
    if not part:
        return fit_text(title, SMAREGI_NAME_LIMIT)
    return fit_text(f"{fit_text(title, title_room(size, color))} {part}", SMAREGI_NAME_LIMIT)


@dataclass(frozen=True)
class NameReading:
    """What one Smaregi member's name says."""

    title: str
    """The common title as this name gives it (the hint when the name keeps it)."""
    size: str | None
    color: str | None
    renamed_common: str | None = None
    """A common part that differs from the hint: a rename of the product, or of this member only."""
    bare: bool = False
    """The name is the common title alone, without its variant part."""
    unreadable: str | None = None
    """A variant part that could not be matched to the option values (left on the member, audited)."""


def read_smaregi_name(
    name: str,
    size: str | None,
    color: str | None,
    hint: str,
    base_size: str | None = None,
    base_color: str | None = None,
) -> NameReading:
    """Read a member's name against the group's common title ``hint``; ``size``/``color`` are its fields,
    ``base_*`` the option values of the last sync."""
    name = name.strip()
    if not variant_part(size, color) and not variant_part(base_size, base_color):
        return NameReading(hint, size, color, renamed_common=None if name == hint else name)
    if name == hint:
        return NameReading(hint, size, color, bare=True)
    if name in (compose_name(hint, size, color), compose_name(hint, base_size, base_color)):
        return NameReading(hint, size, color)
    if name.startswith(hint + " "):
        options = _options_from(name[len(hint) + 1 :].strip(), size, color)
        if options is None:
            return NameReading(hint, size, color, unreadable=name[len(hint) + 1 :].strip())
        return NameReading(hint, *options)
    part = variant_part(size, color)
    common = name[: -len(part) - 1].strip() if part and name.endswith(" " + part) else name
    return NameReading(hint, size, color, renamed_common=common or name)


def _options_from(part: str, size: str | None, color: str | None) -> tuple[str | None, str | None] | None:
    """(size, color) a renamed variant part gives: the value that still matches stays, the rest is the other
    option; ``None`` when it cannot be told apart."""
    if size and color:
        if part.endswith(" " + color) and part[: -len(color) - 1].strip():
            return part[: -len(color) - 1].strip(), color
        if part.startswith(size + " ") and part[len(size) + 1 :].strip():
            return size, part[len(size) + 1 :].strip()
        words = part.split()
        return (words[0], words[1]) if len(words) == 2 else None
    if size:
        return part, None
    if color:
        return None, part
    return None


def name_to_write(
    stored: str,
    reading: NameReading,
    title: str,
    size: str | None,
    color: str | None,
    *,
    parts_changed: bool,
) -> str | None:
    """The productName to write to a member after the merge (``title``, ``size``, ``color``: the merged values),
    or ``None`` to leave it. ``parts_changed``: the title or an option value changes on Smaregi in this merge."""
    wanted = compose_name(title, size, color)
    if wanted == stored.strip():
        return None
    if parts_changed:
        return wanted
    if reading.bare or reading.unreadable is not None or reading.renamed_common is not None:
        return None
    return wanted
