"""Smaregi timestamps: local Japan time with an explicit ``+09:00`` offset."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")


def smaregi_datetime(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+09:00``. Naive datetimes are refused: a wrong offset silently shifts a sale."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(JST).replace(microsecond=0).isoformat()


def smaregi_date(moment: datetime) -> str:
    """The Japan-time calendar date of ``moment`` (``sumDate``)."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(JST).date().isoformat()


def shopify_datetime(moment: datetime) -> str:
    """ISO 8601 with offset, as Shopify's DateTime scalar takes it (``processedAt``)."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.replace(microsecond=0).isoformat()
