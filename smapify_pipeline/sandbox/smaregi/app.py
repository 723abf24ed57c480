"""The Smaregi sandbox: :class:`SmaregiSandbox` owns the state and serves it on Starlette.

Request path, outermost first: trailing slash dropped → fault middleware (shared fault plan) → ``/_sandbox``
hooks, the token endpoint or an API operation → ``before_next`` actions → per-contract rate limit → bearer
token and scope → handler under the state lock. Answers are JSON; errors (404 and 405 included) are Smaregi
problem bodies. A path outside the modelled operations is an unknown path (404 without the missing-record
``detail``), so a client never reads an endpoint the sandbox lacks as a record that does not exist.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Unpack, cast
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.faults import (
    ASGIApp,
    FaultInjector,
    FaultMiddleware,
    Receive,
    Scope,
    Send,
)
from smapify_pipeline.sandbox.lifecycle import Sandbox, SandboxOptions, SandboxSetup, Snapshot
from smapify_pipeline.sandbox.seed import Catalogue, generate_sales
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
    too_many_requests,
    unknown_path,
)
from smapify_pipeline.sandbox.smaregi.errors import server_error as server_error_problem
from smapify_pipeline.sandbox.smaregi.hooks import smaregi_hook_routes
from smapify_pipeline.sandbox.smaregi.ratelimit import RateLimiter
from smapify_pipeline.sandbox.smaregi.register import RegisterLine
from smapify_pipeline.sandbox.smaregi.routing import (
    API_PREFIX,
    TOKEN_OPERATION,
    TOKEN_PATH,
    Answer,
    Call,
    Operation,
)
from smapify_pipeline.sandbox.smaregi.seeding import seed_catalogue, seed_sales
from smapify_pipeline.sandbox.smaregi.state import SmaregiState
from smapify_pipeline.sandbox.smaregi.webhooks import SmaregiWebhooks

OPERATIONS: list[Operation] = (
    routes_masters.OPERATIONS
    + routes_products.OPERATIONS
    + routes_stock.OPERATIONS
    + routes_transactions.OPERATIONS
)

Line = tuple[str, int]


class SmaregiSandbox(Sandbox):
    """A stateful Smaregi POS simulator; ``app`` is the ASGI callable to serve."""

    def __init__(
        self,
        state: SmaregiState,
        clock: SandboxClock,
        faults: FaultInjector,
        rate_limiter: RateLimiter,
        webhooks: SmaregiWebhooks,
    ) -> None:
        super().__init__(clock, faults)
        self.state = state
        self.rate_limiter = rate_limiter
        self.webhooks = webhooks
        self.delivery = webhooks.delivery
        self.seeded_sales = 0
        """How many past sales :meth:`reset` seeds after the catalogue (with ``seeded_sales_seed``)."""
        self.seeded_sales_seed = 0
        self._operations = [(self._operation_route(operation), operation) for operation in OPERATIONS]
        self._token_route = Route(TOKEN_PATH, self._token_endpoint, methods=["POST"])
        api = Starlette(
            routes=[*smaregi_hook_routes(self), self._token_route, *(route for route, _ in self._operations)],
            exception_handlers={ApiProblem: _problem_answer, HTTPException: _http_problem},
        )
        self.app = _without_trailing_slash(
            FaultMiddleware(cast(ASGIApp, api), faults, self.classify, _throttled, _server_error)
        )

    @classmethod
    def create(
        cls,
        *,
        contract_id: str = credentials.SMAREGI_CONTRACT_ID,
        sales: int = 0,
        reads_per_second: float | None = None,
        writes_per_second: float | None = None,
        **options: Unpack[SandboxOptions],
    ) -> SmaregiSandbox:
        """A sandbox seeded as ``options`` say (:class:`~smapify_pipeline.sandbox.lifecycle.SandboxOptions`),
        plus ``sales`` past sales."""
        setup = SandboxSetup.of(options)
        clock = setup.clock
        state = SmaregiState(clock, contract_id)
        limiter = RateLimiter(clock)
        if reads_per_second is not None or writes_per_second is not None:
            limiter.configure(
                reads_per_second or limiter.reads_per_second, writes_per_second or limiter.writes_per_second
            )
        sandbox = cls(state, clock, setup.faults, limiter, SmaregiWebhooks(state, clock))
        sandbox.seed(setup.catalogue, sales=sales, seed=setup.seed)
        return sandbox

    # -- lifecycle ------------------------------------------------------------------------------------

    def seed(self, catalogue: Catalogue, sales: int = 0, seed: int = 0) -> None:
        """Reset to ``catalogue`` plus ``sales`` seeded past sales (drawn with ``seed``)."""
        self.seeded_sales, self.seeded_sales_seed = sales, seed
        super().seed(catalogue)

    def _locked(self) -> AbstractContextManager[Any]:
        return self.state.lock

    def _clear(self) -> None:
        self.state.clear()
        self.rate_limiter.reset()

    def _fill(self, catalogue: Catalogue) -> None:
        seed_catalogue(self.state, catalogue)
        if self.seeded_sales:
            seed_sales(self.state, generate_sales(catalogue, self.seeded_sales, seed=self.seeded_sales_seed))

    def snapshot(self) -> Snapshot:
        return self.state.snapshot()

    def load(self, snapshot: Snapshot) -> None:
        self.state.load(snapshot)

    # -- register and merchant actions (the test hooks) ------------------------------------------------

    def ring_up_sale(
        self, store_id: str, lines: list[Line], at: datetime | None = None, terminal_id: str = "1"
    ) -> str:
        """A POS sale of (productId or productCode, quantity) lines at list price; returns transactionHeadId."""
        return register.ring_up_sale(
            self.state, store_id, [RegisterLine(p, q) for p, q in lines], at, terminal_id
        )

    def ring_up_discounted_sale(
        self, store_id: str, lines: list[tuple[str, int, int]], subtotal_discount: int = 0
    ) -> str:
        """A POS sale of (productId or productCode, quantity, unit discount in yen) lines at list price, with a
        小計値引 of ``subtotal_discount`` yen; returns transactionHeadId."""
        return register.ring_up_sale(
            self.state,
            store_id,
            [RegisterLine(p, q, unit_discount_price=d) for p, q, d in lines],
            subtotal_discount=subtotal_discount,
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
        self.delivery.set_duplicates(duplicates, seed)
        self.delivery.set_reorder(reorder, seed)

    # -- HTTP -----------------------------------------------------------------------------------------

    def classify(self, scope: Scope, body: bytes) -> tuple[str, bool] | None:
        """The operation a request calls, for the fault plan (hooks and, unless named, tokens get none)."""
        if self._token_route.matches(scope)[0] is Match.FULL:
            operations = self.faults.plan.operations
            return (TOKEN_OPERATION, False) if operations and TOKEN_OPERATION in operations else None
        for route, operation in self._operations:
            if route.matches(scope)[0] is Match.FULL:
                return operation.name, operation.is_write
        return None

    async def _token_endpoint(self, request: Request) -> Response:
        self.run_before(TOKEN_OPERATION)
        authorization = request.headers.get("authorization")
        answer = issue_token(self.state, request.path_params["contract"], authorization, await request.body())
        return _json(200, answer)

    def _operation_route(self, operation: Operation) -> Route:
        async def endpoint(request: Request) -> Response:
            return self._answer(operation, request, await request.body())

        return Route(API_PREFIX + operation.template, endpoint, methods=[operation.method])

    def _answer(self, operation: Operation, request: Request, body: bytes) -> Response:
        state = self.state
        params = dict(request.path_params)
        contract_id = params.pop("contract")
        self.run_before(operation.name)
        wait = self.rate_limiter.take(contract_id, operation.is_write)
        if wait is not None:
            raise too_many_requests(wait)
        authorize(state, contract_id, request.headers.get("authorization"), operation.scope)
        query = dict(
            parse_qsl(request.scope.get("query_string", b"").decode("utf-8"), keep_blank_values=True)
        )
        parsed: Any = None
        if body.strip():
            try:
                parsed = json.loads(body)
            except ValueError as exc:
                raise bad_request("リクエストボディのJSONが不正です") from exc
        with state.lock:
            result: Answer = operation.handler(Call(state, params, query, parsed))
        if result.empty or result.payload is None:
            return Response(status_code=result.status)
        return _json(result.status, result.payload)


def _json(status: int, payload: Any) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False), status_code=status, media_type="application/json"
    )


async def _problem_answer(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiProblem)
    status, headers, body = exc.render()
    return Response(body, status_code=status, headers={k.decode(): v.decode() for k, v in headers})


async def _http_problem(request: Request, exc: Exception) -> Response:
    """Starlette's routing misses as Smaregi answers them: 405 for a known path, else an unknown path's 404."""
    assert isinstance(exc, HTTPException)
    return await _problem_answer(request, method_not_allowed() if exc.status_code == 405 else unknown_path())


async def _throttled(operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return too_many_requests(1).render()


async def _server_error(operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    return server_error_problem().render()


def _without_trailing_slash(app: ASGIApp) -> ASGIApp:
    """``/pos/stock/`` is ``/pos/stock``: Smaregi answers both, where Starlette would redirect."""

    async def strip(scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await app(scope, receive, send)

    return strip
