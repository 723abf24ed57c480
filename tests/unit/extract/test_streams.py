"""The stream declarations: every raw table is extracted once, and each asset stands for its own tables."""

from __future__ import annotations

import dagster as dg

from smapify_pipeline.extract.assets import EXTRACT_ASSETS
from smapify_pipeline.extract.checks import EXTRACT_CHECKS, EXTRACT_TABLES
from smapify_pipeline.extract.streams import STREAMS
from smapify_pipeline.schemas.tables import TABLES


def test_every_raw_table_is_loaded_by_exactly_one_stream_and_stands_for_one_asset() -> None:
    loaded = [table.name for stream in STREAMS for table in stream.tables]
    assert sorted(loaded) == sorted(TABLES)
    shown = [name for tables in EXTRACT_TABLES.values() for name in tables]
    assert sorted(shown) == sorted(TABLES)


def test_each_stream_is_one_op_with_its_assets_in_the_extract_group() -> None:
    by_op = {asset.op.name: asset for asset in EXTRACT_ASSETS}
    assert set(by_op) == {stream.op for stream in STREAMS}
    assert by_op["shopify_orders_and_refunds"].keys == {
        dg.AssetKey("shopify_orders"),
        dg.AssetKey("shopify_refunds"),
    }
    keys = {key.to_user_string() for asset in EXTRACT_ASSETS for key in asset.keys}
    assert keys == set(EXTRACT_TABLES)
    for asset in EXTRACT_ASSETS:
        assert set(asset.group_names_by_key.values()) == {"extract"}


def test_dependent_streams_come_after_what_they_read() -> None:
    deps = {
        key.to_user_string(): {dep.to_user_string() for dep in asset.asset_deps[key]}
        for asset in EXTRACT_ASSETS
        for key in asset.keys
    }
    assert deps["shopify_inventory"] == {"shopify_locations", "shopify_products"}
    assert deps["smaregi_stock"] == {"smaregi_products"}


def test_every_extract_asset_has_its_two_checks() -> None:
    checked = sorted(
        (key.asset_key.to_user_string(), key.name) for check in EXTRACT_CHECKS for key in check.check_keys
    )
    assert checked == sorted(
        (asset, name) for asset in EXTRACT_TABLES for name in ("fresh", "no_quarantined_records")
    )


def test_deletions_are_found_on_tables_with_deleted_at() -> None:
    for stream in STREAMS:
        if stream.deletions is not None:
            assert "deleted_at" in stream.deletions.table.column_names, stream.name
