"""Every interleaving of {POS sale, line return, void or reversal, online order, Shopify refund}, split across
one to three sync windows, planned by the real document plans and pushed by a fake push (``fake_world``):
each source document is mirrored exactly once (or, a sale undone before its first mirror, never), the money
agrees to the yen, both sides hold the same stock as the merchant's events left, and one more run plans nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import pytest

from tests.unit.documents.fake_world import INITIAL, PRICE, World

SMAREGI_CHAINS = (
    ("sale", "return"),
    ("sale", "void"),
    ("sale", "reversal"),
    ("sale", "return", "void"),
    ("sale", "return", "reversal"),
)
SHOPIFY_CHAIN = ("order", "refund")


def interleavings(first: tuple[str, ...], second: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """Every merge of two sequences keeping the order within each."""
    size = len(first) + len(second)
    for places in combinations(range(size), len(first)):
        a, b = iter(first), iter(second)
        yield tuple(next(a) if i in places else next(b) for i in range(size))


def windows(events: tuple[str, ...], most: int = 3) -> Iterator[tuple[tuple[str, ...], ...]]:
    """Every split of ``events`` into 1..``most`` consecutive, non-empty sync windows."""
    for count in range(1, most + 1):
        for cuts in combinations(range(1, len(events)), count - 1):
            bounds = (0, *cuts, len(events))
            yield tuple(events[bounds[i] : bounds[i + 1]] for i in range(count))


@dataclass(frozen=True)
class Case:
    split: tuple[tuple[str, ...], ...]

    def __str__(self) -> str:
        return " | ".join(" ".join(window) for window in self.split)


CASES = [
    Case(split)
    for chain in SMAREGI_CHAINS
    for events in interleavings(chain, SHOPIFY_CHAIN)
    for split in windows(events)
]


def test_the_enumeration_covers_every_ordering_and_split() -> None:
    assert len(CASES) == 3 * 6 * 7 + 2 * 10 * 11
    assert len({str(case) for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_interleaving_is_mirrored_exactly_once_and_converges(case: Case) -> None:
    world = World()
    made: dict[str, str] = {}
    sale_window = undo_window = None
    for number, window in enumerate(case.split):
        for event in window:
            if event == "sale":
                made["sale"], sale_window = world.pos_sale(2), number
            elif event == "return":
                made["return"] = world.line_return(made["sale"], 1)
            elif event in ("void", "reversal"):
                made[event], undo_window = getattr(world, event)(made["sale"]), number
            elif event == "order":
                made["order"] = world.online_order(1)
            elif event == "refund":
                made["refund"] = world.shopify_refund(made["order"], 1)
        world.sync()

    undo = next((e for e in ("void", "reversal") if e in made), None)
    sale_mirrored = undo_window is None or sale_window < undo_window  # type: ignore[operator]
    # exactly once
    [order] = world.orders_mirroring(made["sale"]) if sale_mirrored else [None]
    assert len(world.orders_mirroring(made["sale"])) == (1 if sale_mirrored else 0)
    for event in ("return", "void", "reversal"):
        if event in made:
            assert len(world.refunds_noted(made[event], event)) == (1 if sale_mirrored else 0), event
    assert len(world.transactions_marked("order", made["order"])) == 1
    assert len(world.transactions_marked("refund", made["refund"])) == 1
    # money to the yen
    if order is not None:
        kept = 0 if undo else PRICE * (2 - ("return" in made))
        assert order.refundable_amount == kept, "the mirrored order keeps what the sale still sells"
        assert world.refunded[order.order_id] == 2 * PRICE - kept
        assert all(line.remaining == kept // PRICE for line in order.lines)
    [sold] = world.transactions_marked("order", made["order"])
    [returned] = world.transactions_marked("refund", made["refund"])
    assert (sold.total, returned.total) == (PRICE, -PRICE)
    # stock to the unit on both sides: what the merchant's events did on the source side
    expected = INITIAL - 2 + ("return" in made) + (2 if undo else 0) - 1 + 1
    assert (world.stock["smaregi"], world.stock["shopify"]) == (expected, expected)
    # one run converged: the next one plans nothing
    assert world.sync() == []
