"""Both sandboxes answer the same lifecycle: seed, reset, snapshot/load, save/load_file, before_next."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.lifecycle import Sandbox
from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox

CATALOGUE = build_catalogue("small", seed=5, locations=2)


def _shopify_sale(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, ShopifySandbox)
    sku = next(iter(sandbox.state.items.values())).sku
    assert sku is not None
    sandbox.storefront_sale([(sku, 1)])


def _smaregi_sale(sandbox: Sandbox) -> None:
    assert isinstance(sandbox, SmaregiSandbox)
    sandbox.ring_up_sale("1", [(next(iter(sandbox.state.products)), 1)])


SANDBOXES: dict[str, tuple[Callable[[], Sandbox], Callable[[Sandbox], None]]] = {
    "shopify": (lambda: ShopifySandbox.create(catalogue=CATALOGUE), _shopify_sale),
    "smaregi": (lambda: SmaregiSandbox.create(catalogue=CATALOGUE), _smaregi_sale),
}


@pytest.fixture(params=sorted(SANDBOXES))
def platform(request: pytest.FixtureRequest) -> Iterator[tuple[Sandbox, Callable[[Sandbox], None]]]:
    build, sale = SANDBOXES[request.param]
    sandbox = build()
    try:
        yield sandbox, sale
    finally:
        sandbox.close()


def test_load_puts_a_snapshot_back_exactly(platform: tuple[Sandbox, Callable[[Sandbox], None]]) -> None:
    sandbox, sale = platform
    sale(sandbox)
    taken = sandbox.snapshot()
    sandbox.reset(empty=True)
    assert sandbox.snapshot() != taken
    sandbox.load(taken)
    assert sandbox.snapshot() == taken


def test_save_and_load_file_round_trip(
    platform: tuple[Sandbox, Callable[[Sandbox], None]], tmp_path: Path
) -> None:
    sandbox, sale = platform
    sale(sandbox)
    taken = sandbox.snapshot()
    path = tmp_path / "nested" / "state.json"
    sandbox.save(path)
    sandbox.reset()
    sandbox.load_file(path)
    assert sandbox.snapshot() == taken


def test_before_next_runs_once_and_reset_drops_pending_actions(
    platform: tuple[Sandbox, Callable[[Sandbox], None]],
) -> None:
    sandbox, _ = platform
    ran: list[str] = []
    sandbox.before_next("op", lambda: ran.append("first"))
    sandbox.run_before("op")
    sandbox.run_before("op")
    assert ran == ["first"]
    sandbox.before_next("op", lambda: ran.append("dropped"))
    sandbox.reset()
    sandbox.run_before("op")
    assert ran == ["first"]


def test_reset_keeps_the_fault_plan(platform: tuple[Sandbox, Callable[[Sandbox], None]]) -> None:
    sandbox, _ = platform
    sandbox.faults.set_plan(FaultPlan(seed=3, throttle=0.5))
    sandbox.reset()
    assert sandbox.faults.plan == FaultPlan(seed=3, throttle=0.5)
