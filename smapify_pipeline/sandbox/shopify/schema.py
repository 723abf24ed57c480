"""The executable GraphQL schema of the Shopify sandbox, built once from ``schema.graphql``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import graphql

SCHEMA_PATH = Path(__file__).with_name("schema.graphql")


@lru_cache(maxsize=1)
def load_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))
