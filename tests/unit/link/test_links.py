"""Product and location links on small fixed raw tables (blank and duplicate codes, exclusion, stable links)."""

from __future__ import annotations

import json

import duckdb
import pytest

from smapify_pipeline.link.location_links import build_location_links
from smapify_pipeline.link.product_links import build_product_links
from tests.unit.tables import (
    LOCATION,
    memory_warehouse,
    shopify_product,
    smaregi_product,
    stores_and_locations,
)


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    return memory_warehouse()


def _links(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(
        conn.execute("SELECT smaregi_product_id, shopify_variant_id FROM core.product_links").fetchall()
    )


def _unlinked(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, str]]:
    rows = conn.execute("SELECT platform, record_id, status, reason FROM core.unlinked_products").fetchall()
    return {(p, r): (s, why) for p, r, s, why in rows}


def _quarantine_reasons(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = conn.execute(
        "SELECT record_key, reason FROM quarantine.records WHERE source_table = 'core.product_links'"
    ).fetchall()
    return dict(rows)


def test_links_by_sku_and_reports_products_without_partner(conn: duckdb.DuckDBPyConnection) -> None:
    variant = shopify_product(conn, 1, "4901234567894")
    smaregi_product(conn, "10", "4901234567894")
    shopify_product(conn, 2, "4900000000001")
    smaregi_product(conn, "11", "4900000000002")
    report = build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    assert _links(conn) == {"10": variant}
    assert report.new_links == 1
    assert _unlinked(conn)[("shopify", "gid://shopify/ProductVariant/2")][0] == "no_partner"
    assert _unlinked(conn)[("smaregi", "11")][0] == "no_partner"


def test_barcode_match_key(conn: duckdb.DuckDBPyConnection) -> None:
    variant = shopify_product(conn, 1, "SKU-A", barcode="4901234567894")
    smaregi_product(conn, "10", "4901234567894")
    build_product_links(conn, match_key="barcode", exclude_tag="")
    assert _links(conn) == {"10": variant}


def test_duplicate_sku_quarantines_both_variants_and_links_neither(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "Q")
    shopify_product(conn, 2, "Q")
    smaregi_product(conn, "10", "Q")
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {}
    reasons = _quarantine_reasons(conn)
    assert reasons["shopify:gid://shopify/ProductVariant/1"] == "duplicate match key"
    assert reasons["shopify:gid://shopify/ProductVariant/2"] == "duplicate match key"
    assert _unlinked(conn)[("smaregi", "10")] == ("quarantined", "duplicate match key")


def test_blank_sku_quarantined_as_no_match_key(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "  ", barcode="")
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _quarantine_reasons(conn) == {"shopify:gid://shopify/ProductVariant/1": "no match key"}
    assert _unlinked(conn)[("shopify", "gid://shopify/ProductVariant/1")][0] == "quarantined"


def test_excluded_products_never_link_and_lose_their_link(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X")
    build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    assert _links(conn) == {"10": "gid://shopify/ProductVariant/1"}
    conn.execute("UPDATE raw.shopify_products SET tags = ['sale', 'SMAPIFY-EXCLUDE']")
    build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    assert _links(conn) == {}
    assert _quarantine_reasons(conn)["shopify:gid://shopify/ProductVariant/1"] == "excluded by tag"


def test_smaregi_tag_text_excludes(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X", tag="新商品、smapify-exclude")
    build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    assert _links(conn) == {}
    assert _unlinked(conn)[("smaregi", "10")][0] == "excluded"


def test_links_are_stable_when_codes_change(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X")
    build_product_links(conn, match_key="sku", exclude_tag="")
    linked_at = conn.execute("SELECT linked_at FROM core.product_links").fetchall()
    conn.execute("UPDATE raw.shopify_variants SET sku = 'Y'")
    shopify_product(conn, 2, "X")
    report = build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {"10": "gid://shopify/ProductVariant/1"}
    assert report.new_links == 0
    assert conn.execute("SELECT linked_at FROM core.product_links").fetchall() == linked_at
    assert _unlinked(conn)[("shopify", "gid://shopify/ProductVariant/2")] == (
        "quarantined",
        "duplicate match key",
    )


def test_a_deleted_side_keeps_its_link_until_retired(conn: duckdb.DuckDBPyConnection) -> None:
    shopify_product(conn, 1, "X")
    smaregi_product(conn, "10", "X")
    build_product_links(conn, match_key="sku", exclude_tag="")
    conn.execute("UPDATE raw.shopify_variants SET deleted_at = now()")
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {"10": "gid://shopify/ProductVariant/1"}
    conn.execute(
        "INSERT INTO core.retired_links VALUES ('10', 'gid://shopify/ProductVariant/1', 'X', 'deleted', now())"
    )
    build_product_links(conn, match_key="sku", exclude_tag="")
    assert _links(conn) == {}
    assert _unlinked(conn)[("smaregi", "10")][0] == "retired"


def test_location_pairs_with_unknown_sides_are_quarantined(conn: duckdb.DuckDBPyConnection) -> None:
    stores_and_locations(conn)
    report = build_location_links(conn, [("1", LOCATION), ("9", "gid://shopify/Location/99")])
    assert report.links == 1
    assert conn.execute("SELECT * FROM core.location_links").fetchall() == [("1", LOCATION)]
    raw = conn.execute(
        "SELECT reason, raw_record FROM quarantine.records WHERE source_table = 'core.location_links'"
    ).fetchall()
    assert "unknown Smaregi store 9" in raw[0][0]
    assert json.loads(raw[0][1])["smaregi_store_id"] == "9"
