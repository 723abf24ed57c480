"""The Shopify sandbox as one object: state, clock, cost bucket, bulk operations, webhooks, faults, ASGI app.

Routes (Shopify's):

* ``POST /admin/api/{version}/graphql.json`` — the Admin GraphQL API, ``X-Shopify-Access-Token`` required;
* ``GET /admin/api/{version}/shop.json`` — the legacy REST shop resource (``?fields=`` honoured);
* ``POST /admin/oauth/access_token`` — the client-credentials grant (form or JSON body);
* ``GET /bulk-results/{id}.jsonl`` — where a finished bulk operation's ``url`` points.

plus the test hooks under ``/_sandbox/`` (:mod:`.hooks`). Every answer carries a fresh ``X-Request-Id``;
API answers carry ``X-Shopify-API-Version`` naming the version that served them (:mod:`.versions`: a retired
version falls forward to the oldest supported one, an unknown one is a 404), and a bulk result download the
version of the request that created the operation. Every GraphQL answer carries ``extensions.cost``; the
requested cost is checked against the 1000-point ceiling and debited from the bucket before execution, and
the part the result did not use (fewer nodes than asked, null objects) is refunded after, so the bucket pays
the actual cost.
"""

from __future__ import annotations

import contextvars
import json
import re
import secrets
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, Unpack, cast
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.delivery import WebhookDelivery
from smapify_pipeline.sandbox.faults import ASGIApp, FaultInjector, FaultMiddleware, Scope
from smapify_pipeline.sandbox.lifecycle import Sandbox, SandboxOptions, SandboxSetup, Snapshot
from smapify_pipeline.sandbox.seed import Catalogue
from smapify_pipeline.sandbox.shopify import choices, cost, merchant
from smapify_pipeline.sandbox.shopify.bulk import BulkOperation, BulkOperations, finish_payload
from smapify_pipeline.sandbox.shopify.common import RequestContext
from smapify_pipeline.sandbox.shopify.discounts import CheckoutDiscount
from smapify_pipeline.sandbox.shopify.hooks import shopify_hook_routes
from smapify_pipeline.sandbox.shopify.payloads import shop_payload
from smapify_pipeline.sandbox.shopify.request_ids import with_request_ids
from smapify_pipeline.sandbox.shopify.root import Executor, PreparedDocument
from smapify_pipeline.sandbox.shopify.schema import load_schema
from smapify_pipeline.sandbox.shopify.seeding import seed_catalogue
from smapify_pipeline.sandbox.shopify.state import (
    Location,
    Product,
    ShopState,
    Variant,
)
from smapify_pipeline.sandbox.shopify.versions import served_version
from smapify_pipeline.sandbox.shopify.webhooks import ShopifyWebhooks

INVALID_TOKEN_BODY = {
    "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
}
NOT_FOUND_BODY = {"errors": "Not Found"}
GRAPHQL_PATH = re.compile(r"^/admin/api/(?P<version>[^/]+)/graphql\.json$")
ACCESS_SCOPES = ",".join(choices.ACCESS_SCOPES)

_request_document: contextvars.ContextVar[
    tuple[PreparedDocument, dict[str, Any] | None, str | None] | None
] = contextvars.ContextVar("shopify_sandbox_request_document", default=None)
_serving_version: contextvars.ContextVar[str] = contextvars.ContextVar(
    "shopify_sandbox_serving_version", default=choices.API_VERSION
)
"""The API version answering the current request (set by the GraphQL endpoint and the fault classifier)."""


class Checkout(TypedDict, total=False):
    """The options of a storefront sale (:func:`.merchant.storefront_sale` has their defaults)."""

    location: str | int | None
    shipping: int | Decimal | None
    fulfilled: bool
    email: str | None
    discounts: list[CheckoutDiscount] | None


@dataclass
class GraphQLAnswer:
    status: int
    body: dict[str, Any]


class ShopifySandbox(Sandbox):
    """A stateful Shopify shop behind Shopify's Admin API, for tests and the demo."""

    def __init__(
        self,
        *,
        catalogue: Catalogue | None,
        clock: SandboxClock,
        faults: FaultInjector,
        bucket_size: float = cost.DEFAULT_BUCKET_SIZE,
        restore_rate: float = cost.DEFAULT_RESTORE_RATE,
    ) -> None:
        super().__init__(clock, faults, catalogue)
        self.schema = load_schema()
        self.state = ShopState(clock)
        self.state.shop.domain = credentials.SHOPIFY_SHOP_DOMAIN
        self.bucket = cost.CostBucket(clock, bucket_size, restore_rate)
        self.executor = Executor(self.schema)
        self.base_url = f"http://127.0.0.1:{credentials.SHOPIFY_PORT}"
        self.delivery = WebhookDelivery(clock)
        self.webhooks = ShopifyWebhooks(
            self.delivery,
            credentials.SHOPIFY_CLIENT_SECRET,
            self.state.shop.domain,
            choices.API_VERSION,
            clock,
        )
        self.state.sink = self.webhooks.emit
        self.bulk = BulkOperations(
            clock,
            execute_all=self.execute_all,
            result_url=lambda number: f"{self.base_url}/bulk-results/{number}.jsonl",
            on_finish=self._bulk_finished,
            api_version=_serving_version.get,
        )
        self.tokens: dict[str, float] = {}
        if catalogue is not None:
            seed_catalogue(self.state, catalogue)
        self.app = with_request_ids(
            FaultMiddleware(
                cast(ASGIApp, self._starlette()),
                faults,
                self._classify,
                self._throttled_answer,
                self._server_error_answer,
            )
        )

    @classmethod
    def create(
        cls,
        *,
        bucket_size: float = cost.DEFAULT_BUCKET_SIZE,
        restore_rate: float = cost.DEFAULT_RESTORE_RATE,
        **options: Unpack[SandboxOptions],
    ) -> ShopifySandbox:
        """A shop seeded as ``options`` say (:class:`~smapify_pipeline.sandbox.lifecycle.SandboxOptions`)."""
        setup = SandboxSetup.of(options)
        return cls(
            catalogue=setup.catalogue,
            clock=setup.clock,
            faults=setup.faults,
            bucket_size=bucket_size,
            restore_rate=restore_rate,
        )

    # ------------------------------------------------------------------------------------------ GraphQL

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        api_version: str = choices.API_VERSION,
    ) -> GraphQLAnswer:
        """Answer one GraphQL request exactly as the HTTP endpoint does (after auth), as ``api_version``."""
        token = _serving_version.set(api_version)
        try:
            return self._graphql(query, variables, operation_name)
        finally:
            _serving_version.reset(token)

    def _graphql(
        self, query: str, variables: dict[str, Any] | None, operation_name: str | None
    ) -> GraphQLAnswer:
        prepared = self.executor.prepare(query)
        if prepared.errors or prepared.document is None:
            return GraphQLAnswer(
                200,
                {
                    "errors": [e.formatted for e in prepared.errors],
                    "extensions": {"cost": cost.cost_extension(0, 0, self.bucket.status())},
                },
            )
        try:
            requested = cost.requested_query_cost(self.schema, prepared.document, variables, operation_name)
        except Exception:  # bad variables: execution reports them with Shopify's wording
            requested = 0
        if requested > cost.MAX_SINGLE_QUERY_COST:
            return GraphQLAnswer(200, cost.max_cost_exceeded_response(requested, self.bucket.status()))
        if not self.bucket.take(requested):
            return GraphQLAnswer(200, cost.throttled_response(requested, self.bucket.status()))
        root_field = prepared.root_field(operation_name)
        if root_field is not None:
            self.run_before(root_field[0])
        context = RequestContext(self.state, self)
        result = self.executor.execute(prepared, context, variables, operation_name)
        actual = min(
            requested,
            cost.actual_query_cost(self.schema, prepared.document, variables, operation_name, result.data),
        )
        self.bucket.refund(requested - actual)
        body: dict[str, Any] = {}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        body["data"] = result.data
        extensions: dict[str, Any] = {"cost": cost.cost_extension(requested, actual, self.bucket.status())}
        if context.search:
            extensions["search"] = context.search
        body["extensions"] = extensions
        return GraphQLAnswer(200, body)

    def execute_all(self, query: str) -> dict[str, Any]:
        """Run a bulk query over the whole state, every connection unpaged (for :class:`BulkOperations`)."""
        prepared = self.executor.prepare(query)
        result = self.executor.execute(prepared, RequestContext(self.state, self, unlimited=True))
        if result.errors:
            raise RuntimeError(result.errors[0].message)
        return result.data or {}

    def _bulk_finished(self, operation: BulkOperation) -> None:
        self.webhooks.emit("bulk_operations/finish", finish_payload(operation))

    # ------------------------------------------------------------------------------------------ auth

    def issue_token(self) -> tuple[str, int]:
        token = f"shpat_{secrets.token_hex(16)}"
        self.tokens[token] = self.clock.monotonic() + choices.TOKEN_LIFETIME_SECONDS
        return token, choices.TOKEN_LIFETIME_SECONDS

    def token_valid(self, token: str | None) -> bool:
        if not token:
            return False
        if secrets.compare_digest(token, credentials.SHOPIFY_ACCESS_TOKEN):
            return True
        expires = self.tokens.get(token)
        return expires is not None and self.clock.monotonic() < expires

    # ------------------------------------------------------------------------------------------ lifecycle

    def _locked(self) -> AbstractContextManager[Any]:
        return self.state.lock

    def _clear(self) -> None:
        domain = self.state.shop.domain
        self.state.reset()
        self.state.shop.domain = domain
        self.bucket.refill()

    def _fill(self, catalogue: Catalogue) -> None:
        seed_catalogue(self.state, catalogue)

    def snapshot(self) -> Snapshot:
        return self.state.snapshot()

    def load(self, snapshot: Snapshot) -> None:
        self.state.load(snapshot)

    # ------------------------------------------------------------------------------------------ admin

    def location(self, ref: str | int) -> Location:
        """A location by gid, numeric id, index (0, 1, …) or name."""
        return merchant.find_location(self.state, ref)

    def variant(self, ref: str) -> Variant:
        """A variant by gid or SKU."""
        return merchant.find_variant(self.state, ref)

    def product(self, ref: str) -> Product:
        """A product by gid, handle, or the SKU of one of its variants."""
        return merchant.find_product(self.state, ref)

    def storefront_sale(self, lines: list[tuple[str, int]], **checkout: Unpack[Checkout]) -> str:
        """An online order as checkout makes it; returns its gid (:func:`.merchant.storefront_sale`)."""
        return merchant.storefront_sale(self.state, lines, **checkout)

    def manual_stock_edit(self, sku: str, location: str | int, available: int) -> int:
        """The merchant types a new ``available`` count in the admin; returns the previous count."""
        return merchant.manual_stock_edit(self.state, sku, location, available)

    def admin_product_edit(self, ref: str, **changes: Any) -> None:
        """Edit a product as in the admin (:func:`.merchant.admin_product_edit`)."""
        merchant.admin_product_edit(self.state, ref, **changes)

    def admin_product_create(
        self,
        title: str,
        sku: str,
        price: int | Decimal,
        stock: dict[str | int, int] | None = None,
        **fields: Any,
    ) -> str:
        """A one-variant product made in the admin (``stock`` by location ref); returns the product gid."""
        return merchant.admin_product_create(self.state, title, sku, price, stock, **fields)

    def admin_product_delete(self, ref: str) -> str:
        return merchant.admin_product_delete(self.state, ref)

    # ------------------------------------------------------------------------------------------ ASGI

    def _classify(self, scope: Scope, body: bytes) -> tuple[str, bool] | None:
        path = GRAPHQL_PATH.match(scope.get("path", ""))
        if scope.get("method") != "POST" or path is None:
            return None
        version = served_version(path["version"])
        if version is None:
            return None
        _serving_version.set(version)
        query, variables, operation_name = _graphql_request(scope, body)
        if query is None:
            return ("graphql", False)
        prepared = self.executor.prepare(query)
        _request_document.set((prepared, variables, operation_name))
        return prepared.root_field(operation_name) or ("graphql", False)

    async def _throttled_answer(self, operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        requested = 0
        request = _request_document.get()
        if request is not None and request[0].document is not None and not request[0].errors:
            try:
                requested = cost.requested_query_cost(
                    self.schema, request[0].document, request[1], request[2]
                )
            except Exception:
                requested = 0
        body = json.dumps(cost.throttled_response(requested, self.bucket.status())).encode()
        return 200, _api_headers(), body

    async def _server_error_answer(self, operation: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        return 503, _api_headers(), choices.SERVER_ERROR_BODY

    def _starlette(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/admin/api/{version}/graphql.json", self._graphql_endpoint, methods=["POST"]),
                Route("/admin/api/{version}/shop.json", self._shop_json, methods=["GET"]),
                Route("/admin/oauth/access_token", self._access_token, methods=["POST"]),
                Route("/bulk-results/{number}.jsonl", self._bulk_result, methods=["GET"]),
                *shopify_hook_routes(self),
            ]
        )

    def _admit(self, request: Request) -> str | Response:
        """The version serving an API request, or the 404/401 answer that refuses it."""
        version = served_version(request.path_params["version"])
        if version is None:
            return JSONResponse(NOT_FOUND_BODY, status_code=choices.UNSERVED_VERSION_STATUS)
        if not self.token_valid(request.headers.get("x-shopify-access-token")):
            return JSONResponse(INVALID_TOKEN_BODY, status_code=401, headers=_header_dict(version))
        return version

    async def _graphql_endpoint(self, request: Request) -> Response:
        version = self._admit(request)
        if isinstance(version, Response):
            return version
        self.base_url = f"{request.url.scheme}://{request.url.netloc}"
        query, variables, operation_name = _graphql_request(request.scope, await request.body())
        if query is None:
            return JSONResponse(
                {"errors": [{"message": "No query string was present"}]},
                status_code=400,
                headers=_header_dict(version),
            )
        answer = await run_in_threadpool(self.graphql, query, variables, operation_name, version)
        return Response(
            json.dumps(answer.body, ensure_ascii=False, separators=(",", ":")),
            status_code=answer.status,
            media_type="application/json",
            headers=_header_dict(version),
        )

    async def _shop_json(self, request: Request) -> Response:
        version = self._admit(request)
        if isinstance(version, Response):
            return version
        shop = shop_payload(self.state)
        wanted = request.query_params.get("fields")
        if wanted:
            names = {n.strip() for n in wanted.split(",")}
            shop = {k: v for k, v in shop.items() if k in names}
        return JSONResponse({"shop": shop}, headers=_header_dict(version))

    async def _access_token(self, request: Request) -> Response:
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                form: dict[str, Any] = json.loads(await request.body() or b"{}")
            except json.JSONDecodeError:
                form = {}
        else:
            pairs = parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True)
            form = dict(pairs)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse(
                {
                    "error": "unsupported_grant_type",
                    "error_description": "Only client_credentials is supported.",
                },
                status_code=400,
            )
        client_ok = secrets.compare_digest(str(form.get("client_id", "")), credentials.SHOPIFY_CLIENT_ID)
        secret_ok = secrets.compare_digest(
            str(form.get("client_secret", "")), credentials.SHOPIFY_CLIENT_SECRET
        )
        if not (client_ok and secret_ok):
            return JSONResponse(choices.INVALID_CLIENT_BODY, status_code=400)
        token, lifetime = self.issue_token()
        return JSONResponse({"access_token": token, "scope": ACCESS_SCOPES, "expires_in": lifetime})

    async def _bulk_result(self, request: Request) -> Response:
        data, version = self.bulk.result(request.path_params["number"])
        headers = _header_dict(version) if version is not None else None
        if data is None:
            return Response(
                b"<Error><Code>NoSuchKey</Code></Error>",
                status_code=404,
                media_type="application/xml",
                headers=headers,
            )
        return Response(data, media_type="application/jsonl", headers=headers)


def _graphql_request(
    scope: Mapping[str, Any], body: bytes
) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """(query, variables, operationName) from a JSON body or an ``application/graphql`` one."""
    headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
    if headers.get("content-type", "").startswith("application/graphql"):
        return body.decode("utf-8", "replace"), None, None
    try:
        payload = json.loads(body or b"{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, None, None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None, None, None
    variables = payload.get("variables")
    return payload["query"], variables if isinstance(variables, dict) else None, payload.get("operationName")


def _header_dict(version: str) -> dict[str, str]:
    return {"X-Shopify-API-Version": version}


def _api_headers() -> list[tuple[bytes, bytes]]:
    """Headers of a fault's answer, labelled with the version the classifier resolved for the request."""
    return [
        (b"content-type", b"application/json"),
        (b"x-shopify-api-version", _serving_version.get().encode()),
    ]
