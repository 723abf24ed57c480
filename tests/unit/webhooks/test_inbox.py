"""The SQLite inbox: de-duplication by delivery id, reading after a cursor, pruning, and a writer process and
a reader process working on the file at the same time."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smapify_pipeline.webhooks.inbox import InboxEvent, WebhookInbox


def _event(delivery: str, platform: str = "smaregi", at: datetime | None = None) -> InboxEvent:
    return InboxEvent(
        platform=platform,
        delivery_id=delivery,
        topic="pos:transactions",
        action="created",
        resource_ids=(delivery,),
        payload={"transactionHeadIds": [delivery]},
        received_at=at or datetime.now(UTC),
    )


def test_a_delivery_id_is_recorded_once_per_platform(tmp_path: Path) -> None:
    inbox = WebhookInbox(tmp_path / "inbox.sqlite")
    inbox.create()

    answers = [
        inbox.record(_event("a")),
        inbox.record(_event("a")),
        inbox.record(_event("a", platform="shopify")),
    ]

    assert answers == [True, False, True]
    assert inbox.count("smaregi") == 1 and inbox.count("shopify") == 1


def test_read_after_returns_newer_events_in_order(tmp_path: Path) -> None:
    inbox = WebhookInbox(tmp_path / "inbox.sqlite")
    inbox.create()
    for name in ("a", "b", "c"):
        inbox.record(_event(name))

    first = inbox.read_after("smaregi", 0)
    rest = inbox.read_after("smaregi", first[0].seq)

    assert [e.delivery_id for e in first] == ["a", "b", "c"]
    assert [e.delivery_id for e in rest] == ["b", "c"]
    assert first[0].payload == {"transactionHeadIds": ["a"]}


def test_a_missing_inbox_reads_as_empty_without_creating_the_file(tmp_path: Path) -> None:
    inbox = WebhookInbox(tmp_path / "absent" / "inbox.sqlite")

    assert inbox.read_after("shopify", 0) == [] and inbox.count() == 0
    assert not inbox.path.exists()


def test_prune_keeps_sequence_numbers_growing(tmp_path: Path) -> None:
    inbox = WebhookInbox(tmp_path / "inbox.sqlite")
    inbox.create()
    now = datetime.now(UTC)
    inbox.record(_event("old", at=now - timedelta(days=10)))
    inbox.record(_event("new", at=now))

    pruned = inbox.prune(timedelta(days=7), now=now)
    inbox.record(_event("newer", at=now))

    assert pruned == 1
    assert [e.seq for e in inbox.read_after("smaregi", 0)] == [2, 3]


def test_writer_and_reader_processes_share_the_file(tmp_path: Path) -> None:
    path = tmp_path / "inbox.sqlite"
    WebhookInbox(path).create()
    writer = textwrap.dedent(
        f"""
        from datetime import UTC, datetime
        from smapify_pipeline.webhooks.inbox import InboxEvent, WebhookInbox
        inbox = WebhookInbox({str(path)!r})
        for n in range(300):
            inbox.record(InboxEvent("smaregi", f"d{{n}}", "pos:transactions", "created", (str(n),), {{}}, datetime.now(UTC)))
        """
    )
    process = subprocess.Popen([sys.executable, "-c", writer])
    reader = WebhookInbox(path)
    seen: list[int] = []
    while process.poll() is None:
        seen.extend(e.seq for e in reader.read_after("smaregi", seen[-1] if seen else 0))
    seen.extend(e.seq for e in reader.read_after("smaregi", seen[-1] if seen else 0))

    assert process.returncode == 0
    assert seen == list(range(1, 301))
