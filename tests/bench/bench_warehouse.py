"""Benchmark: the warehouse helpers at pipeline sizes.

* ``upsert`` — ``upsert_dataframe`` of N rows (default 1,000,000) into an on-disk table with a primary key:
  the first load (all inserts), the same frame again (all unchanged), then a frame with 10 % of the rows
  changed and 1 % new;
* ``ledger`` — ``begin`` + ``mark_applied`` for K keys (default 10,000), one by one as push does;
* ``snapshot`` — ``publish_snapshot`` of the upserted table plus a view over it.

Run: ``.venv/bin/python tests/bench/bench_warehouse.py [--rows 1000000] [--ledger-keys 10000]``.
Numbers are printed and written to this benchmark's own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.warehouse import connect, ledger, publish_snapshot, upsert_dataframe  # noqa: E402
from tests.bench import report  # noqa: E402

SECTION = "warehouse"


def product_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "code": [f"49{i:011d}" for i in range(rows)],
            "title": [f"商品 {i % 5000}" for i in range(rows)],
            "price": rng.integers(100, 30_000, rows).astype("float64"),
            "stock": rng.integers(0, 500, rows),
            "updated_at": pd.Timestamp("2026-11-27T06:00:00Z"),
        }
    )


def timed(action: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = action()
    return result, round(time.perf_counter() - started, 3)


def bench(rows: int, ledger_keys: int) -> dict[str, Any]:
    results: dict[str, Any] = {"rows": rows, "ledger_keys": ledger_keys}
    with tempfile.TemporaryDirectory() as scratch:
        working = Path(scratch) / "smapify.duckdb"
        with connect(working) as conn:
            conn.execute(
                "CREATE TABLE core.products (code VARCHAR PRIMARY KEY, title VARCHAR, price DOUBLE, "
                "stock BIGINT, updated_at TIMESTAMPTZ)"
            )
            frame = product_frame(rows)
            counts, first = timed(lambda: upsert_dataframe(conn, "core.products", frame, ["code"]))
            results["upsert_first_load_seconds"] = first
            results["upsert_first_load_counts"] = counts.__dict__
            counts, again = timed(lambda: upsert_dataframe(conn, "core.products", frame, ["code"]))
            results["upsert_same_frame_seconds"] = again
            results["upsert_same_frame_counts"] = counts.__dict__

            changed = frame.copy()
            changed.loc[changed.index % 10 == 0, "stock"] += 1
            new_rows = product_frame(rows // 100, seed=1)
            new_rows["code"] = [f"45{i:011d}" for i in range(len(new_rows))]
            mixed = pd.concat([changed, new_rows], ignore_index=True)
            counts, mixed_seconds = timed(lambda: upsert_dataframe(conn, "core.products", mixed, ["code"]))
            results["upsert_10pct_changed_1pct_new_seconds"] = mixed_seconds
            results["upsert_10pct_changed_1pct_new_counts"] = counts.__dict__

            def run_ledger() -> None:
                for number in range(ledger_keys):
                    key = f"smaregi:bench:txn:{number}:order"
                    ledger.begin(conn, key, "order", "shopify", f"hash-{number}")
                    ledger.mark_applied(conn, key, f"gid://shopify/Order/{number}")

            _, ledger_seconds = timed(run_ledger)
            results["ledger_begin_and_apply_seconds"] = ledger_seconds
            results["ledger_writes_per_second"] = round(2 * ledger_keys / ledger_seconds)

            conn.execute(
                "CREATE VIEW analytics.stock_by_title AS SELECT title, sum(stock) FROM core.products GROUP BY 1"
            )
            target = Path(scratch) / "snapshot" / "smapify.duckdb"
            _, snapshot_seconds = timed(
                lambda: publish_snapshot(conn, target, ["core.products", "analytics.stock_by_title"])
            )
            results["snapshot_publish_seconds"] = snapshot_seconds
            results["snapshot_bytes"] = target.stat().st_size
    return results


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Warehouse: upsert, ledger and snapshot at pipeline sizes",
        "`tests/bench/bench_warehouse.py` — on-disk DuckDB file, one process.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--ledger-keys", type=int, default=10_000)
    args = parser.parse_args()
    results = {
        "machine": report.machine(),
        **bench(args.rows, args.ledger_keys),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    write_section(results)


if __name__ == "__main__":
    main()
