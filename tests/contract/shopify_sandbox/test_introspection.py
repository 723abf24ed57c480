"""Clients that build their schema from the sandbox's introspection answer over HTTP accept it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import graphql
import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXTransport

from smapify_pipeline.platforms import sandboxes as credentials

from .conftest import API_PATH, Shopify

SPEC_2021_LOCATIONS = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
        "SCHEMA",
        "SCALAR",
        "OBJECT",
        "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION",
        "INTERFACE",
        "UNION",
        "ENUM",
        "ENUM_VALUE",
        "INPUT_OBJECT",
        "INPUT_FIELD_DEFINITION",
    }
)
"""The directive locations of the October 2021 GraphQL spec: all that graphql-core 3.2.6's ``DirectiveLocation``
knows, so any other location makes its ``build_client_schema`` fail."""


@pytest.fixture
def introspection(shopify: Shopify) -> dict:
    return shopify.data(graphql.get_introspection_query(descriptions=True))


def test_directive_locations_are_the_ones_every_client_knows(introspection: dict) -> None:
    locations = {loc for d in introspection["__schema"]["directives"] for loc in d["locations"]}
    assert locations <= SPEC_2021_LOCATIONS
    deprecated = next(d for d in introspection["__schema"]["directives"] if d["name"] == "deprecated")
    assert set(deprecated["locations"]) == {
        "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION",
        "INPUT_FIELD_DEFINITION",
        "ENUM_VALUE",
    }


def test_build_client_schema_accepts_the_answer(introspection: dict) -> None:
    schema = graphql.build_client_schema(introspection)
    assert graphql.validate_schema(schema) == []
    assert "currentAppInstallation" in schema.query_type.fields  # type: ignore[union-attr]
    document = graphql.parse(
        "{ currentAppInstallation { accessScopes { handle } } orders(first: 1) { nodes { additionalFees { id } } } }"
    )
    assert graphql.validate(schema, document) == []


def test_gql_fetches_the_schema_validates_and_runs_a_query(shopify: Shopify) -> None:
    transport = HTTPXTransport(
        url=f"{shopify.url}{API_PATH}", headers={"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN}
    )
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        answer = session.execute(
            gql("{ shop { name currencyCode } locations(first: 5) { nodes { id name } } }")
        )
        assert answer["shop"]["name"] == shopify.sandbox.state.shop.name
        assert len(answer["locations"]["nodes"]) == len(shopify.sandbox.state.locations)
        with pytest.raises(graphql.GraphQLError, match="Cannot query field 'shoeSize'"):
            session.execute(gql("{ shop { shoeSize } }"))


DEBIAN_NODE_MODULES = Path("/usr/share/nodejs")
"""Where Debian's ``node-graphql`` (graphql-js, the JavaScript reference implementation) installs."""

BUILD_WITH_GRAPHQL_JS = """
const fs = require("fs");
const { buildClientSchema, validateSchema, parse, validate } = require("graphql");
const schema = buildClientSchema(JSON.parse(fs.readFileSync(process.argv[1], "utf8")));
const document = parse(process.argv[2]);
const problems = [...validateSchema(schema), ...validate(schema, document)].map((e) => e.message);
console.log(JSON.stringify({ types: Object.keys(schema.getTypeMap()).length, problems }));
"""


@pytest.mark.skipif(
    shutil.which("node") is None or not (DEBIAN_NODE_MODULES / "graphql").is_dir(),
    reason="node and Debian's node-graphql are not installed (.ci/run installs them)",
)
def test_the_javascript_reference_client_builds_the_schema(introspection: dict, tmp_path: Path) -> None:
    answer = tmp_path / "introspection.json"
    answer.write_text(json.dumps(introspection), encoding="utf-8")
    query = "{ currentAppInstallation { accessScopes { handle } } orders(first: 1) { nodes { id } } }"
    done = subprocess.run(
        ["node", "-e", BUILD_WITH_GRAPHQL_JS, str(answer), query],
        capture_output=True,
        text=True,
        env={**os.environ, "NODE_PATH": str(DEBIAN_NODE_MODULES)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    built = json.loads(done.stdout)
    assert built["problems"] == []
    assert built["types"] == len(graphql.build_client_schema(introspection).type_map)
