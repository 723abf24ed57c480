"""One lifecycle for both sandboxes: seed, reset, snapshot, load, save, and what runs around an API call.

Each simulator (:class:`~smapify_pipeline.sandbox.shopify.app.ShopifySandbox`,
:class:`~smapify_pipeline.sandbox.smaregi.app.SmaregiSandbox`) is a :class:`Sandbox`: a backend holding the
platform's state, a :class:`~smapify_pipeline.sandbox.clock.SandboxClock`, a
:class:`~smapify_pipeline.sandbox.faults.FaultInjector` and a Starlette ``app`` wrapped in the shared
:class:`~smapify_pipeline.sandbox.faults.FaultMiddleware`. The lifecycle, the same words on both:

* ``seed(catalogue)`` — remember the catalogue and reset to it;
* ``reset(empty=False)`` — the state back to the seeded one (or empty); pending ``before_next`` actions are
  dropped and rate budgets refilled; configuration stays (tokens, webhook subscriptions, the fault plan);
* ``snapshot()`` — the whole state as JSON-able data (``GET /_sandbox/state``); ``load(snapshot)`` puts it
  back exactly; ``save(path)`` / ``load_file(path)`` do the same through a JSON file;
* ``before_next(operation, action)`` — run ``action`` right before the next call of ``operation``;
* ``close()`` — stop delivering webhooks; ``webhooks/delivery`` and ``webhooks/drain`` hooks act on the same queue.

The ``/_sandbox`` hooks for the lifecycle (:func:`lifecycle_hooks`) are the same on both sandboxes.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import WebhookDelivery
from smapify_pipeline.sandbox.faults import FaultInjector, FaultPlan
from smapify_pipeline.sandbox.seed import Catalogue, build_catalogue

Snapshot = dict[str, Any]


class SandboxOptions(TypedDict, total=False):
    """The keywords both sandboxes' ``create()`` take (beyond their platform's own)."""

    catalogue: Catalogue | None
    """What to seed; without it one is built from ``seed_size``, ``seed`` and ``locations``."""
    seed_size: str | int
    seed: int
    locations: int
    time_scale: float
    faults: FaultPlan | None
    clock: SandboxClock | None
    """A clock to share (a sandbox pair); without it a new one running at ``time_scale``."""


@dataclass(frozen=True)
class SandboxSetup:
    """:class:`SandboxOptions` with their defaults applied: what a sandbox is built from."""

    catalogue: Catalogue
    clock: SandboxClock
    faults: FaultInjector
    seed: int

    @classmethod
    def of(cls, options: SandboxOptions) -> SandboxSetup:
        seed = options.get("seed", 0)
        catalogue = options.get("catalogue") or build_catalogue(
            options.get("seed_size", "small"), seed=seed, locations=options.get("locations", 2)
        )
        clock = options.get("clock") or SandboxClock(options.get("time_scale", 1.0))
        return cls(catalogue, clock, FaultInjector(options.get("faults")), seed)


class Sandbox(ABC):
    """What both simulators share: clock, faults, ``before_next`` actions and the state's lifecycle."""

    delivery: WebhookDelivery
    """Where the platform's webhooks queue (retries, duplicates and reordering are the delivery's)."""

    def __init__(
        self, clock: SandboxClock, faults: FaultInjector, catalogue: Catalogue | None = None
    ) -> None:
        self.clock = clock
        self.faults = faults
        self.catalogue = catalogue
        self._before: dict[str, list[Callable[[], object]]] = defaultdict(list)
        self._before_lock = threading.Lock()

    # -- what each platform's backend supplies -----------------------------------------------------------

    @abstractmethod
    def _locked(self) -> AbstractContextManager[Any]:
        """The state's lock (held while the state is replaced)."""

    @abstractmethod
    def _clear(self) -> None:
        """Empty the state and refill rate budgets (keeps tokens and configuration)."""

    @abstractmethod
    def _fill(self, catalogue: Catalogue) -> None:
        """Seed the (empty) state from ``catalogue``."""

    @abstractmethod
    def snapshot(self) -> Snapshot:
        """The whole state as JSON-able data that :meth:`load` restores exactly."""

    @abstractmethod
    def load(self, snapshot: Snapshot) -> None:
        """Replace the state with one taken by :meth:`snapshot`."""

    # -- the lifecycle ---------------------------------------------------------------------------------

    def seed(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.reset()

    def reset(self, empty: bool = False) -> None:
        with self._locked():
            self._clear()
            if self.catalogue is not None and not empty:
                self._fill(self.catalogue)
        with self._before_lock:
            self._before.clear()

    def close(self) -> None:
        """Stop delivering webhooks."""
        self.delivery.close()

    def save(self, path: str | Path) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_text(json.dumps(self.snapshot(), ensure_ascii=False), encoding="utf-8")
        temporary.replace(target)

    def load_file(self, path: str | Path) -> None:
        self.load(json.loads(Path(path).read_text(encoding="utf-8")))

    # -- around an API call ----------------------------------------------------------------------------

    def before_next(self, operation: str, action: Callable[[], object]) -> None:
        """Run ``action`` right before the next call of ``operation`` is executed.

        Operations are named as the fault plan names them: a GraphQL root field on Shopify
        (``"inventorySetQuantities"``), ``"{METHOD} {template}"`` on Smaregi (``"POST /stock/{productId}/add"``).
        """
        with self._before_lock:
            self._before[operation].append(action)

    def run_before(self, operation: str) -> None:
        with self._before_lock:
            actions = self._before.pop(operation, [])
        for action in actions:
            action()


Hook = Callable[[Any, dict[str, Any]], Any]
"""(sandbox, JSON body) -> JSON-able answer."""


def _reset(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    sandbox.reset(empty=bool(body.get("empty")))
    return {}


def _save(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    sandbox.save(body["path"])
    return {"path": body["path"]}


def _load(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    if "snapshot" in body:
        sandbox.load(body["snapshot"])
        return {}
    sandbox.load_file(body["path"])
    return {"path": body["path"]}


def _clock(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    sandbox.clock.advance(float(body["seconds"]))
    return {"now": sandbox.clock.now().isoformat(), "monotonic": sandbox.clock.monotonic()}


def _faults(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    if body.get("clear"):
        sandbox.faults.clear()
    if "plan" in body:
        sandbox.faults.set_plan(FaultPlan.parse(body["plan"]))
    script = body.get("script")
    if script:
        sandbox.faults.script(script["operation"], script["kind"], int(script.get("times", 1)))
    return {}


def _delivery(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    seed = int(body.get("seed", 0))
    if "duplicates" in body:
        sandbox.delivery.set_duplicates(float(body["duplicates"]), seed)
    if "reorder" in body:
        sandbox.delivery.set_reorder(bool(body["reorder"]), seed)
    return {}


def _drain(sandbox: Sandbox, body: dict[str, Any]) -> Any:
    return {"drained": sandbox.delivery.drain(float(body.get("timeout", 10.0)))}


def lifecycle_hooks() -> dict[str, Hook]:
    """``POST /_sandbox/{name}`` hooks both sandboxes answer alike.

    ``reset`` ``{empty?}``; ``save`` ``{path}``; ``load`` ``{path}`` or ``{snapshot}``;
    ``clock/advance`` ``{seconds}`` moves simulated time forward; ``faults`` ``{plan?, script?: {operation,
    kind, times?}, clear?}`` sets the fault plan, scripts one fault or clears them; ``webhooks/delivery``
    ``{duplicates?, reorder?, seed?}`` makes deliveries repeat or arrive out of order; ``webhooks/drain``
    ``{timeout?}`` waits until every queued delivery was attempted.
    """
    return {
        "reset": _reset,
        "save": _save,
        "load": _load,
        "clock/advance": _clock,
        "faults": _faults,
        "webhooks/delivery": _delivery,
        "webhooks/drain": _drain,
    }


def lifecycle_reads() -> dict[str, Callable[[Any], Any]]:
    """``GET /_sandbox/{name}``: ``state`` is the snapshot, ``faults`` the plan and the faults injected so far."""
    return {"state": lambda sandbox: sandbox.snapshot(), "faults": _fault_log}


def _fault_log(sandbox: Sandbox) -> Any:
    return {
        "plan": str(sandbox.faults.plan),
        "log": [
            {"operation": d.operation, "call": d.call_number, "kind": str(d.kind)} for d in sandbox.faults.log
        ],
    }


ErrorAnswer = Callable[[Exception], Response]
"""How a platform answers a hook that failed (re-raises what it does not know)."""


def hook_routes(
    sandbox: Sandbox,
    posts: dict[str, Hook],
    reads: dict[str, Callable[[Any], Any]],
    on_error: ErrorAnswer,
) -> list[BaseRoute]:
    """Starlette routes for ``POST /_sandbox/{name}`` (a JSON object in, JSON out) and ``GET /_sandbox/{name}``.

    Hooks are test hooks, not the platform's API: no token, no rate limit, no faults.
    """

    def post(hook: Hook) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                raw = await request.body()
                body = json.loads(raw) if raw.strip() else {}
                if not isinstance(body, dict):
                    raise TypeError("the body must be a JSON object")
                result = await run_in_threadpool(hook, sandbox, body)
            except Exception as exc:
                return on_error(exc)
            return JSONResponse(result)

        return endpoint

    def get(read: Callable[[Any], Any]) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return JSONResponse(await run_in_threadpool(read, sandbox))

        return endpoint

    routes: list[BaseRoute] = [
        Route(f"/_sandbox/{name}", post(hook), methods=["POST"]) for name, hook in posts.items()
    ]
    routes += [Route(f"/_sandbox/{name}", get(read), methods=["GET"]) for name, read in reads.items()]
    return routes
