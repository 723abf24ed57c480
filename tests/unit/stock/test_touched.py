"""Products touched by this run's document plans (left alone by the stock push until the next run)."""

from __future__ import annotations

import duckdb
import pytest

from smapify_pipeline.link.product_links import build_product_links
from smapify_pipeline.stock.touched import touched_products
from smapify_pipeline.sync.plan import PlanRow, read_plan, replace_plan
from tests.unit.tables import memory_warehouse, shopify_product, smaregi_product


@pytest.fixture
def conn() -> duckdb.DuckDBPyConnection:
    conn = memory_warehouse()
    for number, (variant_code, product_id) in enumerate((("X", "10"), ("Y", "11"), ("Z", "12")), start=1):
        shopify_product(conn, number, variant_code)
        smaregi_product(conn, product_id, variant_code)
    build_product_links(conn, match_key="sku", exclude_tag="")
    return conn


def _plan(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    key: str,
    products: tuple[str, ...] = (),
    variants: tuple[str, ...] = (),
) -> None:
    replace_plan(
        conn,
        table,
        [
            *read_plan(conn, table),
            PlanRow(key, "k", "t", "s", {}, "r", smaregi_product_ids=products, shopify_variant_ids=variants),
        ],
    )


def test_no_document_plans_touch_nothing(conn: duckdb.DuckDBPyConnection) -> None:
    assert touched_products(conn) == set()


def test_subjects_by_smaregi_product_and_shopify_variant(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn, "plan.order_plan", "a", products=("10",))
    _plan(conn, "plan.order_plan", "b", variants=("gid://shopify/ProductVariant/2",))
    _plan(
        conn,
        "plan.refund_plan",
        "c",
        variants=("gid://shopify/ProductVariant/3", "gid://shopify/ProductVariant/9"),
    )
    assert touched_products(conn) == {"10", "11", "12"}


def test_unlinked_subjects_touch_nothing(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn, "plan.order_plan", "a", products=("99",), variants=("gid://shopify/ProductVariant/99",))
    _plan(conn, "plan.refund_plan", "b", products=("12",))
    assert touched_products(conn) == {"12"}


def test_applied_document_rows_no_longer_touch(conn: duckdb.DuckDBPyConnection) -> None:
    _plan(conn, "plan.order_plan", "a", products=("10",))
    conn.execute(
        "INSERT INTO sync.ledger VALUES ('a', 'k', 't', 'applied', 1, 1, NULL, 'x', NULL, now(), now(), now())"
    )
    assert touched_products(conn) == set()
