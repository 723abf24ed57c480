"""How the schema serves what the sandbox does not model: one rule, from ``choices.UNMODELLED_FIELDS``.

A listed field answers what a shop without that feature answers: null where the type allows it, an empty
list or connection, zero money in the shop currency, a zero count, ``false`` or ``0``. The types reached
from the query and mutation roots without passing through a listed field are the modelled ones; every
other object type can only be reached through a listed field, so all its fields answer the same way
(a non-null one of them is an empty object). Every other field must be given a value by its view: the
field resolver refuses a view or dict that lacks it, so a field can never be silently null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphql
from graphql import GraphQLError, GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.choices import UNMODELLED_FIELDS

EMPTY_SCALARS: dict[str, Any] = {
    "Boolean": False,
    "Int": 0,
    "Float": 0.0,
    "String": "",
    "UnsignedInt64": "0",
    "Decimal": "0.0",
    "Money": "0.0",
    "JSON": {},
    "FormattedString": "",
}
"""Non-null scalars an empty shop can answer; an ID, URL, date or enum has no empty value."""

NOT_EXPANDED = frozenset({"Node"})
"""Abstract types whose members do not count as reached (``node(id:)`` can name any of them)."""

Resolver = Callable[..., Any]


def unmodelled_fields() -> set[str]:
    """Every ``Type.field`` of ``choices.UNMODELLED_FIELDS``."""
    return {name for names in UNMODELLED_FIELDS.values() for name in names}


def modelled_types(schema: graphql.GraphQLSchema, unmodelled: set[str]) -> set[str]:
    """The object and abstract types reachable from the roots without passing through an unmodelled field."""
    roots = [t for t in (schema.query_type, schema.mutation_type) if t is not None]
    seen: set[str] = set()
    pending: list[graphql.GraphQLNamedType] = list(roots)
    while pending:
        named = pending.pop()
        if named.name in seen:
            continue
        seen.add(named.name)
        abstract = isinstance(named, graphql.GraphQLUnionType | graphql.GraphQLInterfaceType)
        if abstract and named.name not in NOT_EXPANDED:
            pending.extend(schema.get_possible_types(named))  # type: ignore[arg-type]
        if isinstance(named, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                if f"{named.name}.{field_name}" not in unmodelled:
                    target = graphql.get_named_type(field.type)
                    if not isinstance(target, graphql.GraphQLScalarType | graphql.GraphQLEnumType):
                        pending.append(target)
    return seen


def _shop_currency(info: GraphQLResolveInfo) -> str:
    return str(info.context.state.shop.currency)


def _empty_connection() -> dict[str, Any]:
    page = {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}
    return {"edges": [], "nodes": [], "pageInfo": page}


def empty_resolver(type_: graphql.GraphQLOutputType, where: str, modelled: set[str]) -> Resolver | None:
    """The resolver of an unmodelled field of ``type_``; None for a type with no empty value."""
    if not isinstance(type_, graphql.GraphQLNonNull):
        return lambda *_, **__: None
    inner = type_.of_type
    if isinstance(inner, graphql.GraphQLList):
        return lambda *_, **__: []
    assert isinstance(inner, graphql.GraphQLNamedType)
    name = inner.name
    if name in EMPTY_SCALARS:
        value = EMPTY_SCALARS[name]
        return lambda *_, **__: value
    if name == "MoneyV2":
        return lambda _, info, **__: {"amount": "0.0", "currencyCode": _shop_currency(info)}
    if name == "MoneyBag":

        def zero_bag(_: Any, info: GraphQLResolveInfo, **__: Any) -> dict[str, Any]:
            zero = {"amount": "0.0", "currencyCode": _shop_currency(info)}
            return {"shopMoney": zero, "presentmentMoney": zero}

        return zero_bag
    if name == "Count":
        return lambda *_, **__: {"count": 0, "precision": "EXACT"}
    if name.endswith("Connection"):
        return lambda *_, **__: _empty_connection()
    if isinstance(inner, graphql.GraphQLObjectType) and name not in modelled:
        return lambda *_, **__: {}
    return None


def _refuse(where: str) -> Resolver:
    def resolve(*_: Any, **__: Any) -> Any:
        raise GraphQLError(f"{where} has no empty value and is not modelled by the sandbox")

    return resolve


def resolve_served(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """The field resolver of modelled fields: the view's attribute or the dict's key, which must exist."""
    name = info.field_name
    if isinstance(source, dict):
        if name not in source:
            raise GraphQLError(f"{info.parent_type.name}.{name} was given no value")
        value = source[name]
    else:
        value = getattr(source, name)
    return value(info, **args) if callable(value) else value


def serve(schema: graphql.GraphQLSchema) -> None:
    """Give every output field its resolver: empty for the unmodelled, :func:`resolve_served` otherwise."""
    unmodelled = unmodelled_fields()
    modelled = modelled_types(schema, unmodelled)
    for name in unmodelled:
        type_name, field_name = name.split(".")
        named = schema.type_map.get(type_name)
        if not isinstance(named, graphql.GraphQLObjectType) or field_name not in named.fields:
            raise ValueError(f"choices.UNMODELLED_FIELDS names {name}, which the schema does not serve")
    for named in schema.type_map.values():
        if not isinstance(named, graphql.GraphQLObjectType) or named.name.startswith("__"):
            continue
        for field_name, field in named.fields.items():
            where = f"{named.name}.{field_name}"
            if where in unmodelled or named.name not in modelled:
                empty = empty_resolver(field.type, where, modelled)
                if empty is None and where in unmodelled:
                    raise ValueError(f"{where} is listed as unmodelled but has no empty value: model it")
                field.resolve = empty or _refuse(where)
            elif field.resolve is None:
                field.resolve = resolve_served
