"""Field checks shared by the Smaregi sandbox's write paths; each failure is a 400 problem in Japanese."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from smapify_pipeline.sandbox.smaregi.errors import bad_request

PRINTABLE_ASCII = re.compile(r"^[ -~]+$")
INT = re.compile(r"^-?\d+$")
DECIMAL = re.compile(r"^-?\d+(\.\d{1,5})?$")


def require_str(body: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"{name}は必須です")
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name}は文字列で指定してください")
    return value


def int_field(value: str, name: str, low: int, high: int) -> int:
    if not INT.match(value):
        raise bad_request(f"{name}は整数で指定してください")
    number = int(value)
    if not low <= number <= high:
        raise bad_request(f"{name}は{low}以上{high}以下で指定してください")
    return number


def code_in(value: str | None, name: str, allowed: Iterable[str]) -> None:
    if value is not None and value not in set(allowed):
        raise bad_request(f"{name}に指定された値[{value}]は不正です")


def max_len(value: str | None, name: str, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise bad_request(f"{name}は{limit}文字以下で指定してください")
