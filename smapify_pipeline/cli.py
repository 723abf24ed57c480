"""``smapify`` — the command line: sandboxes, demo, plan, sync, status."""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.sandbox.faults import FaultPlan

app = typer.Typer(help="Keep a Shopify store and a Smaregi POS in step.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Local simulators of the Shopify and Smaregi APIs.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")
webhooks_app = typer.Typer(help="The webhook receiver the sensors read from.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")
console = Console()


class Primary(StrEnum):
    smaregi = "smaregi"
    shopify = "shopify"


SeedSize = Annotated[
    str, typer.Option("--seed-size", help="Catalogue size: small, medium, large or a number.")
]


def _fault_plan(spec: str) -> FaultPlan:
    try:
        return FaultPlan.parse(spec)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--faults") from None


@sandbox_app.command("serve")
def sandbox_serve(
    shopify_port: Annotated[int, typer.Option(help="Port of the Shopify sandbox.")] = sandboxes.SHOPIFY_PORT,
    smaregi_port: Annotated[int, typer.Option(help="Port of the Smaregi sandbox.")] = sandboxes.SMAREGI_PORT,
    seed_size: SeedSize = "small",
    seed: Annotated[int, typer.Option(help="Seed of the catalogue generator.")] = 0,
    locations: Annotated[int, typer.Option(help="Locations (Smaregi stores) to seed, 1-3.")] = 2,
    faults: Annotated[
        str, typer.Option(help="Fault plan, e.g. 'seed=7,throttle=0.1,server_error=0.05'.")
    ] = "",
    time_scale: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 1.0,
    config_out: Annotated[
        Path | None,
        typer.Option(
            help="Write a smapify.yaml pairing the seeded stores and locations (for SMAPIFY_CONFIG)."
        ),
    ] = None,
) -> None:
    """Serve both sandboxes on 127.0.0.1, seeded with the same catalogue, until Ctrl-C."""
    import yaml

    from smapify_pipeline.sandbox.pair import SandboxPair

    size: str | int = int(seed_size) if seed_size.isdigit() else seed_size
    pair = SandboxPair.create(
        seed_size=size, seed=seed, locations=locations, faults=_fault_plan(faults), time_scale=time_scale
    )
    with pair.serve(shopify_port=shopify_port, smaregi_port=smaregi_port) as servers:
        if config_out is not None:
            pairs = [
                {"smaregi_store_id": s, "shopify_location_id": loc} for s, loc in pair.paired_locations()
            ]
            config_out.parent.mkdir(parents=True, exist_ok=True)
            config_out.write_text(yaml.safe_dump({"location_pairs": pairs}), encoding="utf-8")
            console.print(f"Sync settings for these sandboxes: {config_out}")
        console.print(f"Shopify sandbox  {servers.shopify_url}  (token {sandboxes.SHOPIFY_ACCESS_TOKEN})")
        console.print(f"Smaregi sandbox  {servers.smaregi_url}  (contract {sandboxes.SMAREGI_CONTRACT_ID})")
        console.print("Ctrl-C stops both.")
        try:
            servers.wait()
        except KeyboardInterrupt:
            console.print("stopping")


@webhooks_app.command("serve")
def webhooks_serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = sandboxes.WEBHOOK_RECEIVER_PORT,
    public_url: Annotated[
        str, typer.Option(help="URL the platforms reach this receiver at (default http://HOST:PORT).")
    ] = "",
    register_sandboxes: Annotated[
        bool, typer.Option(help="Subscribe this receiver on the Shopify and Smaregi sandboxes first.")
    ] = False,
) -> None:
    """Receive Shopify and Smaregi webhooks into data/inbox.sqlite until Ctrl-C."""
    import uvicorn

    from smapify_pipeline.settings import ReceiverSettings
    from smapify_pipeline.webhooks import build_receiver
    from smapify_pipeline.webhooks.register import register_sandboxes as register

    try:
        settings = ReceiverSettings.from_env()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    receiver = build_receiver(settings)
    url = public_url or f"http://{host}:{port}"
    if register_sandboxes:
        register(url, settings)
        console.print(f"Sandboxes deliver to {url}")
    console.print(f"Webhook receiver on http://{host}:{port}  inbox {settings.inbox_path}")
    uvicorn.run(receiver.app, host=host, port=port, log_level="info", access_log=False)


# -- demo, plan, sync, status ---------------------------------------------------------------------------

PLAN_TABLES = ("product_plan", "order_plan", "refund_plan", "inventory_plan")


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console)


@app.command()
def demo(
    size: Annotated[str, typer.Option(help="Catalogue size: small, medium or large.")] = "small",
    primary: Annotated[Primary, typer.Option(help="Whose stock counts win.")] = Primary.smaregi,
    sales: Annotated[int, typer.Option(help="POS sales rung up after the first sync.")] = 3,
    shopify_port: Annotated[int, typer.Option(help="Port of the Shopify sandbox (0: any free port).")] = 0,
    smaregi_port: Annotated[int, typer.Option(help="Port of the Smaregi sandbox (0: any free port).")] = 0,
) -> None:
    """Seed a linked pair of sandbox shops, run full_sync, ring up sales, let the sensors carry them across.

    The demo's warehouse and snapshot live in data/demo/, made afresh each time (new sandboxes, new shops).
    """
    from smapify_pipeline.demo import run_demo
    from smapify_pipeline.settings import load_settings

    data_dir = load_settings().data_dir / "demo"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    with _progress() as progress:
        task = progress.add_task("starting", total=None)
        report = run_demo(
            size=size,
            primary=primary.value,
            data_dir=data_dir,
            sales=sales,
            shopify_port=shopify_port,
            smaregi_port=smaregi_port,
            step=lambda text: progress.update(task, description=text),
        )
    runs = Table("job", "started by", "result", title="Dagster runs")
    for job, started_by, ok in report.runs:
        runs.add_row(job, started_by, "[green]success[/]" if ok else "[red]failed[/]")
    console.print(runs)
    summary = Table("what", "count", title="After the demo")
    for name, value in report.summary.items():
        summary.add_row(name.replace("_", " "), str(value))
    console.print(summary)
    console.print(f"Analyst snapshot: {report.snapshot}  (duckdb -readonly {report.snapshot})")
    if not report.succeeded:
        raise typer.Exit(1)


def _execute(job: str, dry_run: bool) -> bool:
    from smapify_pipeline.definitions import build_definitions
    from smapify_pipeline.demo import QUIET, dagster_instance
    from smapify_pipeline.settings import load_settings

    settings = load_settings()
    if dry_run:
        settings = settings.model_copy(update={"sync": settings.sync.model_copy(update={"dry_run": True})})
    defs = build_definitions(settings)
    with _progress() as progress, dagster_instance() as instance:
        progress.add_task(
            f"{job}{' (dry run)' if dry_run else ''} on {settings.platforms.shopify_base_url} "
            f"and {settings.platforms.smaregi_api_base_url}",
            total=None,
        )
        result = defs.resolve_job_def(job).execute_in_process(
            instance=instance, raise_on_error=False, run_config=QUIET
        )
    return result.success


def _warehouse_rows(sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    from smapify_pipeline import warehouse
    from smapify_pipeline.settings import load_settings

    with warehouse.connect(load_settings().warehouse_path) as conn:
        cursor = conn.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall()


def _print_rows(title: str, sql: str, limit: int = 20) -> int:
    columns, rows = _warehouse_rows(sql)
    table = Table(*columns, title=f"{title} ({len(rows)})")
    for row in rows[:limit]:
        table.add_row(*("" if v is None else str(v)[:60] for v in row))
    console.print(table)
    return len(rows)


@app.command()
def plan() -> None:
    """Compute what a sync would change (a dry run: nothing is written) and show it."""
    ok = _execute("full_sync", dry_run=True)
    for name in PLAN_TABLES:
        _print_rows(name, f"SELECT kind, target, key, reason FROM plan.{name} ORDER BY kind, key")
    if not ok:
        raise typer.Exit(1)


@app.command()
def sync(
    dry_run: Annotated[bool, typer.Option(help="Plan and show, write nothing.")] = False,
) -> None:
    """Run full_sync now against the configured platforms (the sandboxes when no credentials are set)."""
    ok = _execute("full_sync", dry_run=dry_run)
    _print_rows(
        "ledger", "SELECT kind, status, count(*) AS changes FROM sync.ledger GROUP BY ALL ORDER BY ALL"
    )
    if not ok:
        console.print("[red]full_sync failed[/]; see the run in the Dagster UI or `smapify status`")
        raise typer.Exit(1)


@app.command()
def status() -> None:
    """Ledger counts, failed changes, stock drift and quarantined records from the working file."""
    _print_rows(
        "ledger", "SELECT kind, status, count(*) AS changes FROM sync.ledger GROUP BY ALL ORDER BY ALL"
    )
    _print_rows(
        "failed or unknown-outcome changes",
        "SELECT key, kind, attempts, error FROM sync.ledger WHERE status <> 'applied' ORDER BY updated_at DESC",
    )
    _print_rows(
        "stock drift",
        "SELECT product_code, store_name, smaregi_stock, shopify_available, drift FROM analytics.stock_drift "
        "WHERE NOT in_sync ORDER BY abs(drift) DESC",
    )
    _print_rows(
        "quarantined records",
        "SELECT source_table, record_key, reason FROM quarantine.records ORDER BY last_seen_at DESC",
    )


if __name__ == "__main__":
    app()
