"""Benchmark: paginated variant reads from the Shopify sandbox over real HTTP (aim: ≥ 2,000 variants/s).

Walks ``productVariants(first: 250)`` with the fields an extract asks for, page after page, over a real
socket. The cost bucket is made large enough never to throttle, so the number is the sandbox's own speed
(with Shopify's default 2000/100 bucket the linear cost rule, not the sandbox, is the limit).

Run: ``.venv/bin/python tests/bench/bench_shopify_pagination.py [--variants 20000]``.
Numbers are printed and written to this benchmark's own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox  # noqa: E402
from tests.bench import report  # noqa: E402

SECTION = "shopify-pagination"
PAGE = """
query Page($after: String) {
  productVariants(first: 250, after: $after, sortKey: ID) {
    pageInfo { hasNextPage endCursor }
    nodes { id sku barcode price compareAtPrice title updatedAt inventoryItem { id tracked } }
  }
}
"""


def bench(variants: int) -> dict[str, Any]:
    started = time.perf_counter()
    sandbox = ShopifySandbox.create(seed_size=variants, bucket_size=1e12, restore_rate=1e12)
    seed_seconds = time.perf_counter() - started
    headers = {"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN}
    try:
        with (
            SandboxServer(sandbox.app) as server,
            httpx.Client(base_url=server.url, headers=headers) as client,
        ):
            seen, pages, after = 0, 0, None
            started = time.perf_counter()
            while True:
                body = client.post(
                    f"/admin/api/{credentials.SHOPIFY_API_VERSION}/graphql.json",
                    json={"query": PAGE, "variables": {"after": after}},
                ).json()
                connection = body["data"]["productVariants"]
                seen += len(connection["nodes"])
                pages += 1
                if not connection["pageInfo"]["hasNextPage"]:
                    break
                after = connection["pageInfo"]["endCursor"]
            seconds = time.perf_counter() - started
    finally:
        sandbox.close()
    return {
        "machine": report.machine(),
        "variants": seen,
        "pages": pages,
        "seed_seconds": round(seed_seconds, 2),
        "walk_seconds": round(seconds, 2),
        "variants_per_second": round(seen / seconds),
        "cost_of_one_page": 2 + 250 * 2,
    }


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Shopify sandbox: paginated variant reads over HTTP",
        "`tests/bench/bench_shopify_pagination.py` — aim: at least 2,000 variants/s at 250 a page.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20_000)
    results = bench(parser.parse_args().variants)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    write_section(results)


if __name__ == "__main__":
    main()
