"""Benchmark: bulk-export a 50,000-variant Shopify sandbox shop (aim: under 30 s).

Two measurements:

* ``module`` — the bulk machinery alone: a result shaped like the sandbox's ``execute_all`` answer for the
  seeded catalogue (products → variants → inventory item) is flattened to JSONL and encoded by
  :class:`BulkOperations`, and the simulated running time it reports is recorded;
* ``http`` — when the Shopify sandbox app is available: over real HTTP, ``bulkOperationRunQuery``, polling
  ``currentBulkOperation`` as a client does, and downloading the file (time scale 1, so the simulated running
  time is paid in full).

Run: ``.venv/bin/python tests/bench/bench_shopify_bulk_export.py [--variants 50000] [--skip-http]``.
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

from smapify_pipeline.sandbox.clock import SandboxClock  # noqa: E402
from smapify_pipeline.sandbox.seed import build_catalogue  # noqa: E402
from smapify_pipeline.sandbox.shopify.bulk import BulkOperations  # noqa: E402
from smapify_pipeline.sandbox.shopify.schema import load_schema  # noqa: E402
from tests.bench import report  # noqa: E402

EXPORT_QUERY = """
{
  products {
    edges {
      node {
        id title handle status productType updatedAt tags
        variants {
          edges { node { id sku barcode price inventoryItem { id tracked } } }
        }
      }
    }
  }
}
"""
SECTION = "shopify-bulk-export"


def result_shaped_like_the_sandbox(variants: int) -> tuple[dict, int]:
    catalogue = build_catalogue(size=variants, seed=0)
    products: list[dict[str, Any]] = []
    variant_number = 0
    for product_number, product in enumerate(catalogue.products, start=1):
        edges = []
        for variant in product.variants:
            variant_number += 1
            edges.append(
                {
                    "node": {
                        "id": f"gid://shopify/ProductVariant/{variant_number}",
                        "sku": variant.code,
                        "barcode": variant.code,
                        "price": f"{variant.price}",
                        "inventoryItem": {
                            "id": f"gid://shopify/InventoryItem/{variant_number}",
                            "tracked": True,
                        },
                    }
                }
            )
        products.append(
            {
                "node": {
                    "id": f"gid://shopify/Product/{product_number}",
                    "title": product.title,
                    "handle": f"product-{product_number}",
                    "status": "ACTIVE",
                    "productType": product.category.product_type,
                    "updatedAt": "2026-11-01T00:00:00Z",
                    "tags": list(product.tags),
                    "variants": {"edges": edges},
                }
            }
        )
    return {"products": {"edges": products}}, variant_number


def bench_module(variants: int) -> dict[str, Any]:
    data, variant_count = result_shaped_like_the_sandbox(variants)
    clock = SandboxClock(scale=1e-6)
    bulk = BulkOperations(clock, lambda _query: data, lambda n: f"http://127.0.0.1/_sandbox/bulk/{n}.jsonl")
    started = time.perf_counter()
    operation, errors = bulk.run_query(EXPORT_QUERY, load_schema())
    assert operation is not None, errors
    assert bulk.wait_until_executed(operation.id, timeout=600)
    encoded = time.perf_counter() - started
    clock.advance(10 * 24 * 3600 - 1)
    done = bulk.get(operation.id)
    assert done is not None and done.status == "COMPLETED", done
    body = bulk.result_bytes(done.numeric_id) or b""
    return {
        "variants": variant_count,
        "objects": done.object_count,
        "root_objects": done.root_object_count,
        "file_bytes": len(body),
        "flatten_and_encode_seconds": round(encoded, 3),
        "simulated_running_seconds": round(bulk.run_seconds(done.object_count), 1),
    }


def bench_http(variants: int) -> dict[str, Any] | None:
    try:
        from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
    except ImportError:
        return None
    import httpx

    from smapify_pipeline.platforms.sandboxes import SHOPIFY_ACCESS_TOKEN, SHOPIFY_API_VERSION
    from smapify_pipeline.sandbox.server import SandboxServer

    seeding = time.perf_counter()
    sandbox = ShopifySandbox.create(seed_size=variants, time_scale=1.0)
    seeded = time.perf_counter() - seeding
    run = "mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { message } } }"
    poll = "{ currentBulkOperation { id status objectCount url } }"
    with (
        SandboxServer(sandbox.app) as server,
        httpx.Client(
            base_url=f"{server.url}/admin/api/{SHOPIFY_API_VERSION}",
            headers={"X-Shopify-Access-Token": SHOPIFY_ACCESS_TOKEN},
            timeout=120,
        ) as client,
    ):
        started = time.perf_counter()
        answer = client.post("/graphql.json", json={"query": run, "variables": {"q": EXPORT_QUERY}}).json()
        payload = answer["data"]["bulkOperationRunQuery"]
        assert not payload["userErrors"], payload
        while True:
            current = client.post("/graphql.json", json={"query": poll}).json()["data"][
                "currentBulkOperation"
            ]
            if current["status"] not in ("CREATED", "RUNNING"):
                break
            time.sleep(0.5)
        assert current["status"] == "COMPLETED", current
        path = "/" + current["url"].split("/", 3)[3]
        body = httpx.get(f"{server.url}{path}", timeout=120).content
        total = time.perf_counter() - started
    sandbox.close()
    return {
        "seed_seconds": round(seeded, 2),
        "export_seconds": round(total, 2),
        "objects": int(current["objectCount"]),
        "file_bytes": len(body),
        "lines": body.count(b"\n"),
    }


def write_section(results: dict[str, Any]) -> None:
    report.write_section(
        SECTION,
        "Shopify sandbox: bulk export of a 50,000-variant shop",
        "`tests/bench/bench_shopify_bulk_export.py` — aim: under 30 s end to end.",
        results,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=50_000)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {
        "machine": report.machine(),
        "module": bench_module(args.variants),
    }
    if not args.skip_http:
        results["http"] = bench_http(args.variants) or "skipped: the Shopify sandbox app is not available yet"
    print(json.dumps(results, indent=2, ensure_ascii=False))
    write_section(results)


if __name__ == "__main__":
    main()
