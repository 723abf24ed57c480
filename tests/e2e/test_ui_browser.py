"""The Dagster UI in a real browser: `dg dev` against the sandboxes, the asset graph, a full_sync launched by a
click and seen to succeed. Debian's Chromium, driven by Playwright through its executable path."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import httpx
import pytest

from smapify_pipeline.demo import location_pairs
from smapify_pipeline.sandbox.pair import SandboxPair
from smapify_pipeline.settings import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS_TO_DOCS = os.environ.get("SMAPIFY_UPDATE_SCREENSHOTS") == "1"
"""The screenshots in docs/ are refreshed with ``SMAPIFY_UPDATE_SCREENSHOTS=1``; otherwise they go to tmp."""
GROUPS = ("extract", "link", "plan", "push", "snapshot")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_answers(url: str, process: subprocess.Popen[bytes], deadline_seconds: float) -> None:
    """Poll ``url`` until it answers 200, failing if the server process dies or the deadline passes."""
    deadline = time.monotonic() + deadline_seconds
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"dg dev exited with {process.returncode}")
            try:
                if client.get(url).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)  # polling a server that is starting up; the condition is checked each time
    raise AssertionError(f"{url} did not answer within {deadline_seconds} s")


RUN_STATUS = "query($id: ID!) { runOrError(runId: $id) { ... on Run { status } } }"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def wait_for_run(url: str, run_id: str, deadline_seconds: float) -> str:
    """The run's final status, read from the webserver's GraphQL API (the same data the page shows)."""
    deadline = time.monotonic() + deadline_seconds
    with httpx.Client(timeout=10.0) as client:
        while time.monotonic() < deadline:
            answer = client.post(f"{url}/graphql", json={"query": RUN_STATUS, "variables": {"id": run_id}})
            status = answer.json()["data"]["runOrError"].get("status")
            if status in FINISHED:
                return str(status)
            time.sleep(1.0)  # polling the run's status until the daemon has run it
    raise AssertionError(f"run {run_id} did not finish within {deadline_seconds} s")


@pytest.fixture
def dagster_ui(tmp_path: Path) -> Iterator[tuple[str, SandboxPair, Path]]:
    pair = SandboxPair.create(seed_size="small", seed=5, locations=2, time_scale=10)
    with pair.serve() as servers:
        home = tmp_path / "dagster_home"
        home.mkdir()
        shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SMAPIFY_", "SHOPIFY_", "SMAREGI_"))},
            "DAGSTER_HOME": str(home),
            "DAGSTER_STORAGE_DIR": str(tmp_path / "storage"),
            "SMAPIFY_DATA_DIR": str(tmp_path / "data"),
            "SHOPIFY_BASE_URL": servers.shopify_url,
            "SMAREGI_API_BASE_URL": servers.smaregi_url,
            "SMAREGI_ID_BASE_URL": servers.smaregi_url,
            "SMAPIFY_LOCATION_PAIRS": ",".join(
                f"{p.smaregi_store_id}={p.shopify_location_id}" for p in location_pairs(pair)
            ),
        }
        process = subprocess.Popen(
            [str(PROJECT_ROOT / ".venv" / "bin" / "dg"), "dev", "-w", "workspace.yaml", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answers(f"{url}/server_info", process, 180)
            yield url, pair, tmp_path / "data"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def test_asset_graph_shows_the_groups_and_full_sync_succeeds_from_the_ui(
    dagster_ui: tuple[str, SandboxPair, Path],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, pair, data_dir = dagster_ui
    shots = PROJECT_ROOT / "docs" if SCREENSHOTS_TO_DOCS else data_dir.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(120_000)

        page.goto(f"{url}/asset-groups")
        for group in GROUPS:
            expect(page.get_by_text(group, exact=True).first).to_be_visible()
        page.screenshot(path=str(shots / "ui-asset-groups.png"))
        page.goto(f"{url}/locations/smapify_pipeline/asset-groups/extract")
        page.screenshot(path=str(shots / "ui-extract-group.png"))
        # The lineage view shows only the middle of a group this size; its list names every asset.
        page.get_by_text("List", exact=True).first.click()
        for asset in ("smaregi_transactions", "shopify_orders", "stock_after_documents"):
            expect(page.get_by_text(asset, exact=True).first).to_be_visible()

        page.goto(f"{url}/locations/smapify_pipeline/jobs/full_sync/playground")
        page.get_by_role("button", name="Launch Run").click()
        page.wait_for_url("**/runs/**")
        run_id = page.url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        assert wait_for_run(url, run_id, 300) == "SUCCESS"
        page.reload()
        expect(page.get_by_text("Success").first).to_be_visible()
        expect(page.get_by_text("RUN_SUCCESS").first).to_be_visible()
        page.screenshot(path=str(shots / "ui-full-sync-success.png"))
        browser.close()

    snapshot = data_dir / "snapshot" / "smapify.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as published:
        linked = published.execute("SELECT count(*) FROM core.product_links").fetchall()[0][0]
    assert linked == len(pair.smaregi.state.products), "the run launched from the UI linked every product"
