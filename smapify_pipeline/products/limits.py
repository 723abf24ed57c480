"""Platform length limits of the synced text fields, and how a value too long for one is cut (docs/architecture.md,
"Products").

A value is cut only on its way to the platform that cannot hold it, and the cut is the field's canonical form on
*both* sides: the long source value and the cut copy compare equal, so a cut value is never a difference on the
next run. The cut keeps whole words where the text has a word boundary near the limit (spaces, in Japanese
text also the ideographic space and common separators), never splits a character from the marks that combine
with it, and drops trailing separators.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

SMAREGI_NAME_LIMIT = 85
"""Smaregi productName (and size, color): at most 85 characters."""
SMAREGI_TEXT_LIMIT = 1000
"""Smaregi description: at most 1000 characters."""
WORD_WINDOW = 20
"""How far back from the limit a word boundary is looked for; without one the text is cut at the limit."""
_BREAKS = frozenset(" \t\n\r\u3000、。・，,／/|｜")
"""Characters after which a cut may fall: whitespace and the separators of Japanese product names."""
_JOINERS = frozenset("\u200d\ufe0e\ufe0f")
"""Zero-width joiner and variation selectors: they belong to the character before them."""


def fit_text(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (see the module docstring); unchanged when it fits."""
    if limit < 1:
        raise ValueError(f"a limit of {limit} characters holds nothing")
    if len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and (_attaches(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    if text[cut] not in _BREAKS:
        boundary = max(
            (i + 1 for i in range(max(cut - WORD_WINDOW, 0), cut) if text[i] in _BREAKS), default=None
        )
        if boundary is not None:
            cut = boundary
    kept = text[:cut].rstrip("".join(_BREAKS))
    return kept or text[:cut]


def _attaches(ch: str) -> bool:
    """Whether ``ch`` belongs to the character before it (a combining mark, a joiner, a variation selector)."""
    return ch in _JOINERS or unicodedata.combining(ch) != 0 or "\U000e0100" <= ch <= "\U000e01ef"


@dataclass(frozen=True)
class Cut:
    """A value cut to fit a platform limit, as audited."""

    field: str
    platform: str
    limit: int
    full_length: int
    kept: str

    def audit_value(self) -> dict[str, object]:
        return {
            "field": self.field,
            "platform": self.platform,
            "limit": self.limit,
            "full_length": self.full_length,
            "kept": self.kept,
        }
