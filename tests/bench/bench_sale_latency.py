"""Latency from a POS sale in the Smaregi sandbox to its order in the Shopify sandbox, sensor to push.

For each mode, both sandboxes are served on loopback from one small catalogue, a baseline ``full_sync`` links
them, and then ``--sales`` sales are rung up one after another, each at a random moment of the sensor's tick
cycle. The clock stops when the Shopify sandbox holds an order carrying that sale's marker.

* ``webhooks``: the Smaregi sandbox delivers ``pos:transactions`` to the webhook receiver, which records it in
  the inbox; the sales sensor's next tick reads it (no API call) and asks for an ``orders_sync`` run.
* ``polling``: no webhooks; the sensor polls ``GET /transactions`` every ``SMAPIFY_SENSOR_POLL_SECONDS``
  (default 30) on its ticks.

Runners:

* ``inprocess`` (default): this process plays the daemon — it evaluates ``smaregi_sales_sensor`` every
  ``TICK`` seconds (the Dagster sensor daemon's own loop floor is 5 s) and executes the requested run in
  process. Launch overhead of a real deployment (queue dequeue pass, run worker start-up) is not included.
* ``daemon``: a real ``dagster-daemon run -w workspace.yaml`` with a temporary DAGSTER_HOME (SQLite, queued
  run coordinator, the repo's tag limit) picks up the sensor (default RUNNING) and launches the runs; this
  needs ``smapify_pipeline.definitions`` to define the whole sync engine.

Aims: webhooks p95 < 5 s; polling p95 < 45 s at the default interval. Numbers are printed and written to this
benchmark's section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402

from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.sandbox.pair import SandboxPair, ServingPair  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.sync import markers  # noqa: E402
from tests.bench.report import machine, write_section  # noqa: E402

SECTION = "sale-latency"
TICK = 5.0
"""Seconds between sensor evaluations (dagster's sensor daemon loops at most every 5 s)."""
FOUND_CHECK_SECONDS = 0.05
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
ORDER_TIMEOUT_SECONDS = 180.0


@dataclass
class TickGrid:
    """Sensor evaluations every ``TICK`` seconds from ``start``, as the daemon's loop makes them: the daemon keeps
    ticking while a run executes in its own process, so after a run the next tick is the next grid point."""

    start: float

    def next_after(self, now: float) -> float:
        return self.start + (math.floor((now - self.start) / TICK) + 1) * TICK


@dataclass
class Sample:
    latency: float
    runs: int
    run_seconds: list[float] = field(default_factory=list)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summary(samples: list[Sample]) -> dict[str, Any]:
    latencies = [s.latency for s in samples]
    runs = [r for s in samples for r in s.run_seconds]
    return {
        "sales": len(samples),
        "p50_seconds": round(statistics.median(latencies), 2),
        "p95_seconds": round(percentile(latencies, 0.95), 2),
        "max_seconds": round(max(latencies), 2),
        "mean_seconds": round(statistics.fmean(latencies), 2),
        "runs_per_sale": round(statistics.fmean(s.runs for s in samples), 2),
        "orders_sync_run_mean_seconds": round(statistics.fmean(runs), 2) if runs else None,
    }


def order_exists(pair: SandboxPair, transaction_id: str) -> bool:
    wanted = markers.order_source_identifier(credentials.SMAREGI_CONTRACT_ID, transaction_id)
    return any(order.source_identifier == wanted for order in list(pair.shopify.state.orders.values()))


def product_codes(pair: SandboxPair) -> list[str]:
    catalogue = pair.shopify.catalogue
    assert catalogue is not None
    return [variant.code for product in catalogue.products for variant in product.variants]


def location_pairs(pair: SandboxPair) -> list[str]:
    return [f"{n + 1}=gid://shopify/Location/{pair.shopify.location(n).id}" for n in range(2)]


# -- in-process runner ---------------------------------------------------------------------------------------


def pipeline_assets() -> tuple[list[Any], list[Any]]:
    """Every asset and check of the sync (the definitions' own when complete, else assembled per module)."""
    from smapify_pipeline.snapshot.assets import SNAPSHOT_ASSETS
    from tests.e2e.scenario_harness import pipeline_definitions

    found = pipeline_definitions()
    assets = [a for a in found if isinstance(a, dg.AssetsDefinition)] + SNAPSHOT_ASSETS
    checks = [a for a in found if not isinstance(a, dg.AssetsDefinition)]
    return assets, checks


def inprocess_definitions(servers: ServingPair, pair: SandboxPair, data_dir: Path) -> dg.Definitions:
    from smapify_pipeline.jobs import build_jobs
    from smapify_pipeline.webhooks import WebhookInboxResource
    from tests.e2e.conftest import make_resources

    assets, checks = pipeline_assets()
    resources: dict[str, Any] = make_resources(
        servers, data_dir, location_pairs=location_pairs(pair), online_store_id="1"
    )
    resources["webhook_inbox"] = WebhookInboxResource(path=str(data_dir / "inbox.sqlite"))
    return dg.Definitions(assets=assets, asset_checks=checks, jobs=build_jobs(assets), resources=resources)


def run_inprocess(mode: str, sales: int, seed: int) -> list[Sample]:
    from smapify_pipeline import sensors
    from smapify_pipeline.settings import ReceiverSettings, load_settings
    from smapify_pipeline.webhooks import WebhookReceiver, configure_smaregi_sandbox

    rng = random.Random(seed)
    data_dir = Path(tempfile.mkdtemp(prefix="smapify-latency-"))
    pair = SandboxPair.create(seed_size="small", seed=seed, locations=2)
    receiver = WebhookReceiver(
        ReceiverSettings(
            inbox_path=data_dir / "inbox.sqlite",
            shopify_secret=credentials.SHOPIFY_CLIENT_SECRET,
            smaregi_secret=credentials.SMAREGI_WEBHOOK_SECRET,
            smaregi_contract_id=credentials.SMAREGI_CONTRACT_ID,
        )
    )
    samples: list[Sample] = []
    try:
        with (
            pair.serve() as servers,
            SandboxServer(receiver.app) as receiver_server,
            dg.instance_for_test() as instance,
        ):
            definitions = inprocess_definitions(servers, pair, data_dir)
            assert (
                definitions.resolve_job_def("full_sync")
                .execute_in_process(instance=instance, run_config=QUIET)
                .success
            )
            orders_sync = definitions.resolve_job_def("orders_sync")
            resources = definitions.resources
            if mode == "webhooks":
                configure_smaregi_sandbox(
                    servers.smaregi_url,
                    receiver_server.url,
                    credentials.SMAREGI_WEBHOOK_SECRET,
                    receiver.settings.smaregi_secret_header,
                )
            poll_interval = load_settings().sensor_poll_interval
            cursor = sensors.smaregi_tick(
                None, resources["smaregi"], resources["webhook_inbox"], poll_interval=poll_interval
            ).cursor
            ticks = TickGrid(time.monotonic())
            codes = product_codes(pair)
            for number in range(sales):
                time.sleep(rng.uniform(0, TICK))
                started = time.monotonic()
                transaction_id = pair.smaregi.ring_up_sale("1", [(rng.choice(codes), 1)])
                sample = Sample(latency=0.0, runs=0)
                while not order_exists(pair, transaction_id):
                    if time.monotonic() - started > ORDER_TIMEOUT_SECONDS:
                        raise TimeoutError(f"sale {transaction_id} never reached Shopify")
                    time.sleep(max(0.0, ticks.next_after(time.monotonic()) - time.monotonic()))
                    result = sensors.smaregi_tick(
                        cursor, resources["smaregi"], resources["webhook_inbox"], poll_interval=poll_interval
                    )
                    cursor = result.cursor
                    for request in result.run_requests or []:
                        run_started = time.monotonic()
                        assert orders_sync.execute_in_process(
                            instance=instance, tags=request.tags, run_config=QUIET
                        ).success
                        sample.run_seconds.append(time.monotonic() - run_started)
                        sample.runs += 1
                sample.latency = time.monotonic() - started
                samples.append(sample)
                print(
                    f"  {mode} sale {number + 1}/{sales}: {sample.latency:.2f} s ({sample.runs} run)",
                    flush=True,
                )
    finally:
        pair.shopify.close()
        pair.smaregi.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return samples


# -- daemon runner -------------------------------------------------------------------------------------------


def run_daemon(mode: str, sales: int, seed: int) -> list[Sample]:
    """Real daemon, real queue, real run launcher; the clock is read off the Shopify sandbox's state."""
    rng = random.Random(seed)
    home = Path(tempfile.mkdtemp(prefix="smapify-latency-home-"))
    data_dir = home / "data"
    data_dir.mkdir()
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    pair = SandboxPair.create(seed_size="small", seed=seed, locations=2)
    samples: list[Sample] = []
    missed: list[str] = []
    daemon: subprocess.Popen[bytes] | None = None
    receiver_process: subprocess.Popen[bytes] | None = None
    try:
        with pair.serve() as servers:
            env = {
                **os.environ,
                "DAGSTER_HOME": str(home),
                "DAGSTER_STORAGE_DIR": str(home / "storage"),
                "SMAPIFY_DATA_DIR": str(data_dir),
                "SHOPIFY_BASE_URL": servers.shopify_url,
                "SMAREGI_API_BASE_URL": servers.smaregi_url,
                "SMAREGI_ID_BASE_URL": servers.smaregi_url,
                "SMAPIFY_LOCATION_PAIRS": ",".join(location_pairs(pair)),
                "SMAPIFY_ONLINE_STORE_ID": "1",
            }
            os.environ.update(env)
            from smapify_pipeline.definitions import defs

            keys = {
                k.to_user_string()
                for k in defs.resolve_job_def("orders_sync").asset_layer.executable_asset_keys
            }
            if "push_orders" not in keys:
                raise SystemExit(
                    "daemon runner: smapify_pipeline.definitions does not define push_orders yet"
                )
            instance = dg.DagsterInstance.get()
            assert defs.resolve_job_def("full_sync").execute_in_process(instance=instance).success
            if mode == "webhooks":
                port = 8799
                receiver_process = subprocess.Popen(
                    [sys.executable, "-m", "smapify_pipeline.cli", "webhooks", "serve", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                )
                _wait_until(lambda: _healthy(f"http://127.0.0.1:{port}/healthz"), 60)
                from smapify_pipeline.webhooks import configure_smaregi_sandbox

                configure_smaregi_sandbox(
                    servers.smaregi_url, f"http://127.0.0.1:{port}", credentials.SMAREGI_WEBHOOK_SECRET,
                    "X-Smaregi-Webhook-Secret",
                )  # fmt: skip
            daemon = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "dagster-daemon"),
                    "run",
                    "-w",
                    str(ROOT / "workspace.yaml"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            codes = product_codes(pair)
            warm = pair.smaregi.ring_up_sale("1", [(codes[0], 1)])
            _wait_until(lambda: order_exists(pair, warm), ORDER_TIMEOUT_SECONDS)
            for number in range(sales):
                time.sleep(rng.uniform(0, TICK))
                started = time.monotonic()
                transaction_id = pair.smaregi.ring_up_sale("1", [(rng.choice(codes), 1)])
                try:
                    _wait_until(lambda tid=transaction_id: order_exists(pair, tid), ORDER_TIMEOUT_SECONDS)  # type: ignore[misc]
                except TimeoutError:
                    missed.append(transaction_id)
                    print(f"  daemon {mode} sale {number + 1}/{sales}: MISSED ({transaction_id})", flush=True)
                    continue
                samples.append(Sample(latency=time.monotonic() - started, runs=1))
                print(f"  daemon {mode} sale {number + 1}/{sales}: {samples[-1].latency:.2f} s", flush=True)
    finally:
        for process in (daemon, receiver_process):
            if process is not None:
                process.terminate()
                process.wait(60)
        pair.shopify.close()
        pair.smaregi.close()
        shutil.rmtree(home, ignore_errors=True)
    if missed:
        print(
            f"  sales that never reached Shopify within {ORDER_TIMEOUT_SECONDS:.0f} s: {missed}", flush=True
        )
    return samples


def _healthy(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=1, trust_env=False).status_code == 200
    except httpx.HTTPError:
        return False


def _wait_until(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(FOUND_CHECK_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=20)
    parser.add_argument("--mode", choices=["webhooks", "polling", "both"], default="both")
    parser.add_argument("--runner", choices=["inprocess", "daemon"], default="inprocess")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    from smapify_pipeline.settings import load_settings

    runner = run_inprocess if args.runner == "inprocess" else run_daemon
    modes = ["webhooks", "polling"] if args.mode == "both" else [args.mode]
    results: dict[str, Any] = {
        "machine": machine(),
        "runner": args.runner,
        "tick_seconds": TICK,
        "poll_seconds": load_settings().sensor_poll_seconds,
    }
    for mode in modes:
        results[mode] = summary(runner(mode, args.sales, args.seed))
        print(mode, results[mode], flush=True)
    if not args.no_write:
        write_section(
            f"{SECTION}-{args.runner}",
            f"POS sale → Shopify order latency ({args.runner} runner)",
            "`tests/bench/bench_sale_latency.py` — aims: webhooks p95 < 5 s, polling p95 < 45 s.",
            results,
        )


if __name__ == "__main__":
    main()
