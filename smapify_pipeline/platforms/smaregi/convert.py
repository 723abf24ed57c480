"""Where the Smaregi client turns Smaregi's string values into typed values, and back.

The extract is the exception: it asks the client for untyped records (``typed=False``) and parses them
column-wise in ``schemas/parse.py``, where a bad value quarantines its record instead of raising.

Smaregi sends and expects every scalar as a string (``"price": "1000"``, ``"displayFlag": "1"``). Reads go
through :func:`from_smaregi` as they leave the client; writes go through :func:`to_smaregi` as they enter it.
Types are decided by field name, from the tables below (choices, kept here so they can be corrected):

* ``INT_FIELDS`` — ids, counts and yen amounts → ``int``. A fractional value there is an error, not rounded.
* ``DECIMAL_FIELDS`` — unit costs (up to 5 decimals), rates, proportional allocations → ``Decimal``.
* ``DATETIME_FIELDS`` → aware ``datetime`` (a value without an offset is taken as JST, +09:00).
* ``DATE_FIELDS`` → ``date``.
* ``BOOL_FIELDS`` — ``*Flag`` fields, ``"1"``/``"0"`` → ``bool``.
* Everything else stays a string. That includes codes (``productCode`` keeps leading zeros; division codes
  such as ``roundingDivision "00"`` or ``productDivision "A"`` are enumerations, not numbers), names, and any
  field not listed. ``null`` and ``""`` become ``None`` in typed fields.

Written values: ``int``/``Decimal`` → plain digits, ``bool`` → ``"1"``/``"0"``, ``datetime`` → JST with
``+09:00`` (naive datetimes are refused), ``date`` → ``YYYY-MM-DD``; nested objects and lists recursively.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from smapify_pipeline.platforms.smaregi.errors import SmaregiConversionError

JST = timezone(timedelta(hours=9), "JST")

INT_FIELDS = frozenset(
    {
        # ids
        "productId", "categoryId", "storeId", "transactionHeadId", "transactionDetailId",
        "parentTransactionDetailId", "terminalId", "customerId", "staffId", "categoryGroupId",
        "parentCategoryId", "productOptionGroupId", "reduceTaxId", "disposeServerTransactionHeadId",
        "supplierId", "customerGroupId", "customerGroupId2", "customerGroupId3", "customerGroupId4",
        "customerGroupId5", "productBundleGroupId", "bargainId", "fromStoreId", "toStoreId",
        # counts
        "stockAmount", "layawayStockAmount", "quantity", "amount", "returnAmount", "displaySequence",
        "level", "paymentCount", "guestNumbers", "guestNumbersMale", "guestNumbersFemale",
        "guestNumbersUnknown", "newPoint", "spendPoint", "point", "totalPoint", "nonSalesTargetAmount",
        "nonSalesTargetReturnAmount", "maxBundleProductCount", "giftReceiptValidDays",
        # yen amounts
        "price", "customerPrice", "salesPrice", "unitDiscountPrice", "subtotal", "total",
        "subtotalDiscountPrice", "pointDiscount", "couponDiscount", "taxInclude", "taxExclude",
        "roundingPrice", "cashTotal", "creditTotal", "deposit", "depositCash", "depositCredit", "change",
        "tipCash", "tipCredit", "carriage", "commission", "unitNonDiscountsubtotal", "unitDiscountsubtotal",
        "unitStaffDiscountsubtotal", "unitBargainDiscountsubtotal", "subtotalForDiscount", "inTaxSalesTotal",
        "outTaxSalesTotal", "nonTaxSalesTotal", "nonSalesTargetTotal", "nonSalesTargetOutTaxTotal",
        "nonSalesTargetInTaxTotal", "nonSalesTargetTaxFreeTotal", "unitNonDiscountSum", "unitDiscountSum",
        "unitDiscountedSum", "reduceTaxPrice", "reduceTaxCustomerPrice", "reduceTaxMemberPrice",
        "taxFreeCommodityPrice", "savingAutoPrice",
    }
)  # fmt: skip

DECIMAL_FIELDS = frozenset(
    {
        "cost", "costTotal", "costSum", "nonSalesTargetCostTotal", "subtotalDiscountRate", "unitDiscountRate",
        "staffDiscountRate", "productStaffDiscountRate", "applyStaffDiscountRate", "applyStaffDiscountPrice",
        "maxDiscountRate", "taxRate", "standardTaxRate", "modifiedTaxRate", "reduceTaxRate",
        "discountPriceProportional", "discountPointProportional", "discountCouponProportional",
        "taxIncludeProportional", "taxExcludeProportional", "productBundleProportional",
        "staffDiscountProportional", "bargainDiscountProportional", "roundingPriceProportional",
        "bargainValue", "applyBargainValue", "applyBargainDiscountPrice",
    }
)  # fmt: skip

DATETIME_FIELDS = frozenset(
    {
        "updDateTime", "insDateTime", "transactionDateTime", "terminalTranDateTime", "cancelDateTime",
        "adjustmentDateTime", "enterDateTime", "appStartDateTime", "targetDateTime",
    }
)  # fmt: skip

DATE_FIELDS = frozenset(
    {"sumDate", "startDate", "endDate", "targetDate", "applyStartDate", "termStart", "termEnd"}
)

BOOL_FIELDS = frozenset(
    {
        "displayFlag", "pauseFlag", "priceChangeFlag", "carriageDisplayFlag", "terminalAdjustmentCashFlag",
        "terminalCheckCashFlag",
    }
)  # fmt: skip


def from_smaregi(value: Any) -> Any:
    """Typed copy of a Smaregi JSON value (object, list of objects, or anything else unchanged)."""
    if isinstance(value, list):
        return [from_smaregi(v) for v in value]
    if isinstance(value, Mapping):
        return {k: convert_field(k, v) for k, v in value.items()}
    return value


def convert_field(name: str, value: Any) -> Any:
    """Typed value of one field, by its name."""
    if isinstance(value, list | Mapping):
        return from_smaregi(value)
    if value is None or (isinstance(value, str) and value.strip() == "" and _is_typed(name)):
        return None
    try:
        if name in INT_FIELDS:
            return parse_int(value)
        if name in DECIMAL_FIELDS:
            return parse_decimal(value)
        if name in DATETIME_FIELDS:
            return parse_datetime(value)
        if name in DATE_FIELDS:
            return parse_date(value)
        if name in BOOL_FIELDS:
            return parse_flag(value)
    except SmaregiConversionError as error:
        raise SmaregiConversionError(f"{name}: {error}") from None
    return value


def _is_typed(name: str) -> bool:
    return (
        name in INT_FIELDS
        or name in DECIMAL_FIELDS
        or name in DATETIME_FIELDS
        or name in DATE_FIELDS
        or (name in BOOL_FIELDS)
    )


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise SmaregiConversionError(f"not an integer: {value!r}")
    if isinstance(value, int):
        return value
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise SmaregiConversionError(f"not an integer: {value!r}")
    return int(number)


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise SmaregiConversionError(f"not a number: {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise SmaregiConversionError(f"not a number: {value!r}") from None
    if not number.is_finite():
        raise SmaregiConversionError(f"not a finite number: {value!r}")
    return number


def parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise SmaregiConversionError(f"not a date-time: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=JST)


def parse_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise SmaregiConversionError(f"not a date: {value!r}") from None


def parse_flag(value: Any) -> bool:
    text = str(value).strip()
    if text in {"1", "true", "True"}:
        return True
    if text in {"0", "false", "False"}:
        return False
    raise SmaregiConversionError(f"not a 0/1 flag: {value!r}")


def to_smaregi(value: Any) -> Any:
    """The string form Smaregi expects for a value, object or list (``None`` stays ``null``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: to_smaregi(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_smaregi(v) for v in value]
    raise SmaregiConversionError(f"cannot send {type(value).__name__} to Smaregi: {value!r}")


def format_datetime(value: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+09:00``: Smaregi stores times as JST whatever offset is sent."""
    if value.tzinfo is None:
        raise SmaregiConversionError(f"refusing a naive datetime (which zone?): {value!r}")
    return value.astimezone(JST).replace(microsecond=0).isoformat()
