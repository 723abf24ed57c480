"""The one rule for unmodelled fields: which types count as modelled, which empty values exist, and that a
modelled field without a value is an error rather than a silent null."""

from __future__ import annotations

import graphql
import pytest

from smapify_pipeline.sandbox.shopify import unmodelled
from smapify_pipeline.sandbox.shopify.schema import SCHEMA_PATH, load_schema
from smapify_pipeline.sandbox.shopify.unmodelled import (
    modelled_types,
    resolve_served,
    serve,
    unmodelled_fields,
)


def _fresh_schema() -> graphql.GraphQLSchema:
    return graphql.build_schema(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_types_reached_only_through_unmodelled_fields_are_not_modelled() -> None:
    modelled = modelled_types(load_schema(), unmodelled_fields())
    assert {
        "Order",
        "LineItem",
        "DiscountCodeApplication",
        "PricingPercentageValue",
        "AppInstallation",
        "Fulfillment",
        "FulfillmentOrder",
    } <= modelled
    assert (
        not {"Customer", "MailingAddress", "FulfillmentService", "MediaImage", "Video", "CardPaymentDetails"}
        & modelled
    )


def test_every_listed_field_is_served_once() -> None:
    listed = [name for names in unmodelled.UNMODELLED_FIELDS.values() for name in names]
    assert len(listed) == len(set(listed))
    schema = load_schema()
    for name in listed:
        type_name, field_name = name.split(".")
        assert field_name in schema.type_map[type_name].fields  # type: ignore[union-attr]


def test_a_listed_field_the_schema_does_not_serve_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unmodelled, "UNMODELLED_FIELDS", {"invented": ("Order.loyaltyPoints",)})
    with pytest.raises(ValueError, match="Order.loyaltyPoints"):
        serve(_fresh_schema())


def test_a_listed_field_with_no_empty_value_must_be_modelled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unmodelled, "UNMODELLED_FIELDS", {"no empty id": ("Order.id",)})
    with pytest.raises(ValueError, match="Order.id is listed as unmodelled but has no empty value"):
        serve(_fresh_schema())


def test_empty_values_follow_the_type() -> None:
    schema = load_schema()
    modelled = modelled_types(schema, unmodelled_fields())
    order = schema.type_map["Order"]
    assert isinstance(order, graphql.GraphQLObjectType)

    def empty(field: str) -> object:
        resolver = unmodelled.empty_resolver(order.fields[field].type, f"Order.{field}", modelled)
        assert resolver is not None
        return resolver(None, None)

    assert empty("customer") is None
    assert empty("fulfillments") == []
    assert empty("canMarkAsPaid") is False
    assert empty("currentTotalWeight") == "0"
    assert empty("returns")["edges"] == []  # type: ignore[index]
    assert unmodelled.empty_resolver(order.fields["id"].type, "Order.id", modelled) is None


def test_a_modelled_field_without_a_value_is_an_error_not_a_null() -> None:
    class Info:
        field_name = "note"
        parent_type = graphql.GraphQLObjectType("Order", {})

    with pytest.raises(graphql.GraphQLError, match="Order.note was given no value"):
        resolve_served({"name": "#1001"}, Info())  # type: ignore[arg-type]
    assert resolve_served({"note": None}, Info()) is None  # type: ignore[arg-type]
