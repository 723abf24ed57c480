"""Match keys: how a Shopify SKU (or barcode) and a Smaregi productCode are compared (docs/architecture.md,
"Linking").

Merchants type codes by hand on two systems, so the same code arrives in several spellings: full-width letters
and digits from a Japanese input method, a katakana long-vowel mark or a Unicode dash for the hyphen, stray
spaces around or inside, lower case. Links are made on one normalised key:

1. Unicode NFKC: full-width letters, digits and symbols become ASCII (``ＡＢＣ－７７８`` → ``ABC-778``);
2. every dash-like character becomes ``-`` (:data:`DASHES`);
3. every whitespace character, surrounding or inner, is removed (a code is one token: ``4 901234 567894``
   printed in groups is the JAN ``4901234567894``), and so are zero-width characters;
4. letters are folded to upper case.

A product created on Smaregi from Shopify gets :func:`smaregi_code_spelling`: steps 1–3 with the merchant's
case kept, since Smaregi requires 1–20 printable ASCII characters and the merchant's case is legal there. A key
that cannot be written that way (:func:`productcode_problem`) is quarantined rather than created.

The SQL of the link step calls these very functions (:func:`register_sql_functions`), so the rule is declared
once.
"""

from __future__ import annotations

import unicodedata

import duckdb
from duckdb.sqltypes import VARCHAR

SMAREGI_CODE_LIMIT = 20
"""Smaregi productCode: at most 20 characters, printable ASCII."""

DASHES = frozenset(
    "\u002d\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2500\u2501\u30fc\ufe58\ufe63\uff0d\uff70"
)
"""Characters read as a hyphen in a code: ASCII hyphen-minus, soft hyphen, the Unicode hyphens and dashes, minus
sign, box-drawing horizontals and the katakana long-vowel mark (both typed for a hyphen by Japanese input
methods), and their small and full-width forms."""

_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")
"""Zero-width characters, removed like whitespace."""

SQL_MATCH_KEY = "smapify_match_key"
SQL_CODE_PROBLEM = "smapify_code_problem"


def smaregi_code_spelling(raw: str | None) -> str | None:
    """The code as it is written to Smaregi: NFKC, dashes unified, whitespace removed, case kept; ``None`` when
    nothing is left."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw)
    kept = "".join("-" if ch in DASHES else ch for ch in text if not (ch.isspace() or ch in _INVISIBLE))
    return kept or None


def normalise_match_key(raw: str | None) -> str | None:
    """The key links are made on (see the module docstring); ``None`` for a blank code."""
    spelling = smaregi_code_spelling(raw)
    return None if spelling is None else spelling.upper()


def productcode_problem(raw: str | None) -> str | None:
    """Why the code cannot be a Smaregi productCode once spelled by :func:`smaregi_code_spelling`, or ``None``."""
    spelling = smaregi_code_spelling(raw)
    if spelling is None:
        return None
    if len(spelling) > SMAREGI_CODE_LIMIT:
        return f"longer than {SMAREGI_CODE_LIMIT} characters ({len(spelling)})"
    if not all("!" <= ch <= "~" for ch in spelling):
        return "characters other than printable ASCII"
    return None


def register_sql_functions(conn: duckdb.DuckDBPyConnection) -> None:
    """Make :func:`normalise_match_key` and :func:`productcode_problem` callable from this connection's SQL."""
    known = {
        name
        for (name,) in conn.execute(
            "SELECT function_name FROM duckdb_functions() WHERE function_name IN (?, ?)",
            [SQL_MATCH_KEY, SQL_CODE_PROBLEM],
        ).fetchall()
    }
    for name, function in ((SQL_MATCH_KEY, normalise_match_key), (SQL_CODE_PROBLEM, productcode_problem)):
        if name not in known:
            conn.create_function(name, function, [VARCHAR], VARCHAR, null_handling="special")
