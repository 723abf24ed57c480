from __future__ import annotations

import pytest

from smapify_pipeline.platforms.shopify.pacing import CostPacer

from ..fakes import FakeClock


def cost(available: float, maximum: float = 2000.0, rate: float = 100.0) -> dict:
    return {
        "throttleStatus": {"maximumAvailable": maximum, "currentlyAvailable": available, "restoreRate": rate}
    }


def test_nothing_is_waited_for_before_the_first_answer() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    assert pacer.acquire(500) == 0.0
    assert clock.sleeps == []


def test_waits_exactly_until_the_projected_bucket_holds_the_cost() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    pacer.observe(cost(available=50))
    clock.now += 1.0  # +100 points restored
    assert pacer.projected_available() == pytest.approx(150.0)
    assert pacer.delay_for(400) == pytest.approx(2.5)
    assert pacer.acquire(400) == pytest.approx(2.5)
    assert clock.sleeps == [pytest.approx(2.5)]
    assert pacer.projected_available() == pytest.approx(0.0)


def test_projection_never_exceeds_the_bucket_size() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    pacer.observe(cost(available=1900))
    clock.now += 60
    assert pacer.projected_available() == 2000.0


def test_local_debits_queue_back_to_back_callers() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    pacer.observe(cost(available=100))
    assert pacer.acquire(100) == 0.0
    assert pacer.acquire(100) == pytest.approx(1.0)
    assert pacer.acquire(50) == pytest.approx(0.5)


def test_a_cost_above_the_bucket_waits_for_a_full_bucket_only() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    pacer.observe(cost(available=0, maximum=40, rate=2))
    assert pacer.delay_for(100) == pytest.approx(20.0)


def test_a_new_answer_replaces_the_local_guess() -> None:
    clock = FakeClock()
    pacer = CostPacer(clock, clock.sleep)
    pacer.observe(cost(available=10))
    pacer.observe(cost(available=1500))
    assert pacer.delay_for(1000) == 0.0
    pacer.observe(None)
    assert pacer.status is not None and pacer.status.currently_available == 1500
