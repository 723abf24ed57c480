"""Full and incremental extraction against both sandboxes over loopback HTTP.

The sandboxes run in a child process (so the pipeline's peak memory is measured alone), seeded with a
20,000-variant catalogue over 2 locations and 50,000 Smaregi sales with details. Reports wall time, API calls,
peak memory of the pipeline process, and rate-limit utilisation of the Smaregi transaction read (achieved
requests per second over the sandbox's allowed read rate), then incremental runs after 10 changes per side (an
hour apart in sandbox time). The first one after the load also re-reads the seeded records, which share the
cursor's time (a cursor is the newest change seen, and each read looks back 10 minutes from it); the second is
the steady state. Smaregi's incremental calls include the deletion sweep (``fields=productId``, 1,000 a page).

Run: ``.venv/bin/python tests/bench/bench_extract.py`` (numbers go to docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import dagster as dg

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from smapify_pipeline.extract.assets import EXTRACT_ASSETS, ExtractConfig  # noqa: E402
from smapify_pipeline.sandbox.smaregi import choices as smaregi_choices  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402
from tests.e2e.conftest import make_resources  # noqa: E402


def serve_sandboxes(variants: int, sales: int, commands: Connection) -> None:
    """Child process: serve both sandboxes; make changes when asked; stop when told."""
    from smapify_pipeline.sandbox.pair import SandboxPair

    pair = SandboxPair.create(seed_size=variants, seed=1, locations=2, sales=sales)
    with pair.serve() as servers:
        commands.send({"shopify_url": servers.shopify_url, "smaregi_url": servers.smaregi_url})
        while (command := commands.recv()) != "stop":
            if command == "changes":
                commands.send(ten_changes_each(pair))


def ten_changes_each(pair: Any) -> int:
    shopify, smaregi = pair.shopify, pair.smaregi
    for sandbox in (shopify, smaregi):
        sandbox.clock.advance(3600)
    skus = [shopify.state.items[v.inventory_item_id].sku for v in list(shopify.state.variants.values())[:10]]
    for sku in skus[:5]:
        shopify.admin_product_edit(sku, price=2_000)
    for sku in skus[5:9]:
        shopify.manual_stock_edit(sku, 0, 33)
    shopify.storefront_sale([(skus[9], 1)], location=1)
    products = list(smaregi.state.products.values())[:10]
    store = next(iter(smaregi.state.stores))
    for product in products[:5]:
        smaregi.product_edit(product["productId"], {"price": "2200"})
    for product in products[5:9]:
        smaregi.stock_count(product["productId"], store, 21)
    smaregi.ring_up_sale(store, [(products[9]["productCode"], 1)])
    return 20


def run(resources: dict[str, Any], instance: dg.DagsterInstance, history_days: int) -> dict[str, Any]:
    config = ExtractConfig(history_days=history_days)
    started = time.perf_counter()
    result = dg.materialize(
        EXTRACT_ASSETS,
        resources=resources,
        instance=instance,
        run_config=dg.RunConfig(ops={"smaregi_transactions": config}),
    )
    wall = time.perf_counter() - started
    metadata = {
        event.asset_key.to_user_string(): {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }
    calls = {name: values.get("api_calls", 0) for name, values in metadata.items()}
    transactions_seconds = metadata["smaregi_transactions"]["api_read_seconds"]
    transaction_calls = calls["smaregi_transactions"]
    return {
        "wall_seconds": round(wall, 2),
        "api_calls": {
            "shopify": sum(v for k, v in calls.items() if k.startswith("shopify")),
            "smaregi": sum(v for k, v in calls.items() if k.startswith("smaregi")),
            "by_asset": calls,
        },
        "rows": {name: values["dagster/row_count"] for name, values in metadata.items()},
        "smaregi_transactions": {
            "calls": transaction_calls,
            "seconds": round(transactions_seconds, 2),
            "requests_per_second": round(transaction_calls / transactions_seconds, 2),
            "allowed_per_second": smaregi_choices.READ_REQUESTS_PER_SECOND,
            "utilisation": round(
                transaction_calls / transactions_seconds / smaregi_choices.READ_REQUESTS_PER_SECOND, 3
            ),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=20_000)
    parser.add_argument("--sales", type=int, default=50_000)
    args = parser.parse_args()

    parent, child = mp.Pipe()
    sandboxes = mp.get_context("spawn").Process(
        target=serve_sandboxes, args=(args.variants, args.sales, child)
    )
    sandboxes.start()
    try:
        urls = parent.recv()
        servers = type("Servers", (), urls)()
        with tempfile.TemporaryDirectory() as data_dir, dg.instance_for_test() as instance:
            resources = make_resources(servers, Path(data_dir))
            full = run(resources, instance, history_days=150)
            parent.send("changes")
            parent.recv()
            after_load = run(resources, instance, history_days=150)
            parent.send("changes")
            changes = parent.recv()
            incremental = run(resources, instance, history_days=150)
            incremental["changes_made"] = changes
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        parent.send("stop")
        sandboxes.join(30)
    results = {
        "machine": machine(),
        "variants": args.variants,
        "locations": 2,
        "smaregi_sales": args.sales,
        "full": full,
        "first_incremental_after_load": after_load,
        "incremental": incremental,
        "pipeline_peak_memory_mb": round(peak_mb, 1),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))
    write_section(
        "extract",
        "Extract: 20,000 variants over 2 locations and 50,000 Smaregi sales, full then incremental",
        "`tests/bench/bench_extract.py` — sandboxes in a child process on loopback; aims: peak memory < 1 GB, "
        "rate-limit utilisation ≥ 0.9 on the Smaregi transaction read, incremental run < 20 API calls.",
        results,
    )


if __name__ == "__main__":
    main()
