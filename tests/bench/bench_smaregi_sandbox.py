"""Smaregi sandbox throughput: rows per second when paging products and transactions over real HTTP.

Seeds a large catalogue and a transaction history straight into the state (timed too), serves the sandbox
with uvicorn on loopback, and pages through everything the way an extractor does: products at 1,000 a page,
transactions at 1,000 a page without details and 100 a page with details, in 31-day windows. Rate limits
are switched off (they would measure the limiter, not the sandbox). Aim: ≥ 5,000 rows/s at 1,000 a page.

Numbers are printed and written to this benchmark's own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import base64
import json
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.sandbox.seed import build_catalogue, generate_sales  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox  # noqa: E402
from smapify_pipeline.sandbox.smaregi.seeding import seed_catalogue, seed_sales  # noqa: E402
from tests.bench import report  # noqa: E402

SECTION = "smaregi-sandbox"


def token(url: str) -> str:
    basic = base64.b64encode(
        f"{credentials.SMAREGI_CLIENT_ID}:{credentials.SMAREGI_CLIENT_SECRET}".encode()
    ).decode()
    answer = httpx.post(
        f"{url}/app/{credentials.SMAREGI_CONTRACT_ID}/token",
        headers={"Authorization": f"Basic {basic}"},
        data={"grant_type": "client_credentials", "scope": "pos.products:read pos.transactions:read"},
    )
    answer.raise_for_status()
    return answer.json()["access_token"]


def page_all(client: httpx.Client, path: str, params: dict[str, Any], limit: int) -> tuple[int, int]:
    """(rows, requests) for one list, paged by the short-page rule."""
    rows = requests = 0
    page = 1
    while True:
        answer = client.get(path, params={**params, "limit": limit, "page": page})
        answer.raise_for_status()
        batch = answer.json()
        rows += len(batch)
        requests += 1
        if len(batch) < limit:
            return rows, requests
        page += 1


def windows(first: date, last: date, days: int = 31) -> list[tuple[str, str]]:
    spans = []
    start = first
    while start <= last:
        end = min(start + timedelta(days=days - 1), last)
        spans.append((start.isoformat(), end.isoformat()))
        start = end + timedelta(days=1)
    return spans


def timed_listing(
    client: httpx.Client, label: str, lists: list[tuple[str, dict[str, Any]]], limit: int
) -> dict:
    started = time.perf_counter()
    rows = requests = 0
    for path, params in lists:
        got, calls = page_all(client, path, params, limit)
        rows += got
        requests += calls
    seconds = time.perf_counter() - started
    result = {"rows": rows, "requests": requests, "page_size": limit, "seconds": round(seconds, 2),
              "rows_per_second": round(rows / seconds)}  # fmt: skip
    print(f"{label}: {result}", flush=True)
    return result


def bench(variants: int, sales: int) -> dict[str, Any]:
    sandbox = SmaregiSandbox.create(seed_size=1)
    sandbox.rate_limiter.enabled = False
    catalogue = build_catalogue(variants, seed=0, locations=2)
    started = time.perf_counter()
    seed_catalogue(sandbox.state, catalogue)
    catalogue_seconds = time.perf_counter() - started
    started = time.perf_counter()
    stored = seed_sales(sandbox.state, generate_sales(catalogue, sales, seed=0))
    sales_seconds = time.perf_counter() - started
    details = sum(len(rows) for rows in sandbox.state.details.values())
    sum_dates = sorted(h["sumDate"] for h in sandbox.state.transactions.values())
    spans = windows(date.fromisoformat(sum_dates[0]), date.fromisoformat(sum_dates[-1]))
    results: dict[str, Any] = {
        "seed": {"products": len(sandbox.state.products), "transactions": stored, "details": details,
                 "catalogue_seconds": round(catalogue_seconds, 2), "sales_seconds": round(sales_seconds, 2)},
    }  # fmt: skip
    print(f"seeded: {results['seed']}", flush=True)
    with (
        SandboxServer(sandbox.app) as server,
        httpx.Client(
            base_url=f"{server.url}/{credentials.SMAREGI_CONTRACT_ID}/pos",
            headers={"Authorization": f"Bearer {token(server.url)}"},
            timeout=60,
        ) as client,
    ):
        results["products_1000"] = timed_listing(client, "products", [("/products", {})], 1000)
        by_window = [("/transactions", {"sum_date-from": low, "sum_date-to": high}) for low, high in spans]
        results["transactions_1000"] = timed_listing(client, "transactions", by_window, 1000)
        with_details = [(path, {**params, "with_details": "all"}) for path, params in by_window]
        results["transactions_with_details_100"] = timed_listing(
            client, "transactions+details", with_details, 100
        )
    sandbox.close()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return results


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Smaregi sandbox: paging products and transactions over HTTP",
        "`tests/bench/bench_smaregi_sandbox.py` — uvicorn on loopback, one client, rate limits off; aim ≥ 5,000 rows/s at 1,000 a page.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--sales", type=int, default=50_000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    results = {
        "machine": report.machine(),
        **bench(args.variants, args.sales),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_write:
        write_section(results)


if __name__ == "__main__":
    main()
