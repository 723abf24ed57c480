"""The executable GraphQL schema of the Shopify sandbox, built once from ``schema.graphql``.

Scalars keep graphql-core's pass-through behaviour except ``DateTime``: inputs are parsed to aware
datetimes (ISO 8601; a value without an offset is UTC, as Shopify reads it), and outputs are the ISO
strings the views already produce. Fields get their resolvers from :func:`.unmodelled.serve`. The
``@deprecated`` directive lists the locations Shopify's introspection lists (graphql-core's newer
``DIRECTIVE_DEFINITION`` breaks ``build_client_schema`` of graphql-core 3.2.6 and older clients).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import graphql
from graphql import DirectiveLocation, GraphQLDirective, GraphQLError, StringValueNode, ValueNode

from smapify_pipeline.sandbox.shopify.unmodelled import serve

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")

DEPRECATED = GraphQLDirective(
    name="deprecated",
    locations=[
        DirectiveLocation.FIELD_DEFINITION,
        DirectiveLocation.ARGUMENT_DEFINITION,
        DirectiveLocation.INPUT_FIELD_DEFINITION,
        DirectiveLocation.ENUM_VALUE,
    ],
    args=graphql.GraphQLDeprecatedDirective.args,
    description=graphql.GraphQLDeprecatedDirective.description,
)


def parse_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"Invalid DateTime: {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise GraphQLError(f"Invalid DateTime: {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_datetime_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> datetime:
    if not isinstance(node, StringValueNode):
        raise GraphQLError("DateTime must be a string")
    return parse_datetime(node.value)


@lru_cache(maxsize=1)
def load_schema() -> graphql.GraphQLSchema:
    schema = graphql.build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
    date_time = schema.type_map["DateTime"]
    assert isinstance(date_time, graphql.GraphQLScalarType)
    date_time.parse_value = parse_datetime  # type: ignore[method-assign]
    date_time.parse_literal = _parse_datetime_literal  # type: ignore[method-assign]
    schema.directives = tuple(DEPRECATED if d.name == "deprecated" else d for d in schema.directives)
    serve(schema)
    return schema


def is_connection(named: graphql.GraphQLNamedType) -> bool:
    """A Relay connection: an object type named ``…Connection`` with ``pageInfo`` and ``edges`` or ``nodes``."""
    if not isinstance(named, graphql.GraphQLObjectType) or not named.name.endswith("Connection"):
        return False
    return "pageInfo" in named.fields and ("edges" in named.fields or "nodes" in named.fields)


def is_list(type_: graphql.GraphQLOutputType) -> bool:
    """A list type, nullable or not."""
    if isinstance(type_, graphql.GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, graphql.GraphQLList)
