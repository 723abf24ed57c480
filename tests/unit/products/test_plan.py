"""``plan.product_plan`` on small fixed tables: hash filter, three-way merge, creates and deletions."""

from __future__ import annotations

import json

import duckdb
import pytest

from smapify_pipeline.link.location_links import build_location_links
from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.products.plan import plan_products
from tests.unit.tables import (
    LOCATION,
    memory_warehouse,
    shopify_product,
    shopify_stock,
    smaregi_category,
    smaregi_product,
    stores_and_locations,
)


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = memory_warehouse()
    stores_and_locations(conn)
    smaregi_category(conn)
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X")
    _link(conn)
    return conn


def _link(conn: duckdb.DuckDBPyConnection) -> None:
    build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    build_location_links(conn, [("1", LOCATION)])


def _plan(
    conn: duckdb.DuckDBPyConnection, primary: str = "smaregi", policy: str = "archive"
) -> list[dict[str, object]]:
    plan_products(conn, primary=primary, match_key="sku", delete_policy=policy)
    return conn.execute("SELECT * FROM plan.product_plan ORDER BY key").fetchdf().to_dict("records")


def _accept_base(conn: duckdb.DuckDBPyConnection) -> None:
    """What push_products does when every write of a pair landed."""
    conn.execute(
        "INSERT OR REPLACE INTO core.product_sync_base SELECT smaregi_product_id, shopify_variant_id, fields, "
        "shopify_hash, smaregi_hash, now() FROM plan.product_base"
    )


def test_equal_pair_plans_nothing_and_is_skipped_once_its_base_exists(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    assert _plan(conn) == []
    assert conn.execute("SELECT count(*) FROM plan.product_base").fetchall() == [(1,)]
    _accept_base(conn)
    report = plan_products(conn, primary="smaregi", match_key="sku", delete_policy="archive")
    assert report.merged == 0


def test_one_sided_change_is_copied_across(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn)
    _accept_base(conn)
    conn.execute("UPDATE raw.smaregi_products SET price = 1320")
    [row] = _plan(conn, primary="shopify")
    assert (row["kind"], row["target"]) == ("product_update", "shopify")
    payload = json.loads(str(row["payload"]))
    assert payload["variants"]["variants"][0]["price"] == "1320"
    assert row["audit"] is None


def test_two_sided_change_the_primary_wins_with_a_conflict(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn)
    _accept_base(conn)
    conn.execute("UPDATE raw.smaregi_products SET product_name = 'スマレジ名'")
    conn.execute("UPDATE raw.shopify_products SET title = 'Shopify名'")
    [row] = _plan(conn, primary="smaregi")
    assert (row["target"], json.loads(str(row["payload"]))["product"]["title"]) == ("shopify", "スマレジ名")
    [conflict] = json.loads(str(row["audit"]))
    assert conflict["kind"] == "product_conflict"
    assert conflict["new_value"] == {"field": "title", "value": "スマレジ名"}


def test_products_without_partner_are_created_with_their_stock(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 2, "Y", title="新作")
    shopify_stock(conn, 2, LOCATION, 5)
    smaregi_product(conn, "11", "Z", name="豆皿")
    conn.execute(
        "INSERT INTO raw.smaregi_stock (product_id, store_id, stock_amount, extracted_at) VALUES ('11', '1', 4, now())"
    )
    _link(conn)
    rows = {row["target"]: row for row in _plan(conn) if row["kind"] == "product_create"}
    to_smaregi = json.loads(str(rows["smaregi"]["payload"]))
    assert to_smaregi["body"]["productCode"] == "Y" and to_smaregi["stock"] == {"1": 5}
    to_shopify = json.loads(str(rows["shopify"]["payload"]))
    assert to_shopify["members"] == [{"smaregi_product_id": "11", "code": "Z"}]
    assert to_shopify["variables"]["input"]["variants"][0]["inventoryQuantities"][0]["quantity"] == 4


@pytest.mark.parametrize(
    ("policy", "kind"),
    [("archive", "product_hide"), ("delete", "product_delete"), ("ignore", "product_unlink")],
)
def test_deleted_on_shopify_follows_the_policy(
    conn: duckdb.DuckDBPyConnection, policy: str, kind: str
) -> None:
    conn.execute("UPDATE raw.shopify_variants SET deleted_at = now()")
    conn.execute("UPDATE raw.shopify_products SET deleted_at = now()")
    _link(conn)
    [row] = _plan(conn, policy=policy)
    assert row["kind"] == kind


@pytest.mark.parametrize(
    ("policy", "kind"),
    [("archive", "product_archive"), ("delete", "product_delete_product"), ("ignore", "product_unlink")],
)
def test_deleted_on_smaregi_follows_the_policy(
    conn: duckdb.DuckDBPyConnection, policy: str, kind: str
) -> None:
    conn.execute("UPDATE raw.smaregi_products SET deleted_at = now()")
    _link(conn)
    [row] = _plan(conn, policy=policy)
    assert row["kind"] == kind


def _apply(conn: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    """What push_products records for writes that landed: applied ledger rows and the accepted base."""
    for row in rows:
        conn.execute(
            "INSERT INTO sync.ledger (key, kind, target, status, attempts, generation, created_at, updated_at, "
            "applied_at) VALUES (?, ?, ?, 'applied', 1, 1, now(), now(), now())",
            [row["key"], row["kind"], row["target"]],
        )
    _accept_base(conn)


def test_a_value_that_comes_back_is_copied_again_each_time(conn: duckdb.DuckDBPyConnection) -> None:
    """A → B → A → B on Smaregi: every change reaches Shopify under a key of its own, never one already applied."""
    _apply(conn, _plan(conn))
    keys_seen: list[str] = []
    for price in (1320, 1100, 1320):
        conn.execute("UPDATE raw.smaregi_products SET price = ?", [price])
        [row] = _plan(conn, primary="smaregi")
        assert json.loads(str(row["payload"]))["variants"]["variants"][0]["price"] == str(price)
        keys_seen.append(str(row["key"]))
        _apply(conn, [row])
        conn.execute("UPDATE raw.shopify_variants SET price = ?", [price])
        _accept_base(conn)
    assert len(set(keys_seen)) == 3
