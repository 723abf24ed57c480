"""The push applies a plan's rows in dependency order, so a chain planned in one run lands in that run."""

from __future__ import annotations

from smapify_pipeline.sync.plan import PlanRow
from smapify_pipeline.sync.push import in_dependency_order


def _row(key: str, depends_on: str | None = None) -> PlanRow:
    return PlanRow(key, "k", "t", "s", {}, "r", depends_on=depends_on)


def test_a_row_moves_after_the_later_row_it_depends_on() -> None:
    rows = [_row("void", "return"), _row("other"), _row("return", "order"), _row("adds", "void")]
    assert [r.key for r in in_dependency_order(rows)] == ["other", "return", "void", "adds"]


def test_dependencies_outside_the_plan_keep_the_plan_order() -> None:
    rows = [_row("b", "elsewhere"), _row("a"), _row("c", "a")]
    assert [r.key for r in in_dependency_order(rows)] == ["b", "a", "c"]


def test_a_cycle_keeps_every_row() -> None:
    rows = [_row("a", "b"), _row("b", "a")]
    assert sorted(r.key for r in in_dependency_order(rows)) == ["a", "b"]
