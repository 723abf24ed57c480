"""``smapify`` — the command line: sandboxes, demo, plan, sync, status."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from smapify_pipeline.sandbox import credentials
from smapify_pipeline.sandbox.faults import FaultPlan

app = typer.Typer(help="Keep a Shopify store and a Smaregi POS in step.", no_args_is_help=True)
sandbox_app = typer.Typer(help="Local simulators of the Shopify and Smaregi APIs.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")
webhooks_app = typer.Typer(help="The webhook receiver the sensors read from.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")
console = Console()

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
    shopify_port: Annotated[
        int, typer.Option(help="Port of the Shopify sandbox.")
    ] = credentials.SHOPIFY_PORT,
    smaregi_port: Annotated[
        int, typer.Option(help="Port of the Smaregi sandbox.")
    ] = credentials.SMAREGI_PORT,
    seed_size: SeedSize = "small",
    seed: Annotated[int, typer.Option(help="Seed of the catalogue generator.")] = 0,
    locations: Annotated[int, typer.Option(help="Locations (Smaregi stores) to seed, 1-3.")] = 2,
    faults: Annotated[
        str, typer.Option(help="Fault plan, e.g. 'seed=7,throttle=0.1,server_error=0.05'.")
    ] = "",
    time_scale: Annotated[float, typer.Option(help="Simulated seconds per real second.")] = 1.0,
) -> None:
    """Serve both sandboxes on 127.0.0.1, seeded with the same catalogue, until Ctrl-C."""
    from smapify_pipeline.sandbox.pair import SandboxPair

    size: str | int = int(seed_size) if seed_size.isdigit() else seed_size
    pair = SandboxPair.create(
        seed_size=size, seed=seed, locations=locations, faults=_fault_plan(faults), time_scale=time_scale
    )
    with pair.serve(shopify_port=shopify_port, smaregi_port=smaregi_port) as servers:
        console.print(f"Shopify sandbox  {servers.shopify_url}  (token {credentials.SHOPIFY_ACCESS_TOKEN})")
        console.print(f"Smaregi sandbox  {servers.smaregi_url}  (contract {credentials.SMAREGI_CONTRACT_ID})")
        console.print("Ctrl-C stops both.")
        try:
            servers.wait()
        except KeyboardInterrupt:
            console.print("stopping")


@webhooks_app.command("serve")
def webhooks_serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8703,
    public_url: Annotated[
        str, typer.Option(help="URL the platforms reach this receiver at (default http://HOST:PORT).")
    ] = "",
    register_sandboxes: Annotated[
        bool, typer.Option(help="Subscribe this receiver on the Shopify and Smaregi sandboxes first.")
    ] = False,
) -> None:
    """Receive Shopify and Smaregi webhooks into data/inbox.sqlite until Ctrl-C."""
    import uvicorn

    from smapify_pipeline.webhooks import ReceiverSettings, build_receiver
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


if __name__ == "__main__":
    app()
