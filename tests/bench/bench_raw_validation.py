"""Benchmark: normalizing and validating raw extracts at pipeline sizes.

* ``smaregi_products`` — N Smaregi product records (all strings, as the API sends them);
* ``shopify_variants`` — N Shopify variants as bulk JSONL rows (product rows + variant rows with ``__parentId``);
* each clean, then with 1 % of the rows made bad (negative price, unparseable time, duplicate code).

Times are for ``normalize_*`` and for ``validate_table`` (pandera lazy validation + quarantine frame).

Run: ``.venv/bin/python tests/bench/bench_raw_validation.py [--rows 100000]``.
Numbers are printed and written to this benchmark's own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.schemas.frames import NormalizedTable  # noqa: E402
from smapify_pipeline.schemas.normalize_shopify import normalize_shopify_products  # noqa: E402
from smapify_pipeline.schemas.normalize_smaregi import normalize_smaregi_products  # noqa: E402
from smapify_pipeline.schemas.tables import validate_table  # noqa: E402
from tests.bench import report  # noqa: E402

SECTION = "raw-validation"
EXTRACTED = datetime(2026, 3, 4, tzinfo=UTC)


def smaregi_records(rows: int, bad_every: int | None) -> list[dict[str, Any]]:
    records = []
    for i in range(rows):
        record = {
            "productId": str(8000001 + i),
            "categoryId": str(1 + i % 12),
            "productCode": f"49{i:011d}",
            "productName": f"オーガニックコットンTシャツ {i}",
            "taxDivision": "0",
            "price": str(1000 + i % 5000),
            "cost": "400.00000",
            "size": "M",
            "color": "ホワイト",
            "groupCode": f"G-{i // 3}",
            "displayFlag": "1",
            "division": "0",
            "salesDivision": "0",
            "stockControlDivision": "0",
            "updDateTime": "2026-03-01T18:00:00+09:00",
        }
        if bad_every and i % bad_every == 0:
            kind = (i // bad_every) % 3
            if kind == 0:
                record["price"] = "-100"
            elif kind == 1:
                record["updDateTime"] = "2026-13-45T00:00:00+09:00"
            else:
                record["productCode"] = "4900000000000"
        records.append(record)
    return records


def shopify_rows(rows: int, bad_every: int | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in range(rows):
        if i % 3 == 0:
            out.append(
                {
                    "id": f"gid://shopify/Product/{i // 3 + 1}",
                    "title": f"オーガニックコットンTシャツ {i // 3}",
                    "status": "ACTIVE",
                    "tags": ["春夏"],
                    "createdAt": "2026-01-10T01:00:00Z",
                    "updatedAt": "2026-03-01T09:00:00Z",
                }
            )
        variant = {
            "id": f"gid://shopify/ProductVariant/{i + 1}",
            "__parentId": f"gid://shopify/Product/{i // 3 + 1}",
            "sku": f"49{i:011d}",
            "barcode": f"49{i:011d}",
            "price": f"{1000 + i % 5000}.00",
            "selectedOptions": [{"name": "サイズ", "value": "M"}, {"name": "カラー", "value": "白"}],
            "inventoryItem": {"id": f"gid://shopify/InventoryItem/{i + 1}", "tracked": True},
            "updatedAt": "2026-03-01T09:00:00Z",
        }
        if bad_every and i % bad_every == 0:
            kind = (i // bad_every) % 3
            if kind == 0:
                variant["price"] = "-100.00"
            elif kind == 1:
                variant["updatedAt"] = "2026-13-45"
            else:
                variant["sku"] = ""
        out.append(variant)
    return out


def measure(normalize: Callable[[], NormalizedTable]) -> dict[str, Any]:
    start = time.perf_counter()
    table = normalize()
    normalized = time.perf_counter()
    outcome = validate_table(table)
    validated = time.perf_counter()
    return {
        "rows": len(table),
        "normalize_seconds": round(normalized - start, 3),
        "validate_seconds": round(validated - normalized, 3),
        "valid": outcome.valid_count,
        "quarantined": outcome.quarantined_count,
    }


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Raw layer: normalize and validate extracts",
        "`tests/bench/bench_raw_validation.py` — one process; bad runs have 1 % bad rows.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()

    results: dict[str, Any] = {"machine": report.machine()}
    for label, bad_every in (("clean", None), ("one_percent_bad", 100)):
        smaregi = smaregi_records(args.rows, bad_every)
        results[f"smaregi_products_{label}"] = measure(
            lambda s=smaregi: normalize_smaregi_products(s, EXTRACTED)
        )
        shopify = shopify_rows(args.rows, bad_every)
        results[f"shopify_variants_{label}"] = measure(
            lambda s=shopify: normalize_shopify_products(s, EXTRACTED)["raw.shopify_variants"]
        )
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_write:
        write_section(results)


if __name__ == "__main__":
    main()
