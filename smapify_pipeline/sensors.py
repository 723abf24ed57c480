"""Sensors that start an ``orders_sync`` run when a sale, order or refund is new on either platform.

Each tick first reads the webhook inbox (``data/inbox.sqlite``, written by ``smapify webhooks serve``) for
deliveries after its cursor: if there are any, it asks for a run from them and makes no API call. Otherwise,
once every ``SMAPIFY_SENSOR_POLL_SECONDS`` (``Settings.sensor_poll_seconds``, default 30), it polls the platform
with one small list call:

* Smaregi: ``GET /transactions?upd_date_time-from=…&upd_date_time-to=…&fields=transactionHeadId,updDateTime,memo
  &sort=updDateTime&limit=1000`` (both range ends are required, at most 31 days apart);
* Shopify: ``orders(first: 50, sortKey: UPDATED_AT, query: "updated_at:>='…'")`` with ids, times and markers.

Changes we wrote ourselves (Smaregi memo marker, Shopify source/tag/note markers) never ask for a run; a
Shopify order of ours asks for one only when it carries a refund that is not ours. The cursor and the run
key rules are in :mod:`smapify_pipeline.change_watch`. Sensors never open the DuckDB working file.

Each sensor keeps its platform client between ticks (``kept_resource``), so a poll is one API call and not a
token grant plus a call. Both sensors default to RUNNING: a tick that finds nothing costs at most one read,
and the runs they request carry the ``smapify/sync`` tag, so they queue behind a running sync instead of
overlapping it. A tick whose platform is unreachable fails (visible in the UI) without moving its cursor.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import dagster as dg

from smapify_pipeline.change_watch import Change, ChangeWatch, change_parts, run_key
from smapify_pipeline.platforms.smaregi.windows import MAX_WINDOW_DAYS
from smapify_pipeline.resources import ShopifyResource, SmaregiResource
from smapify_pipeline.settings import DEFAULT_SENSOR_POLL_SECONDS
from smapify_pipeline.sync import markers
from smapify_pipeline.webhooks.events import shopify_event_is_echo
from smapify_pipeline.webhooks.inbox import InboxEvent
from smapify_pipeline.webhooks.resource import WebhookInboxResource

TICK_SECONDS = 5
"""The daemon evaluates sensors at most every 5 s anyway (dagster's sensor loop), so inbox reads are that fast."""
DEFAULT_POLL_INTERVAL = timedelta(seconds=DEFAULT_SENSOR_POLL_SECONDS)
SMAREGI_PAGE = 1000
SHOPIFY_PAGE = 50
FUTURE_MARGIN = timedelta(hours=1)
"""Upper bound of a Smaregi poll: now plus this, against clock skew with Smaregi's servers (as the extract)."""
ORDERS_JOB = "orders_sync"

SHOPIFY_ORDERS_QUERY = """
query SensorOrders($first: Int!, $query: String!) {
  orders(first: $first, query: $query, sortKey: UPDATED_AT) {
    nodes { id updatedAt sourceName sourceIdentifier tags refunds(first: 3) { id note } }
    pageInfo { hasNextPage }
  }
}
"""


def _now() -> datetime:
    return datetime.now(UTC)


Platform = TypeVar("Platform", ShopifyResource, SmaregiResource)
_kept: dict[str, Any] = {}
_kept_lock = threading.Lock()


def kept_resource(resource: Platform) -> Platform:
    """A copy of ``resource`` that outlives the tick, one per configuration and process.

    Dagster builds a sensor's resources afresh for every tick and closes their clients afterwards, so each
    poll would first fetch a new access token (Smaregi; Shopify with client credentials). The code server
    evaluating a sensor lives on between ticks, so keeping one client per configuration there makes a poll
    one API call; the token is renewed by the client when it expires. Keyed by a hash of the configuration,
    so a changed setting gets a new client and no secret is kept as a key.
    """
    config = {name: getattr(resource, name) for name in type(resource).model_fields}
    digest = hashlib.sha256(
        json.dumps([type(resource).__name__, config], sort_keys=True, default=str).encode()
    )
    key = digest.hexdigest()
    with _kept_lock:
        kept = _kept.get(key)
        if kept is None:
            kept = _kept[key] = type(resource)(**config)
    return kept  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Polled:
    """What one poll of a platform saw."""

    changes: list[Change]
    """Every row polled, as (id, change time)."""
    counted: set[str]
    """The ids that ask for a run (not our own writes)."""
    page_full: bool
    what: str
    """What was polled, for the skip reason."""


@dataclass(frozen=True)
class Watched:
    """One platform as a sync sensor watches it."""

    platform: str
    """The inbox's platform and the resource key of its client."""
    sensor: str
    description: str
    relevant: Callable[[InboxEvent], bool]
    """Whether an inbox delivery asks for a run."""
    poll: Callable[[Any, ChangeWatch, datetime], Polled]
    """One poll through the platform's resource."""


def tick(
    watched: Watched,
    cursor: str | None,
    resource: Any,
    inbox: WebhookInboxResource,
    now: datetime | None = None,
    poll_interval: timedelta = DEFAULT_POLL_INTERVAL,
) -> dg.SensorResult:
    """One evaluation of a sync sensor (separate so tests and the benchmark can call it): deliveries in the inbox
    ask for a run without an API call; otherwise one poll once it is due."""
    now = now or _now()
    watch = ChangeWatch.parse(cursor)
    events = inbox.get_inbox().read_after(watched.platform, watch.inbox_seq)
    deliveries = watch.take_inbox(events, [event for event in events if watched.relevant(event)])
    if deliveries:
        return _result(watch, _request(f"{watched.platform}-webhook", watched.sensor, deliveries, "webhook"))
    if not watch.poll_due(now, poll_interval):
        return _result(watch, skip="no webhook events; next poll not due")
    polled = watched.poll(resource, watch, now)
    fresh = watch.take_polled(polled.changes, now, page_full=polled.page_full)
    fresh = [change for change in fresh if change[0] in polled.counted]
    if not fresh:
        return _result(watch, skip=f"no new {polled.what} ({len(polled.changes)} polled)")
    return _result(watch, _request(f"{watched.platform}-poll", watched.sensor, change_parts(fresh), "poll"))


def _request(kind: str, sensor: str, parts: list[str], source: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key(kind, parts),
        job_name=ORDERS_JOB,
        tags={
            "smapify/trigger": sensor,
            "smapify/trigger_source": source,
            "smapify/changes": str(len(parts)),
        },
    )


def _result(watch: ChangeWatch, request: dg.RunRequest | None = None, skip: str = "") -> dg.SensorResult:
    if request is None:
        return dg.SensorResult(skip_reason=skip, cursor=watch.dump())
    return dg.SensorResult(run_requests=[request], cursor=watch.dump())


# -- Smaregi ---------------------------------------------------------------------------------------------


def _poll_smaregi(smaregi: SmaregiResource, watch: ChangeWatch, now: datetime) -> Polled:
    end = now + FUTURE_MARGIN
    start = max(watch.poll_from(now), end - timedelta(days=MAX_WINDOW_DAYS) + timedelta(seconds=1))
    params: dict[str, Any] = {
        "upd_date_time-from": start,
        "upd_date_time-to": end,
        "fields": "transactionHeadId,updDateTime,memo",
        "sort": "updDateTime",
    }
    rows = smaregi.get_client().get_page("/transactions", params, limit=SMAREGI_PAGE)
    return Polled(
        changes=[(str(row["transactionHeadId"]), row["updDateTime"]) for row in rows],
        counted={
            str(row["transactionHeadId"]) for row in rows if not markers.transaction_is_ours(row.get("memo"))
        },
        page_full=len(rows) >= SMAREGI_PAGE,
        what="Smaregi transactions",
    )


SMAREGI_SALES = Watched(
    platform="smaregi",
    sensor="smaregi_sales_sensor",
    description="Smaregi sales, returns and voids → orders_sync (webhook inbox first, else one poll).",
    relevant=lambda event: event.topic == "pos:transactions",
    poll=_poll_smaregi,
)
smaregi_tick = partial(tick, SMAREGI_SALES)


# -- Shopify ---------------------------------------------------------------------------------------------


def _shopify_search_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _order_counts(node: dict[str, Any]) -> bool:
    """An order not made by us, or one of ours with a refund made by someone else."""
    if not markers.order_is_ours(
        node.get("sourceName"), node.get("sourceIdentifier"), tuple(node.get("tags") or ())
    ):
        return True
    return any(not markers.refund_is_ours(refund.get("note")) for refund in node.get("refunds") or [])


def _poll_shopify(shopify: ShopifyResource, watch: ChangeWatch, now: datetime) -> Polled:
    search = f"updated_at:>='{_shopify_search_time(watch.poll_from(now))}'"
    data = shopify.get_client().execute(SHOPIFY_ORDERS_QUERY, {"first": SHOPIFY_PAGE, "query": search})
    connection = data["orders"]
    nodes = connection["nodes"]
    return Polled(
        changes=[(node["id"], datetime.fromisoformat(node["updatedAt"])) for node in nodes],
        counted={node["id"] for node in nodes if _order_counts(node)},
        page_full=bool(connection["pageInfo"]["hasNextPage"]),
        what="Shopify orders or refunds",
    )


SHOPIFY_ORDERS = Watched(
    platform="shopify",
    sensor="shopify_orders_sensor",
    description="Shopify orders, cancellations and refunds → orders_sync (webhook inbox first, else one poll).",
    relevant=lambda event: not shopify_event_is_echo(event),
    poll=_poll_shopify,
)
shopify_tick = partial(tick, SHOPIFY_ORDERS)


# -- the sensors -----------------------------------------------------------------------------------------


def watching_sensor(watched: Watched, poll_interval: timedelta) -> dg.SensorDefinition:
    """The sensor that starts ``orders_sync`` for ``watched``, with its platform client kept between ticks."""

    @dg.sensor(
        name=watched.sensor,
        job_name=ORDERS_JOB,
        minimum_interval_seconds=TICK_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=watched.description,
        required_resource_keys={watched.platform, "webhook_inbox"},
    )
    def evaluate(context: dg.SensorEvaluationContext) -> dg.SensorResult:
        resources = context.resources
        platform = kept_resource(getattr(resources, watched.platform))
        return tick(watched, context.cursor, platform, resources.webhook_inbox, poll_interval=poll_interval)

    return evaluate


def build_sensors(poll_interval: timedelta = DEFAULT_POLL_INTERVAL) -> list[dg.SensorDefinition]:
    """Both sync sensors, polling every ``poll_interval`` when the inbox is quiet."""
    return [watching_sensor(watched, poll_interval) for watched in (SMAREGI_SALES, SHOPIFY_ORDERS)]
