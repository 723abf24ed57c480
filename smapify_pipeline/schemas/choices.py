"""Every behaviour of the raw layer chosen where the references are unsure, in one place.

A fact learnt from the real platforms should be a one-line correction here.

* Shop currency. Shopify money is read from ``shopMoney`` of a ``MoneyBag`` (the shop's currency), and the shop
  is assumed to sell in JPY: an amount in another currency is a bad value, not converted.
* Whole yen. JPY has no minor unit, so ``"1200.00"`` is 1200 but ``"1200.50"`` is rejected. Smaregi ``cost``
  is the exception: the API sends it with five decimals (``"0.00000"``), so it is kept as a DECIMAL.
* Time zones. A Shopify timestamp without a UTC offset is rejected (Shopify always sends ``Z``); a Smaregi one
  is taken as JST, like ``platforms/smaregi/convert.py`` (Smaregi stores every time as JST). Stored instants
  are UTC (TIMESTAMPTZ).
* Smaregi codes (divisions, flags) stay VARCHAR exactly as the API spells them (``"1"``, ``"00"``, ``"A"``),
  so SQL compares with strings (``cancel_division = '1'``) and writes send back what was read.
* Variant options. Shopify has no fixed option names; size and colour are found by these option names.
* Tax rates. Japanese consumption tax is 10% (standard) or 8% (reduced); another rate on an order is a bad row.
* Duplicate keys. Rows identical in every field are one record seen twice (overlapping pages) and are kept once;
  rows sharing a key but differing are all quarantined, because nothing says which one is right.
"""

from __future__ import annotations

from datetime import timedelta, timezone

SHOP_CURRENCY = "JPY"

SMAREGI_NAIVE_TIME_ZONE = timezone(timedelta(hours=9), "JST")

SIZE_OPTION_NAMES = frozenset({"size", "サイズ", "大きさ"})
"""Lower-cased Shopify option names whose value is the Smaregi ``size``."""
COLOR_OPTION_NAMES = frozenset({"color", "colour", "カラー", "色"})
"""Lower-cased Shopify option names whose value is the Smaregi ``color``."""

TAX_RATES_PERCENT = (10, 8)

PRODUCT_STATUSES = ("ACTIVE", "DRAFT", "ARCHIVED", "UNLISTED")
RESTOCK_TYPES = ("CANCEL", "RETURN", "NO_RESTOCK", "LEGACY_RESTOCK")
"""LEGACY_RESTOCK is refused on create but can still be read on old refunds."""
INVENTORY_POLICIES = ("DENY", "CONTINUE")
FULFILLMENT_ORDER_STATUSES = (
    "OPEN",
    "IN_PROGRESS",
    "CANCELLED",
    "INCOMPLETE",
    "CLOSED",
    "SCHEDULED",
    "ON_HOLD",
)

ORDER_CANCEL_REASONS = ("CUSTOMER", "DECLINED", "FRAUD", "INVENTORY", "STAFF", "OTHER")
"""``OrderCancelReason`` values (Admin 2024-04 to 2026-10)."""

SMAREGI_MONEY_LIMIT = 999_999_999

SHOPIFY_CODE_LIMIT = 255
"""Longest Shopify SKU or barcode kept (Shopify's own field limit, reported, unverified). Any spelling is loaded:
whether it can link to or become a Smaregi productCode is the link step's rule (``link/match_keys.py``), so a
full-width SKU links to its ASCII productCode instead of being held back here."""
"""Smaregi money and stock fields are bounded by ±999,999,999."""
SMAREGI_PRICE_LIMIT = 99_999_999
"""Smaregi product price range is ±99,999,999."""
