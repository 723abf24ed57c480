"""Plan computation time for N linked variants with a fraction changed (issue 6: 1,000,000 with 1% in < 10 s).

Synthetic ``raw.*`` tables (one Shopify product per variant, one Smaregi product each, one location pair) are
filled in DuckDB, the links and the sync bases are made as a previous run would have left them, then a
fraction of the pairs changes: half of it a Smaregi price (a product update), half a Smaregi stock count (a
stock push). Timed: ``build_product_links``, ``plan_products`` and ``plan_inventory`` — the pure plan code over
the tables, no HTTP. Writes its numbers to docs/benchmarks.md between ``<!-- plan -->`` and ``<!-- /plan -->``.

    .venv/bin/python -m tests.bench.bench_plan [variants] [changed_fraction]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smapify_pipeline import warehouse  # noqa: E402
from smapify_pipeline.link.location_links import build_location_links  # noqa: E402
from smapify_pipeline.link.product_links import build_product_links  # noqa: E402
from smapify_pipeline.products.plan import SHOPIFY_HASH, SMAREGI_HASH, plan_products  # noqa: E402
from smapify_pipeline.stock.plan import plan_inventory  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402

LOCATION = "gid://shopify/Location/1"


def fill(conn: duckdb.DuckDBPyConnection, n: int) -> None:
    """N linked, agreeing pairs with their stock, and the bases a previous run left."""
    conn.execute(
        "INSERT INTO raw.smaregi_stores (store_id, store_name, extracted_at) VALUES ('1', '本店', now())"
    )
    conn.execute(
        "INSERT INTO raw.shopify_locations (location_id, name, is_active, extracted_at) VALUES (?, '本店', true, now())",
        [LOCATION],
    )
    conn.execute(
        "INSERT INTO raw.smaregi_categories (category_id, category_name, tax_division, extracted_at) "
        "VALUES ('1', 'トップス', '0', now())"
    )
    conn.execute(
        f"""
        INSERT INTO raw.shopify_products (product_id, title, product_type, description_html, status, tags,
                                          extracted_at)
        SELECT 'gid://shopify/Product/' || i, '商品' || i, 'トップス', '説明', 'ACTIVE', []::VARCHAR[], now()
        FROM range(1, {n} + 1) AS t(i);
        INSERT INTO raw.shopify_variants (variant_id, product_id, sku, barcode, price, inventory_item_id, tracked,
                                          unit_cost, extracted_at)
        SELECT 'gid://shopify/ProductVariant/' || i, 'gid://shopify/Product/' || i, 'C' || lpad(i::VARCHAR, 12, '0'),
               'C' || lpad(i::VARCHAR, 12, '0'), 1000 + i % 500, 'gid://shopify/InventoryItem/' || i, true, 500, now()
        FROM range(1, {n} + 1) AS t(i);
        INSERT INTO raw.smaregi_products (product_id, category_id, product_code, product_name, tax_division, price,
                                          cost, description, group_code, display_flag, stock_control_division,
                                          extracted_at)
        SELECT i::VARCHAR, '1', 'C' || lpad(i::VARCHAR, 12, '0'), '商品' || i, '0', 1000 + i % 500, 500, '説明',
               'G' || i, '1', '0', now()
        FROM range(1, {n} + 1) AS t(i);
        INSERT INTO raw.shopify_inventory (inventory_item_id, location_id, available, on_hand, extracted_at)
        SELECT 'gid://shopify/InventoryItem/' || i, '{LOCATION}', 10 + i % 7, 10 + i % 7, now()
        FROM range(1, {n} + 1) AS t(i);
        INSERT INTO raw.smaregi_stock (product_id, store_id, stock_amount, extracted_at)
        SELECT i::VARCHAR, '1', 10 + i % 7, now() FROM range(1, {n} + 1) AS t(i);
        """
    )


def previous_run(conn: duckdb.DuckDBPyConnection) -> None:
    """Links, product bases (merged fields + raw hashes) and stock bases as an earlier sync leaves them."""
    build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
    build_location_links(conn, [("1", LOCATION)])
    conn.execute(
        f"""
        INSERT INTO core.product_sync_base
        SELECT s.product_id, v.variant_id,
               json_object('code', s.product_code, 'title', s.product_name, 'price', s.price,
                           'category', 'トップス', 'description', '説明', 'cost', '500', 'visible', true,
                           'size', NULL, 'color', NULL),
               {SHOPIFY_HASH}, {SMAREGI_HASH}, now()
        FROM core.product_links AS l
        JOIN raw.shopify_variants AS v ON v.variant_id = l.shopify_variant_id
        JOIN raw.shopify_products AS p ON p.product_id = v.product_id
        JOIN raw.smaregi_products AS s ON s.product_id = l.smaregi_product_id
        LEFT JOIN raw.smaregi_categories AS c ON c.category_id = s.category_id;
        INSERT INTO core.stock_sync_base
        SELECT product_id, store_id, '{LOCATION}', stock_amount, now() FROM raw.smaregi_stock;
        """
    )


def change(conn: duckdb.DuckDBPyConnection, n: int, fraction: float) -> int:
    """Change ``fraction`` of the pairs: every other changed pair a price, the rest a stock count."""
    step = max(int(round(1 / fraction)), 1)
    conn.execute(
        f"""
        UPDATE raw.smaregi_products SET price = price + 100
        WHERE (product_id::BIGINT) % {step} = 0 AND (product_id::BIGINT // {step}) % 2 = 0;
        UPDATE raw.smaregi_stock SET stock_amount = stock_amount + 3
        WHERE (product_id::BIGINT) % {step} = 0 AND (product_id::BIGINT // {step}) % 2 = 1;
        """
    )
    return n // step


def timed(label: str, results: dict[str, Any], action: Any) -> Any:
    started = time.perf_counter()
    value = action()
    results[f"{label}_seconds"] = round(time.perf_counter() - started, 3)
    return value


def main(n: int = 1_000_000, fraction: float = 0.01) -> dict[str, Any]:
    results: dict[str, Any] = {"linked_variants": n, "changed_fraction": fraction, "machine": machine()}
    with warehouse.connect(":memory:") as conn:
        timed("fill", results, lambda: fill(conn, n))
        timed("previous_run", results, lambda: previous_run(conn))
        results["changed_pairs"] = change(conn, n, fraction)
        links = timed(
            "link", results, lambda: build_product_links(conn, match_key="sku", exclude_tag="smapify-exclude")
        )
        products = timed(
            "product_plan",
            results,
            lambda: plan_products(conn, primary="smaregi", match_key="sku", delete_policy="archive"),
        )
        stock = timed("inventory_plan", results, lambda: plan_inventory(conn, "smaregi"))
        results["links"] = links.links
        results["pairs_merged"] = products.merged
        results["product_changes"] = dict(products.by_kind)
        results["stock_changes"] = stock.planned
        results["plan_seconds"] = round(
            results["link_seconds"] + results["product_plan_seconds"] + results["inventory_plan_seconds"], 3
        )
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return results


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    share = float(sys.argv[2]) if len(sys.argv) > 2 else 0.01
    numbers = main(size, share)
    print(numbers)
    write_section(
        "plan",
        "Plan computation (links, product plan, inventory plan)",
        f"`.venv/bin/python -m tests.bench.bench_plan {size} {share}`: {size:,} linked variants, one location "
        f"pair, {share:.0%} changed (half prices, half stock counts). Link + both plans over DuckDB, no HTTP; "
        "aim < 10 s. `plan_seconds` is link + product plan + inventory plan; fill/previous_run are setup.",
        numbers,
    )
