from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from smapify_pipeline.platforms.smaregi.convert import JST, convert_field, from_smaregi, to_smaregi
from smapify_pipeline.platforms.smaregi.errors import SmaregiConversionError

# (field, value as Smaregi sends it, typed value, string written back — None when not round-tripped)
CASES: list[tuple[str, Any, Any, str | None]] = [
    ("productId", "8000001", 8000001, "8000001"),
    ("stockAmount", "-5", -5, "-5"),
    ("price", "1100", 1100, "1100"),
    ("subtotal", "120.00", 120, "120"),
    ("cost", "550.12500", Decimal("550.12500"), "550.12500"),
    ("costTotal", "0.00000", Decimal("0.00000"), "0.00000"),
    ("subtotalDiscountRate", "0.00", Decimal("0.00"), "0.00"),
    ("taxRate", "10", Decimal("10"), "10"),
    (
        "updDateTime",
        "2026-02-10T16:36:27+09:00",
        datetime(2026, 2, 10, 16, 36, 27, tzinfo=JST),
        "2026-02-10T16:36:27+09:00",
    ),
    (
        "terminalTranDateTime",
        "2026-02-10 16:36:27",
        datetime(2026, 2, 10, 16, 36, 27, tzinfo=JST),
        "2026-02-10T16:36:27+09:00",
    ),
    ("sumDate", "2026-02-10", date(2026, 2, 10), "2026-02-10"),
    ("displayFlag", "1", True, "1"),
    ("displayFlag", "0", False, "0"),
    ("productCode", "0490123456789", "0490123456789", "0490123456789"),
    ("roundingDivision", "00", "00", "00"),
    ("productDivision", "A", "A", "A"),
    ("transactionHeadDivision", "1", "1", "1"),
    ("productName", "Tシャツ", "Tシャツ", "Tシャツ"),
    ("price", None, None, None),
    ("price", "", None, None),
    ("unknownField", "42", "42", "42"),
]


@pytest.mark.parametrize(("field", "raw", "typed", "written"), CASES)
def test_string_values_become_typed_and_back(field: str, raw: Any, typed: Any, written: str | None) -> None:
    value = convert_field(field, raw)
    assert value == typed
    assert type(value) is type(typed)
    assert to_smaregi(value) == written


@pytest.mark.parametrize(
    ("field", "raw"),
    [
        ("price", "12.5"),
        ("productId", "abc"),
        ("displayFlag", "2"),
        ("sumDate", "10/02/2026"),
        ("cost", "NaN"),
    ],
)
def test_bad_values_are_refused_naming_the_field(field: str, raw: str) -> None:
    with pytest.raises(SmaregiConversionError, match=field):
        convert_field(field, raw)


def test_nested_records_are_converted() -> None:
    record = {
        "transactionHeadId": "25",
        "total": "120",
        "details": [{"transactionDetailId": "1", "quantity": "2", "productCode": "4901234567894"}],
        "stockHistory": {"memo": "x", "updDateTime": "2026-02-10T16:36:27+09:00"},
    }
    typed = from_smaregi(record)
    assert typed["transactionHeadId"] == 25
    assert typed["details"][0] == {"transactionDetailId": 1, "quantity": 2, "productCode": "4901234567894"}
    assert typed["stockHistory"]["updDateTime"].utcoffset() == timedelta(hours=9)


def test_written_datetimes_are_jst_and_naive_ones_refused() -> None:
    utc = datetime(2026, 2, 10, 7, 36, 27, 123456, tzinfo=UTC)
    assert to_smaregi({"terminalTranDateTime": utc}) == {"terminalTranDateTime": "2026-02-10T16:36:27+09:00"}
    with pytest.raises(SmaregiConversionError):
        to_smaregi(datetime(2026, 2, 10))


def test_written_numbers_are_plain_strings() -> None:
    assert to_smaregi({"stockAmount": -3, "cost": Decimal("1E+2"), "rate": 0.1, "flag": True}) == {
        "stockAmount": "-3",
        "cost": "100",
        "rate": "0.1",
        "flag": "1",
    }
