"""The Smaregi sandbox: an ASGI app over :class:`SmaregiState`, and the :class:`SmaregiSandbox` that owns it.

Request path, outermost first: fault middleware (shared fault plan) → ``/_sandbox`` hooks or the token
endpoint or an API route → ``before_next`` actions → per-contract rate limit → bearer token and scope →
handler under the state lock. Answers are JSON; errors are Smaregi problem bodies.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.faults import FaultInjector, FaultMiddleware, FaultPlan, Receive, Scope, Send
from smapify_pipeline.sandbox.seed import Catalogue, build_catalogue, generate_sales
from smapify_pipeline.sandbox.smaregi import (
    register,
    routes_masters,
    routes_products,
    routes_stock,
    routes_transactions,
)
from smapify_pipeline.sandbox.smaregi.auth import authorize, issue_token
from smapify_pipeline.sandbox.smaregi.errors import (
    ApiProblem,
    bad_request,
    method_not_allowed,
    not_found,
    too_many_requests,
)
from smapify_pipeline.sandbox.smaregi.errors import server_error as server_error_problem
from smapify_pipeline.sandbox.smaregi.ratelimit import RateLimiter
from smapify_pipeline.sandbox.smaregi.register import RegisterLine
from smapify_pipeline.sandbox.smaregi.routing import (
    API_PREFIX,
    TOKEN_OPERATION,
    TOKEN_PATH,
    Answer,
    Call,
    RouteTable,
)
from smapify_pipeline.sandbox.smaregi.seeding import seed_catalogue, seed_sales
from smapify_pipeline.sandbox.smaregi.state import SmaregiState
from smapify_pipeline.sandbox.smaregi.webhooks import SmaregiWebhooks

ROUTES = RouteTable(
    routes_masters.ROUTES + routes_products.ROUTES + routes_stock.ROUTES + routes_transactions.ROUTES
)
HOOK_PREFIX = "/_sandbox"
JSON_HEADERS = [(b"content-type", b"application/json")]

Line = tuple[str, int]


class SmaregiSandbox:
    """A stateful Smaregi POS simulator; ``app`` is the ASGI callable to serve."""

    def __init__(
        self,
        state: SmaregiState,
        clock: SandboxClock,
        faults: FaultInjector,
        rate_limiter: RateLimiter,
        webhooks: SmaregiWebhooks,
    ) -> None:
        self.state = state
        self.clock = clock
        self.faults = faults
        self.rate_limiter = rate_limiter
        self.webhooks = webhooks
        self._before: dict[str, list[Callable[[], object]]] = defaultdict(list)
        self._before_lock = threading.Lock()
        self.api = SmaregiApi(self)
        self.app = FaultMiddleware(self.api, faults, self.classify, _throttled, _server_error)

    @classmethod
    def create(
        cls,
        *,
        catalogue: Catalogue | None = None,
        seed_size: str | int = "small",
        seed: int = 0,
        locations: int = 2,
        time_scale: float = 1.0,
        faults: FaultPlan | None = None,
        contract_id: str = credentials.SMAREGI_CONTRACT_ID,
        sales: int = 0,
        reads_per_second: float | None = None,
        writes_per_second: float | None = None,
        clock: SandboxClock | None = None,
    ) -> SmaregiSandbox:
        """A sandbox seeded from ``catalogue`` (or one built from size/seed/locations), plus ``sales`` past sales."""
        clock = clock or SandboxClock(time_scale)
        state = SmaregiState(clock, contract_id)
        limiter = RateLimiter(clock)
        if reads_per_second is not None or writes_per_second is not None:
            limiter.configure(
                reads_per_second or limiter.reads_per_second, writes_per_second or limiter.writes_per_second
            )
        sandbox = cls(state, clock, FaultInjector(faults), limiter, SmaregiWebhooks(state, clock))
        sandbox.seed(
            catalogue or build_catalogue(seed_size, seed=seed, locations=locations), sales=sales, seed=seed
        )
        return sandbox

    # -- seeding and persistence ----------------------------------------------------------------------

    def seed(self, catalogue: Catalogue, sales: int = 0, seed: int = 0) -> None:
        seed_catalogue(self.state, catalogue)
        if sales:
            seed_sales(self.state, generate_sales(catalogue, sales, seed=seed))

    def reset(self) -> None:
        """Empty state, no tokens, fresh rate budgets, no scripted faults or pending actions."""
        with self.state.lock:
            self.state.clear()
            self.state.tokens.clear()
        self.rate_limiter.reset()
        self.faults.clear()
        with self._before_lock:
            self._before.clear()

    def dump(self) -> dict[str, Any]:
        return self.state.dump()

    def save(self, path: str | Path) -> None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".tmp")
        temporary.write_text(json.dumps(self.state.dump(), ensure_ascii=False), encoding="utf-8")
        temporary.replace(target)

    def load(self, path: str | Path) -> None:
        self.state.load(json.loads(Path(path).read_text(encoding="utf-8")))

    # -- register and merchant actions (the test hooks) ------------------------------------------------

    def ring_up_sale(
        self, store_id: str, lines: list[Line], at: datetime | None = None, terminal_id: str = "1"
    ) -> str:
        """A POS sale of (productId or productCode, quantity) lines at list price; returns transactionHeadId."""
        return register.ring_up_sale(
            self.state, store_id, [RegisterLine(p, q) for p, q in lines], at, terminal_id
        )

    def register_return(
        self, transaction_id: str, lines: list[Line] | None = None, at: datetime | None = None
    ) -> str:
        return register.register_return(self.state, transaction_id, lines, at)

    def register_void(self, transaction_id: str) -> None:
        register.register_void(self.state, transaction_id)

    def register_dispose(self, transaction_id: str) -> str:
        return register.register_dispose(self.state, transaction_id)

    def stock_count(self, product: str, store_id: str, counted: int, memo: str | None = None) -> str:
        return register.stock_count(self.state, product, store_id, counted, memo)

    def product_edit(self, product: str, changes: dict[str, str]) -> dict[str, Any]:
        return register.product_edit(self.state, product, changes)

    def product_create(self, body: dict[str, str]) -> dict[str, Any]:
        return self.state.create_product(body)

    def product_delete(self, product: str) -> None:
        self.state.delete_product(self.state.product_by_id_or_code(product)["productId"])

    def stock_of(self, product: str, store_id: str) -> int | None:
        """Units on hand, or ``None`` when the product has no stock row at the store."""
        product_id = self.state.product_by_id_or_code(product)["productId"]
        row = self.state.stock.get((product_id, store_id))
        return int(row["stockAmount"]) if row else None

    def configure_webhooks(
        self,
        url: str | None,
        secret: str | None = None,
        secret_header: str | None = None,
        events: list[str] | None = None,
        duplicates: float = 0.0,
        reorder: bool = False,
        seed: int = 0,
    ) -> None:
        self.webhooks.configure(url, secret, secret_header, events)
        self.webhooks.delivery.set_duplicates(duplicates, seed)
        self.webhooks.delivery.set_reorder(reorder, seed)

    def before_next(self, operation: str, action: Callable[[], object]) -> None:
        """Run ``action`` right before the next call of ``operation`` (e.g. ``"POST /stock/{productId}/add"``)."""
        with self._before_lock:
            self._before[operation].append(action)

    def run_before(self, operation: str) -> None:
        with self._before_lock:
            actions = self._before.pop(operation, [])
        for action in actions:
            action()

    def close(self) -> None:
        self.webhooks.close()

    # -- faults -------------------------------------------------------------------------------------

    def classify(self, scope: Scope, body: bytes) -> tuple[str, bool] | None:
        path = scope["path"]
        if path.startswith(HOOK_PREFIX):
            return None
        if TOKEN_PATH.match(path):
            operations = self.faults.plan.operations
            return (TOKEN_OPERATION, False) if operations and TOKEN_OPERATION in operations else None
        prefix = API_PREFIX.match(path)
        if not prefix:
            return None
        route, _, _ = ROUTES.match(scope["method"], prefix.group("rest") or "/")
        return (route.operation, route.is_write) if route else None


async def _throttled(operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return too_many_requests(1).render()


async def _server_error(operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return server_error_problem().render()


class SmaregiApi:
    """The ASGI app behind the fault middleware."""

    def __init__(self, sandbox: SmaregiSandbox) -> None:
        self.sandbox = sandbox
        from smapify_pipeline.sandbox.smaregi.hooks import HookApi

        self.hooks = HookApi(sandbox)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive)
        path: str = scope["path"]
        try:
            if path.startswith(HOOK_PREFIX):
                status, headers, payload = self.hooks.handle(scope["method"], path[len(HOOK_PREFIX) :], body)
            else:
                status, headers, payload = self._api(scope, body)
        except ApiProblem as problem:
            status, headers, payload = problem.render()
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, (b"content-length", str(len(payload)).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": payload})

    def _api(self, scope: Scope, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        sandbox = self.sandbox
        state = sandbox.state
        headers = _headers(scope)
        path: str = scope["path"]
        method: str = scope["method"]
        token_path = TOKEN_PATH.match(path)
        if token_path:
            if method != "POST":
                raise method_not_allowed()
            sandbox.run_before(TOKEN_OPERATION)
            answer = issue_token(state, token_path.group("contract"), headers.get("authorization"), body)
            return 200, JSON_HEADERS, json.dumps(answer).encode()
        prefix = API_PREFIX.match(path)
        if not prefix:
            raise not_found()
        contract_id = prefix.group("contract")
        route, params, path_exists = ROUTES.match(method, prefix.group("rest") or "/")
        if route is None:
            raise method_not_allowed() if path_exists else not_found()
        sandbox.run_before(route.operation)
        wait = sandbox.rate_limiter.take(contract_id, route.is_write)
        if wait is not None:
            raise too_many_requests(wait)
        authorize(state, contract_id, headers.get("authorization"), route.scope)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("utf-8"), keep_blank_values=True))
        parsed: Any = None
        if body.strip():
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                raise bad_request("リクエストボディのJSONが不正です") from exc
        with state.lock:
            result: Answer = route.handler(Call(state, params, query, parsed))
        if result.empty or result.payload is None:
            return result.status, [], b""
        return result.status, JSON_HEADERS, json.dumps(result.payload, ensure_ascii=False).encode()


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
