"""Webhook receiver answer time over real HTTP: signed Shopify deliveries and Smaregi deliveries, each recorded
in the SQLite inbox, while another process reads the inbox the way the sensors do.

Shopify gives a receiver 5 seconds (1 to connect); the aim is a p99 far below that. Prints the numbers and,
unless ``--no-write``, writes them to this benchmark's section of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from smapify_pipeline.platforms import sandboxes as credentials  # noqa: E402
from smapify_pipeline.sandbox.server import SandboxServer  # noqa: E402
from smapify_pipeline.settings import ReceiverSettings  # noqa: E402
from smapify_pipeline.webhooks import WebhookReceiver  # noqa: E402
from smapify_pipeline.webhooks.verify import shopify_signature  # noqa: E402

READER = """
import sys, time
from smapify_pipeline.webhooks.inbox import WebhookInbox
inbox, seq = WebhookInbox(sys.argv[1]), 0
while True:
    for event in inbox.read_after("smaregi", seq) + inbox.read_after("shopify", 0)[-1:]:
        seq = max(seq, event.seq) if event.platform == "smaregi" else seq
    time.sleep(0.05)
"""


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="smapify-receiver-"))
    receiver = WebhookReceiver(
        ReceiverSettings(
            inbox_path=directory / "inbox.sqlite",
            shopify_secret=credentials.SHOPIFY_CLIENT_SECRET,
            smaregi_secret=credentials.SMAREGI_WEBHOOK_SECRET,
            smaregi_contract_id=credentials.SMAREGI_CONTRACT_ID,
        )
    )
    reader = subprocess.Popen([sys.executable, "-c", READER, str(receiver.inbox.path)], cwd=ROOT)
    timings: dict[str, list[float]] = {"shopify": [], "smaregi": []}
    try:
        with (
            SandboxServer(receiver.app) as server,
            httpx.Client(base_url=server.url, trust_env=False) as client,
        ):
            for n in range(args.deliveries):
                order = {
                    "id": n,
                    "admin_graphql_api_id": f"gid://shopify/Order/{n}",
                    "source_name": "web",
                    "tags": "",
                }
                body = json.dumps(order).encode()
                headers = {
                    "X-Shopify-Topic": "orders/create",
                    "X-Shopify-Hmac-Sha256": shopify_signature(body, credentials.SHOPIFY_CLIENT_SECRET),
                    "X-Shopify-Webhook-Id": str(uuid.uuid4()),
                }
                started = time.perf_counter()
                assert client.post("/webhooks/shopify", content=body, headers=headers).status_code == 200
                timings["shopify"].append(time.perf_counter() - started)
                payload = {"contractId": credentials.SMAREGI_CONTRACT_ID, "event": "pos:transactions",
                           "action": "created", "transactionHeadIds": [str(n)]}  # fmt: skip
                headers = {
                    "Smaregi-Event": "pos:transactions",
                    "Smaregi-Contract-Id": credentials.SMAREGI_CONTRACT_ID,
                    "Smaregi-Event-Id": str(uuid.uuid4()),
                    "X-Smaregi-Webhook-Secret": credentials.SMAREGI_WEBHOOK_SECRET,
                }
                started = time.perf_counter()
                assert client.post("/webhooks/smaregi", json=payload, headers=headers).status_code == 200
                timings["smaregi"].append(time.perf_counter() - started)
        recorded = receiver.inbox.count()
    finally:
        reader.terminate()
        reader.wait(30)
    results = {
        platform: {
            "deliveries": len(values),
            "p50_ms": round(statistics.median(values) * 1000, 2),
            "p99_ms": round(percentile(values, 0.99) * 1000, 2),
            "max_ms": round(max(values) * 1000, 2),
        }
        for platform, values in timings.items()
    }
    results["recorded"] = {"events": recorded}
    print(json.dumps(results, indent=2))
    if not args.no_write:
        from tests.bench.report import machine, write_section

        write_section(
            "webhook-receiver",
            "Webhook receiver: answer time per delivery",
            "`tests/bench/bench_webhook_receiver.py` — verify, de-duplicate and record in the SQLite inbox "
            "while a reader process polls it; Shopify allows 5 s.",
            {"machine": machine(), **results},
        )


if __name__ == "__main__":
    main()
