"""Field builders shared by the raw pandera models, so each model reads as a list of rules.

Every column is coerced to its type except timestamps: coercing a naive timestamp to a UTC-aware dtype would
silently assume UTC, so a naive column fails its dtype check instead. (Schema-level ``coerce`` would override
the per-column choice, so the models leave it off and each field sets it.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandera.pandas as pa

from smapify_pipeline.schemas import patterns

UTC_NS = {"unit": "ns", "tz": "UTC"}
INTEGER_LIMIT = 2_147_483_647
"""DuckDB INTEGER bound: quantities outside it could not be stored."""


def field(**rules: Any) -> Any:
    """``pa.Field`` that coerces the column to its annotated type."""
    return pa.Field(coerce=True, **rules)


def shopify_id(type_name: str, *, nullable: bool = False) -> Any:
    return field(str_matches=patterns.shopify_gid(type_name), nullable=nullable)


def smaregi_id(*, nullable: bool = False, pattern: str = patterns.SMAREGI_ID) -> Any:
    return field(str_matches=pattern, nullable=nullable)


def text(*, nullable: bool = True, max_length: int | None = None) -> Any:
    if max_length is None:
        return field(nullable=nullable, str_length={"min_value": 1} if not nullable else None)
    return field(nullable=nullable, str_length={"min_value": 1, "max_value": max_length})


def code(values: Iterable[str], *, nullable: bool = False) -> Any:
    return field(isin=list(values), nullable=nullable)


def yen(*, nullable: bool = True, ge: int | None = 0, limit: int | None = None) -> Any:
    if limit is not None:
        low = -limit if ge is None else ge
        return field(nullable=nullable, in_range={"min_value": low, "max_value": limit})
    if ge is None:
        return field(nullable=nullable)
    return field(nullable=nullable, ge=ge)


def integer(*, nullable: bool = False, ge: int | None = None, limit: int = INTEGER_LIMIT) -> Any:
    low = -limit if ge is None else ge
    return field(nullable=nullable, in_range={"min_value": low, "max_value": limit})


def timestamp(*, nullable: bool = False) -> Any:
    return pa.Field(nullable=nullable, dtype_kwargs=UTC_NS)
