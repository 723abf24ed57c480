"""Benchmark: how much of each platform's rate budget the clients use, over real HTTP against the sandboxes.

* ``smaregi_reads`` — single-product GETs through :meth:`SmaregiClient.get_many` with the client's read budget
  set to the sandbox's read limit; utilisation = successful calls per second ÷ the limit; 429s counted.
* ``shopify_cost`` — a paginated ``productVariants`` walk repeated for a while against a small cost bucket;
  utilisation = points spent per second (``actualQueryCost``, minus the bucket's starting content) ÷ the
  restore rate; ``THROTTLED`` answers counted.

Run: ``.venv/bin/python tests/bench/bench_client_rate_utilisation.py [--seconds 6]``.
Numbers are printed and written to this benchmark's own section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.platforms.shopify.client import ShopifyClient  # noqa: E402
from smapify_pipeline.platforms.smaregi.client import SmaregiClient  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox  # noqa: E402
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox  # noqa: E402
from smapify_pipeline.sandbox.smaregi.state import ALL_SCOPES  # noqa: E402
from tests.bench import report  # noqa: E402

SECTION = "client-rate-utilisation"
VARIANTS = """
query Variants($after: String) {
  productVariants(first: 10, after: $after) { nodes { id sku } pageInfo { hasNextPage endCursor } }
}
"""


def smaregi_reads(seconds: float, reads_per_second: float, concurrency: int) -> dict[str, Any]:
    sandbox = SmaregiSandbox.create(seed_size="small", seed=1, reads_per_second=reads_per_second)
    sandbox.rate_limiter.enabled = True
    with SandboxServer(sandbox.app) as server:
        client = SmaregiClient(
            server.url,
            server.url,
            credentials.SMAREGI_CONTRACT_ID,
            credentials.SMAREGI_CLIENT_ID,
            credentials.SMAREGI_CLIENT_SECRET,
            scopes=ALL_SCOPES,
            reads_per_second=reads_per_second,
            max_concurrency=concurrency,
        )
        ids = [p["productId"] for p in client.get_list("/products")]
        client.calls.clear()
        client.rate_limited.clear()
        calls = int(seconds * reads_per_second)
        paths = [f"/products/{ids[i % len(ids)]}" for i in range(calls)]
        started = time.monotonic()
        fetched = sum(1 for _ in client.get_many(paths))
        elapsed = time.monotonic() - started
        refused = sum(client.rate_limited.values())
        client.close()
    sandbox.close()
    # The first call goes at once (a full bucket), so n calls need (n - 1) / rate seconds at best.
    return {
        "limit_per_second": reads_per_second,
        "concurrency": concurrency,
        "calls": fetched,
        "seconds": round(elapsed, 3),
        "calls_per_second": round(fetched / elapsed, 2),
        "utilisation": round((fetched - 1) / elapsed / reads_per_second, 3),
        "refused_429": refused,
    }


def shopify_cost(seconds: float, bucket: float, restore_rate: float) -> dict[str, Any]:
    sandbox = ShopifySandbox.create(seed_size="small", seed=1, bucket_size=bucket, restore_rate=restore_rate)
    with SandboxServer(sandbox.app) as server:
        client = ShopifyClient(server.url, access_token=credentials.SHOPIFY_ACCESS_TOKEN)
        spent = 0.0
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            after: str | None = None
            while True:
                data = client.execute(VARIANTS, {"after": after} if after else {})
                spent += float((client.last_cost or {}).get("actualQueryCost") or 0)
                page = data["productVariants"]["pageInfo"]
                if not page["hasNextPage"]:
                    break
                after = page["endCursor"]
        elapsed = time.monotonic() - started
        throttled = sum(client.throttled.values())
        client.close()
    sandbox.close()
    return {
        "bucket": bucket,
        "restore_per_second": restore_rate,
        "calls": sum(client.calls.values()),
        "seconds": round(elapsed, 3),
        "points_spent": spent,
        "utilisation": round((spent - bucket) / elapsed / restore_rate, 3),
        "throttled": throttled,
        "paced_seconds": round(client.pacer.waited_seconds, 3),
    }


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Platform clients: rate-budget utilisation against the sandboxes",
        "`tests/bench/bench_client_rate_utilisation.py` — real HTTP, sandbox time scale 1.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    results = {
        "machine": report.machine(),
        "smaregi_reads": smaregi_reads(args.seconds, reads_per_second=10.0, concurrency=8),
        "shopify_cost": shopify_cost(args.seconds, bucket=100.0, restore_rate=50.0),
    }
    print(json.dumps(results, indent=2))
    if not args.no_write:
        write_section(results)


if __name__ == "__main__":
    main()
