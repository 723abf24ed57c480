"""Helpers every resolver module shares: request context, scalars as Shopify prints them, userErrors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.search import SearchField, compile_search
from smapify_pipeline.sandbox.shopify.state import ShopState

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.shopify.app import ShopifySandbox


@dataclass
class RequestContext:
    """``info.context`` of one GraphQL execution."""

    state: ShopState
    sandbox: ShopifySandbox | None = None
    unlimited: bool = False
    """Bulk operations: connections return every node, whatever first/last say."""
    search: list[dict[str, Any]] = field(default_factory=list)
    """``extensions.search`` entries: warnings about ignored search terms."""


class SandboxError(Exception):
    """A test hook was refused; ``errors`` are Shopify-style userErrors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(e.get("message")) for e in errors))
        self.errors = errors


def context(info: GraphQLResolveInfo) -> RequestContext:
    return info.context  # type: ignore[no-any-return]


def iso(moment: datetime | None) -> str | None:
    """DateTime as Shopify prints it: UTC, to the second, with a ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def decimal_text(amount: Decimal | None) -> str | None:
    """Decimal/Money as Shopify prints it: ``"1100.0"``, ``"29.99"``."""
    if amount is None:
        return None
    if amount == amount.to_integral_value():
        return f"{int(amount)}.0"
    return format(amount.normalize(), "f")


def money(amount: Decimal, currency: str) -> dict[str, Any]:
    return {"amount": decimal_text(amount), "currencyCode": currency}


def money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    value = money(amount, currency)
    return {"shopMoney": value, "presentmentMoney": value}


def to_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def user_error(field_path: list[str] | None, message: str, code: str | None = None) -> dict[str, Any]:
    return {"field": field_path, "message": message, "code": code}


def legacy_id(number: int) -> str:
    """UnsignedInt64 is serialized as a string."""
    return str(number)


def search(
    info: GraphQLResolveInfo,
    items: Iterable[Any],
    query: str | None,
    fields: dict[str, SearchField],
    default_text: Callable[[Any], Iterable[str]],
) -> list[Any]:
    """Filter ``items`` by the ``query:`` argument; warnings go to ``extensions.search``."""
    ctx = context(info)
    compiled = compile_search(query, fields, default_text, ctx.state.shop.iana_timezone)
    if compiled.warnings:
        ctx.search.append({"path": list(info.path.as_list()), "query": query, "warnings": compiled.warnings})
    if not query:
        return list(items)
    return compiled.filter(items)
