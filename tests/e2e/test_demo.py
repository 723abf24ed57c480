"""`smapify demo` end to end on the small size, and `--help` on every command."""

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from smapify_pipeline.cli import app
from smapify_pipeline.demo import run_demo


def test_demo_syncs_a_pair_of_shops_and_carries_new_sales_across(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    steps: list[str] = []

    report = run_demo(size="small", primary="smaregi", data_dir=tmp_path, sales=3, step=steps.append)

    assert report.succeeded
    jobs = [(job, started_by) for job, started_by, _ in report.runs]
    assert jobs[0] == ("full_sync", "demo")
    assert ("orders_sync", "smaregi_sales_sensor") in jobs
    assert ("orders_sync", "shopify_orders_sensor") in jobs
    assert report.summary["shopify_orders_from_pos_sales"] == 3
    assert report.summary["ledger"]["shopify_order applied"] == 3
    assert report.summary["ledger"]["smaregi_transaction applied"] == 2
    assert report.summary["quarantined_records"] == 0
    assert report.summary["stock_pairs_out_of_step_now"] == 0
    assert any("sensor" in step for step in steps)
    assert report.snapshot is not None
    with duckdb.connect(str(report.snapshot), read_only=True) as snapshot:
        sales = snapshot.execute("SELECT count(*) FROM analytics.sales_daily").fetchall()
    assert sales[0][0] > 0


@pytest.mark.parametrize(
    "command",
    [[], ["demo"], ["plan"], ["sync"], ["status"], ["sandbox"], ["sandbox", "serve"], ["webhooks", "serve"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
