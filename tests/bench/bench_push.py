"""Benchmark: document push throughput against the sandboxes' rate limits, as a fraction of the allowed rate.

Both sandboxes are served over real HTTP at time scale 1, seeded from one catalogue; the push runs against
tight limits (a small Shopify cost bucket swapped in after the extract, a Smaregi write limit). A baseline extract + link runs, then ``--sales`` POS sales and
``--orders`` online orders are made, extract + link + ``order_plan`` run, and the planned writes are applied
with the production push code (:func:`smapify_pipeline.sync.push.apply_all` and the document writers), one platform
at a time:

* Shopify (POS sales → ``orderCreate`` + ``available`` read + ``inventoryAdjustQuantities``): utilisation =
  cost points spent per second, minus the bucket's starting content, ÷ the restore rate;
* Smaregi (online orders → ``POST /transactions``): utilisation = writes per second ÷ the write limit.

Run: ``.venv/bin/python tests/bench/bench_push.py [--sales 60 --orders 40]``. Numbers are printed and written
to this benchmark's section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402

from smapify_pipeline import warehouse  # noqa: E402
from smapify_pipeline.documents.apply import DocumentPush  # noqa: E402
from smapify_pipeline.documents.assets import ORDER_PLAN, order_plan  # noqa: E402
from smapify_pipeline.extract.assets import EXTRACT_ASSETS  # noqa: E402
from smapify_pipeline.link.assets import LINK_ASSETS  # noqa: E402
from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource  # noqa: E402
from smapify_pipeline.sandbox.seed import build_catalogue  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox  # noqa: E402
from smapify_pipeline.sandbox.shopify.cost import CostBucket  # noqa: E402
from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox  # noqa: E402
from smapify_pipeline.settings import SyncSettings  # noqa: E402
from smapify_pipeline.sync.plan import read_plan  # noqa: E402
from smapify_pipeline.sync.push import apply_all, outcome_counts, planned_change  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402

SECTION = "push-throughput"
BUCKET = 200.0
RESTORE = 50.0
SMAREGI_WRITES = 10.0


def run(sales: int, orders: int) -> dict[str, Any]:
    catalogue = build_catalogue("small", seed=5, locations=1)
    shopify = ShopifySandbox.create(catalogue=catalogue)
    smaregi = SmaregiSandbox.create(catalogue=catalogue, writes_per_second=SMAREGI_WRITES)
    smaregi.rate_limiter.enabled = True
    codes = [variant.code for _, variant in catalogue.variants() if variant.stock[0] >= 3]
    with (
        SandboxServer(shopify.app) as shopify_server,
        SandboxServer(smaregi.app) as smaregi_server,
        tempfile.TemporaryDirectory() as folder,
        dg.instance_for_test() as instance,
    ):
        location = f"gid://shopify/Location/{shopify.location(0).id}"
        resources = {
            "shopify": ShopifyResource(
                base_url=shopify_server.url,
                access_token=credentials.SHOPIFY_ACCESS_TOKEN,
                bulk_poll_seconds=0.2,
            ),
            "smaregi": SmaregiResource(
                api_base_url=smaregi_server.url,
                id_base_url=smaregi_server.url,
                contract_id=credentials.SMAREGI_CONTRACT_ID,
                client_id=credentials.SMAREGI_CLIENT_ID,
                client_secret=credentials.SMAREGI_CLIENT_SECRET,
                writes_per_second=SMAREGI_WRITES,
            ),
            "warehouse_db": WarehouseResource(
                path=f"{folder}/smapify.duckdb", snapshot_path=f"{folder}/snapshot/smapify.duckdb"
            ),
            "sync_rules": SyncSettings(location_pairs=[f"1={location}"], online_store_id="1"),
        }
        dg.materialize([*EXTRACT_ASSETS, *LINK_ASSETS], resources=resources, instance=instance)
        for number in range(sales):
            smaregi.ring_up_sale("1", [(codes[number % len(codes)], 1)])
        for number in range(orders):
            shopify.storefront_sale([(codes[number % len(codes)], 1)], location=0)
        dg.materialize([*EXTRACT_ASSETS, *LINK_ASSETS, order_plan], resources=resources, instance=instance)
        shopify.bucket = CostBucket(shopify.clock, BUCKET, RESTORE)
        """The tight bucket only for the push: extract pages cost more than it holds."""
        shopify_client = resources["shopify"].get_client()  # type: ignore[attr-defined]
        smaregi_client = resources["smaregi"].get_client()  # type: ignore[attr-defined]
        family = DocumentPush(shopify_client, smaregi_client)
        results: dict[str, Any] = {"machine": machine(), "sales": sales, "online_orders": orders}
        with warehouse.connect(f"{folder}/smapify.duckdb") as conn:
            planned = [
                (planned_change(r), r.depends_on)
                for r in read_plan(conn, ORDER_PLAN.table, ORDER_PLAN.order_by)
            ]
            for target in ("shopify", "smaregi"):
                changes = [(c, d) for c, d in planned if c.target == target]
                bucket_before = shopify.bucket.status()["currentlyAvailable"]
                calls_before = sum(smaregi_client.calls.values())
                started = time.perf_counter()
                outcomes = apply_all(conn, changes, lambda change: family.writers[change.kind])
                seconds = time.perf_counter() - started
                counts = outcome_counts(outcomes)
                if target == "shopify":
                    bucket_after = shopify.bucket.status()["currentlyAvailable"]
                    spent = RESTORE * seconds + bucket_before - bucket_after
                    results["shopify"] = {
                        "bucket": BUCKET,
                        "restore_per_second": RESTORE,
                        "writes": len(changes),
                        "outcomes": counts,
                        "seconds": round(seconds, 3),
                        "points_spent": round(spent, 1),
                        "utilisation": round((spent - bucket_before) / (RESTORE * seconds), 3),
                        "throttled": sum(shopify_client.throttled.values()),
                    }
                else:
                    calls = sum(smaregi_client.calls.values()) - calls_before
                    results["smaregi"] = {
                        "writes_per_second_limit": SMAREGI_WRITES,
                        "writes": len(changes),
                        "outcomes": counts,
                        "calls": calls,
                        "seconds": round(seconds, 3),
                        "writes_per_second": round(calls / seconds, 2),
                        "utilisation": round(calls / seconds / SMAREGI_WRITES, 3),
                        "refused_429": sum(smaregi_client.rate_limited.values()),
                    }
        shopify_client.close()
        smaregi_client.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=60)
    parser.add_argument("--orders", type=int, default=40)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    args = parser.parse_args()
    results = run(args.sales, args.orders)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    if not args.no_write:
        write_section(
            SECTION,
            "Document push: throughput against the sandboxes' rate limits",
            "`tests/bench/bench_push.py` — real HTTP, sandbox time scale 1, production push code "
            "(`apply_all` + document writers), one platform at a time. Smaregi utilisation can exceed 1 by the "
            "limiter's starting budget (its first second is already full).",
            results,
        )


if __name__ == "__main__":
    main()
