"""A raw table declaration: bookkeeping columns appended, mistakes refused, one schema per declaration."""

from __future__ import annotations

import pytest

from smapify_pipeline.schemas.raw_table import Kind, api_field, column, table, text, timestamp


def test_bookkeeping_columns_close_the_table_and_are_not_read_from_the_api() -> None:
    declared = table("raw.things", ("thing_id",), text("thing_id", nullable=False), deletable=True)

    assert declared.column_names == ["thing_id", "deleted_at", "extracted_at"]
    assert declared.api_columns == ["thing_id"]
    assert declared.schema is declared.schema
    assert list(declared.schema.columns) == declared.column_names


def test_a_key_that_is_not_a_column_or_a_column_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="primary key"):
        table("raw.things", ("thing_id",), text("name"))
    with pytest.raises(ValueError, match="declared twice"):
        table("raw.things", ("name",), text("name"), column("name", Kind.INT))
    with pytest.raises(ValueError, match="declared twice"):
        table("raw.things", ("name",), text("name"), timestamp("extracted_at"))


def test_api_fields_are_camel_case() -> None:
    assert api_field("description_html") == "descriptionHtml"
    assert api_field("fulfills_online_orders") == "fulfillsOnlineOrders"
