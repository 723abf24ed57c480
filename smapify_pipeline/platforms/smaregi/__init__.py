"""Smaregi Platform API (POS) client (httpx, no Dagster): :class:`SmaregiClient`, conversion, typed errors."""

from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.platforms.smaregi.convert import JST, from_smaregi, to_smaregi
from smapify_pipeline.platforms.smaregi.errors import (
    OutcomeUnknown,
    SmaregiAuthError,
    SmaregiConversionError,
    SmaregiError,
    SmaregiHTTPError,
    SmaregiNotFound,
    SmaregiRateLimited,
    SmaregiValidationError,
)
from smapify_pipeline.platforms.smaregi.windows import windows

__all__ = [
    "JST",
    "OutcomeUnknown",
    "SmaregiAuthError",
    "SmaregiClient",
    "SmaregiConversionError",
    "SmaregiError",
    "SmaregiHTTPError",
    "SmaregiNotFound",
    "SmaregiRateLimited",
    "SmaregiValidationError",
    "from_smaregi",
    "to_smaregi",
    "windows",
]
