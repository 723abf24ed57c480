"""What a sensor has already asked a run for: the cursor both sync sensors keep (as JSON in Dagster).

A *change* is ``(record id, change time)`` as the platform reports it (Smaregi ``updDateTime``, Shopify
``updatedAt``). A sensor learns of changes two ways:

* from the webhook inbox (``take_inbox``): ids only, no change time. They are remembered in ``announced`` with
  the time we received them, and the run's key is built from the delivery ids.
* by polling (``take_polled``): rows changed since ``since`` minus an ``OVERLAP`` (late commits, same-second
  ties). A row is new unless it was polled before with the same change time (``seen``) or it was announced by
  the inbox and changed no later than ``ANNOUNCE_SKEW`` after we received the announcement (that run already
  covers it). Anything later is a new change (a void after a sale) and asks for a new run.

The run key is a hash of the sorted changes, so a repeated tick over the same changes asks for nothing new
(Dagster drops a ``run_key`` it has seen for the sensor).

Choices (kept here): ``OVERLAP`` 60 s; ``ANNOUNCE_SKEW`` 120 s (clock difference we tolerate between the
platform and this machine; beyond it a duplicate run happens, never a missed one); ``ANNOUNCED_TTL`` 1 h;
``INITIAL_LOOKBACK`` 1 h — a sensor started for the first time asks for a run if anything changed in the last
hour, and older history is the scheduled ``full_sync``'s job.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from smapify_pipeline.webhooks.inbox import InboxEvent

OVERLAP = timedelta(seconds=60)
ANNOUNCE_SKEW = timedelta(seconds=120)
ANNOUNCED_TTL = timedelta(hours=1)
INITIAL_LOOKBACK = timedelta(hours=1)

Change = tuple[str, datetime]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass
class ChangeWatch:
    inbox_seq: int = 0
    since: datetime | None = None
    seen: dict[str, datetime] = field(default_factory=dict)
    announced: dict[str, datetime] = field(default_factory=dict)
    last_poll: datetime | None = None
    page_was_full: bool = False

    # -- (de)serialisation --------------------------------------------------------------------------------

    @classmethod
    def parse(cls, cursor: str | None) -> ChangeWatch:
        if not cursor:
            return cls()
        raw = json.loads(cursor)
        return cls(
            inbox_seq=int(raw.get("inbox_seq", 0)),
            since=_parse(raw["since"]) if raw.get("since") else None,
            seen={k: _parse(v) for k, v in raw.get("seen", {}).items()},
            announced={k: _parse(v) for k, v in raw.get("announced", {}).items()},
            last_poll=_parse(raw["last_poll"]) if raw.get("last_poll") else None,
            page_was_full=bool(raw.get("page_was_full", False)),
        )

    def dump(self) -> str:
        return json.dumps(
            {
                "inbox_seq": self.inbox_seq,
                "since": _iso(self.since) if self.since else None,
                "seen": {k: _iso(v) for k, v in sorted(self.seen.items())},
                "announced": {k: _iso(v) for k, v in sorted(self.announced.items())},
                "last_poll": _iso(self.last_poll) if self.last_poll else None,
                "page_was_full": self.page_was_full,
            },
            sort_keys=True,
        )

    # -- inbox --------------------------------------------------------------------------------------------

    def take_inbox(self, events: Sequence[InboxEvent], relevant: Sequence[InboxEvent]) -> list[str]:
        """Move past ``events`` (all read); remember the ids of ``relevant`` ones; their delivery ids."""
        if events:
            self.inbox_seq = max(self.inbox_seq, max(e.seq for e in events))
        for event in relevant:
            for record_id in event.resource_ids:
                self.announced[record_id] = max(
                    event.received_at, self.announced.get(record_id, event.received_at)
                )
        return sorted({e.delivery_id for e in relevant})

    # -- polling ------------------------------------------------------------------------------------------

    def poll_due(self, now: datetime, interval: timedelta) -> bool:
        return self.last_poll is None or now - self.last_poll >= interval

    def poll_from(self, now: datetime) -> datetime:
        """Lower bound of the next poll (inclusive)."""
        if self.since is None:
            return now - INITIAL_LOOKBACK
        return self.since if self.page_was_full else self.since - OVERLAP

    def take_polled(self, rows: Iterable[Change], now: datetime, page_full: bool = False) -> list[Change]:
        """The new changes among ``rows``; records all of them as seen and moves ``since``."""
        fresh: list[Change] = []
        for record_id, changed_at in rows:
            changed_at = changed_at.astimezone(UTC)
            if self.seen.get(record_id) == changed_at:
                continue
            announced_at = self.announced.get(record_id)
            covered = announced_at is not None and changed_at <= announced_at + ANNOUNCE_SKEW
            self.seen[record_id] = changed_at
            if not covered:
                fresh.append((record_id, changed_at))
            if self.since is None or changed_at > self.since:
                self.since = changed_at
        if self.since is None:
            self.since = now - INITIAL_LOOKBACK
        self.last_poll = now
        self.page_was_full = page_full
        horizon = self.since - OVERLAP
        self.seen = {k: v for k, v in self.seen.items() if v >= horizon}
        self.announced = {k: v for k, v in self.announced.items() if v >= now - ANNOUNCED_TTL}
        return fresh


def run_key(kind: str, parts: Iterable[str]) -> str:
    """``{kind}:{hash}`` of the sorted parts (the same changes always give the same key)."""
    digest = hashlib.sha256("\n".join(sorted(parts)).encode("utf-8")).hexdigest()[:20]
    return f"{kind}:{digest}"


def change_parts(changes: Iterable[Change]) -> list[str]:
    return [f"{record_id}@{_iso(changed_at)}" for record_id, changed_at in changes]
