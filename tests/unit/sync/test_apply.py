"""apply_change's protocol (docs/architecture.md, "Ledger and exactly-once") against a scripted writer and a real DuckDB ledger."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from smapify_pipeline import warehouse
from smapify_pipeline.platforms.shopify.errors import OutcomeUnknown, ShopifyUserError, UserErrorDetail
from smapify_pipeline.platforms.shopify.idempotency import idempotency_key
from smapify_pipeline.sync.apply import ChangeStatus, NothingApplied, PlannedChange, apply_change
from smapify_pipeline.sync.push import apply_all
from smapify_pipeline.warehouse import ledger
from smapify_pipeline.warehouse.ledger import LedgerStatus

CHANGE = PlannedChange(key="smaregi:c:txn:1:order", kind="shopify_order", target="shopify", payload={"n": 1})


class ScriptedWriter:
    """Answers each send with the next scripted result: a remote id, or an exception to raise."""

    def __init__(self, *answers: Any, idempotent: bool = False, found: str | None = None) -> None:
        self.answers = list(answers)
        self.idempotent = idempotent
        self.found = found
        self.sent: list[tuple[dict[str, Any], str]] = []
        self.prepared = 0
        self.lookups = 0

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        self.prepared += 1
        return {"n": change.payload["n"], "read": self.prepared}

    def send(self, change: PlannedChange, variables: dict[str, Any], key: str) -> str | None:
        self.sent.append((variables, key))
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer  # type: ignore[no-any-return]

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        self.lookups += 1
        return self.found


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = warehouse.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def lost() -> OutcomeUnknown:
    return OutcomeUnknown("orderCreate", "RemoteProtocolError", idempotent=False)


def test_applied_once_then_never_sent_again(conn: duckdb.DuckDBPyConnection) -> None:
    writer = ScriptedWriter("gid://shopify/Order/1")
    assert apply_change(conn, CHANGE, writer).status is ChangeStatus.APPLIED
    again = apply_change(conn, CHANGE, writer)
    assert again.status is ChangeStatus.ALREADY_APPLIED and again.remote_id == "gid://shopify/Order/1"
    assert len(writer.sent) == 1


def test_lost_answer_of_a_non_idempotent_write_is_found_by_its_marker(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    writer = ScriptedWriter(lost(), found="gid://shopify/Order/7")
    outcome = apply_change(conn, CHANGE, writer)
    assert (outcome.status, outcome.remote_id, outcome.found_by_marker) == (
        ChangeStatus.APPLIED,
        "gid://shopify/Order/7",
        True,
    )
    assert len(writer.sent) == 1


def test_unknown_outcome_stays_pending_and_the_next_run_looks_before_writing(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    first = ScriptedWriter(lost(), found=None)
    assert apply_change(conn, CHANGE, first).status is ChangeStatus.UNKNOWN
    assert ledger.get(conn, CHANGE.key).status is LedgerStatus.PENDING  # type: ignore[union-attr]
    found_now = ScriptedWriter(found="gid://shopify/Order/9")
    outcome = apply_change(conn, CHANGE, found_now)
    assert outcome.status is ChangeStatus.APPLIED and outcome.found_by_marker
    assert found_now.sent == [] and found_now.lookups == 1


def test_not_found_after_an_unknown_outcome_resends_the_stored_variables(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    apply_change(conn, CHANGE, ScriptedWriter(lost(), found=None))
    second = ScriptedWriter("gid://shopify/Order/3", found=None)
    assert apply_change(conn, CHANGE, second).status is ChangeStatus.APPLIED
    [(variables, _)] = second.sent
    assert variables == {"n": 1, "read": 1}, "the stored variables of the first attempt, not re-prepared ones"
    assert second.prepared == 0


def test_idempotent_write_is_resent_with_the_same_key_and_variables(conn: duckdb.DuckDBPyConnection) -> None:
    change = PlannedChange("k:stock", "shopify_stock_adjust", "shopify", {"n": 2})
    first = ScriptedWriter(
        OutcomeUnknown("inventoryAdjustQuantities", "503", idempotent=True), idempotent=True
    )
    assert apply_change(conn, change, first).status is ChangeStatus.UNKNOWN
    second = ScriptedWriter("gid://shopify/InventoryAdjustmentGroup/1", idempotent=True)
    assert apply_change(conn, change, second).status is ChangeStatus.APPLIED
    assert second.sent == first.sent == [({"n": 2, "read": 1}, idempotency_key("k:stock", 1))]
    assert second.lookups == 0


def test_stale_compare_and_set_rereads_and_takes_a_new_key(conn: duckdb.DuckDBPyConnection) -> None:
    change = PlannedChange("k:stock", "shopify_stock_adjust", "shopify", {"n": 2})
    writer = ScriptedWriter(
        NothingApplied("CHANGE_FROM_QUANTITY_STALE", retry_fresh=True), "group/2", idempotent=True
    )
    outcome = apply_change(conn, change, writer)
    assert outcome.status is ChangeStatus.APPLIED
    assert [variables["read"] for variables, _ in writer.sent] == [1, 2]
    assert [key for _, key in writer.sent] == [idempotency_key("k:stock", 1), idempotency_key("k:stock", 2)]
    entry = ledger.get(conn, "k:stock")
    assert entry is not None and (entry.generation, entry.attempts) == (2, 2)


def test_a_refused_write_is_failed_with_its_error_and_retried_fresh_next_run(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    refused = ShopifyUserError("orderCreate", [UserErrorDetail("INVALID", ("order",), "bad line")])
    outcome = apply_change(conn, CHANGE, ScriptedWriter(refused))
    assert outcome.status is ChangeStatus.FAILED and "bad line" in (outcome.error or "")
    entry = ledger.get(conn, CHANGE.key)
    assert entry is not None and entry.status is LedgerStatus.FAILED
    retry = ScriptedWriter("gid://shopify/Order/5")
    assert apply_change(conn, CHANGE, retry).status is ChangeStatus.APPLIED
    assert ledger.get(conn, CHANGE.key).generation == 2  # type: ignore[union-attr]


def test_one_failure_does_not_stop_the_others_and_dependants_wait(conn: duckdb.DuckDBPyConnection) -> None:
    a = PlannedChange("a", "shopify_order", "shopify", {"n": 1})
    b = PlannedChange("b", "shopify_order", "shopify", {"n": 2})
    a_stock = PlannedChange("a:stock", "shopify_stock_adjust", "shopify", {"n": 3})
    writer = ScriptedWriter(RuntimeError("connection reset"), "gid://shopify/Order/2")
    outcomes = apply_all(conn, [(a, None), (b, None), (a_stock, "a")], lambda change: writer)
    assert [o.status for o in outcomes] == [ChangeStatus.UNKNOWN, ChangeStatus.APPLIED, ChangeStatus.UNKNOWN]
    assert ledger.get(conn, "a:stock") is None, "a write whose dependency is not applied is not even begun"
