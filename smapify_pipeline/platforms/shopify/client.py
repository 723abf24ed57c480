"""Shopify Admin GraphQL client over httpx.

* Endpoint ``{shop_url}/admin/api/{api_version}/graphql.json`` with a pinned version; an answer whose
  ``X-Shopify-API-Version`` differs (Shopify silently falls forward from retired versions) is logged once.
* Token: static, or client-credentials renewed before expiry and after a 401 (:mod:`.auth`).
* Pacing from ``extensions.cost.throttleStatus`` (:mod:`.pacing`), so throttling is the exception.
* Retries with exponential backoff and jitter on transport errors, 5xx, 429 and ``THROTTLED``.

Which failures a mutation may be retried after (choices, kept here so they can be corrected):

* ``THROTTLED`` and HTTP 429 mean Shopify did not run the request: every operation is retried.
* A connection that never opened (connect error/timeout) proves nothing was sent: every operation is retried.
* Anything after the request may have reached Shopify — a dropped connection, a read timeout, **any 5xx** —
  leaves a mutation's outcome unknown. A mutation is retried then only if it carries ``@idempotent(key:)``
  (same query, same variables, so Shopify answers with the first result); otherwise the client raises
  :class:`OutcomeUnknown` at once and the caller must look for its marker before writing again. A 503 from
  Shopify probably means nothing ran, but "probably" is not enough for exactly-once.
* ``IDEMPOTENCY_CONCURRENT_REQUEST`` (the first attempt with this key is still running) is retried with the
  same key after a backoff.
* ``userErrors`` are raised as :class:`ShopifyUserError`; other top-level ``errors`` as :class:`GraphQLError`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from smapify_pipeline.platforms.http import (
    RESEND,
    USER_AGENT,
    Attempt,
    Call,
    Clock,
    Resend,
    RetryingClient,
    RetryPolicy,
    body_excerpt,
    verified_tls,
)
from smapify_pipeline.platforms.shopify.auth import ClientCredentialsToken, StaticToken, TokenProvider
from smapify_pipeline.platforms.shopify.errors import (
    AccessDenied,
    AuthError,
    GraphQLError,
    MaxCostExceeded,
    OutcomeUnknown,
    ShopifyError,
    ShopifyHTTPError,
    ShopifyUserError,
    ThrottledError,
    UserErrorDetail,
)
from smapify_pipeline.platforms.shopify.operation import OperationInfo, operation_info
from smapify_pipeline.platforms.shopify.pacing import CostPacer

logger = logging.getLogger(__name__)

DEFAULT_API_VERSION = "2026-10"
DEFAULT_COST_ESTIMATE = 10.0
"""Cost assumed for a query never sent before (a mutation's default cost); replaced by the real
``requestedQueryCost`` after the first answer."""

RETRY_WITH_SAME_KEY = frozenset({"IDEMPOTENCY_CONCURRENT_REQUEST"})


class ShopifyClient(RetryingClient):
    """One shop, one pinned API version. Thread-safe: share one instance between threads."""

    platform = "shopify"
    error = ShopifyError
    logger = logger

    def __init__(
        self,
        shop_url: str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        access_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_provider: TokenProvider | None = None,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        pacer: CostPacer | None = None,
        clock: Clock = time.monotonic,
        timeout: float = 60.0,
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self.api_version = api_version
        self.endpoint = f"{self.shop_url}/admin/api/{api_version}/graphql.json"
        super().__init__(retry)
        self.pacer = pacer or CostPacer(clock=clock, sleep=self.retry.sleep)
        self._http = httpx.Client(
            transport=transport,
            verify=verified_tls(),
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        if token_provider is not None:
            self.auth: TokenProvider = token_provider
        elif access_token:
            self.auth = StaticToken(access_token)
        elif client_id and client_secret:
            self.auth = ClientCredentialsToken(
                self.shop_url, client_id, client_secret, http=self._http, clock=clock, retry=self.retry
            )
        else:
            raise ValueError("give access_token, client_id and client_secret, or token_provider")
        self._estimates: dict[str, float] = {}
        self._warned_versions: set[str] = set()
        self.last_cost: Mapping[str, Any] | None = None

    # -- public API ------------------------------------------------------------------------------------

    def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        idempotent: bool = False,
        raise_user_errors: bool = True,
    ) -> dict[str, Any]:
        """Run one query or mutation and return its ``data``.

        ``idempotent=True`` declares that the mutation carries ``@idempotent(key:)`` and may be resent with the
        same variables; it is checked against the document. A mutation without it is never resent once it
        may have reached Shopify (:class:`OutcomeUnknown`).
        """
        info = operation_info(query)
        if idempotent and info.is_mutation and not info.idempotent:
            raise ValueError(
                f"{info.name}: idempotent=True but the mutation carries no @idempotent(key:) directive"
            )
        payload: dict[str, Any] = {"query": query}
        if variables:
            payload["variables"] = dict(variables)

        def send(token: str) -> httpx.Response:
            response = self._http.post(self.endpoint, json=payload, headers={"X-Shopify-Access-Token": token})
            self._check_version(response)
            return response

        def read(response: httpx.Response, attempt: Attempt) -> dict[str, Any] | Resend:
            return self._read(response, attempt, query, info, idempotent, raise_user_errors)

        return self._send(
            Call(
                operation=info.name,
                send=send,
                read=read,
                writes=info.is_mutation,
                may_resend=not info.is_mutation or idempotent,
                pace=lambda: self.pacer.acquire(self._estimate(query)),
            )
        )

    def paginate(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        path: str | Sequence[str] = (),
        *,
        cursor_variable: str = "after",
        page_size_variable: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield every node of the connection at ``path`` (``"products"``, ``"product.variants"``).

        The query must take ``$after`` (``cursor_variable``) and select ``pageInfo { hasNextPage endCursor }``
        and ``nodes`` or ``edges { node }`` on that connection. With ``page_size_variable`` (e.g. ``"first"``,
        given in ``variables``), a page refused with ``MAX_COST_EXCEEDED`` is asked again at half the size.
        """
        keys = path.split(".") if isinstance(path, str) else list(path)
        page_variables = dict(variables or {})
        while True:
            try:
                data = self.execute(query, page_variables)
            except MaxCostExceeded:
                size = page_variables.get(page_size_variable) if page_size_variable else None
                if not isinstance(size, int) or size <= 1:
                    raise
                page_variables[page_size_variable] = size // 2  # type: ignore[index]
                logger.info("shopify %s: query too costly, page size now %d", path, size // 2)
                continue
            connection: Any = data
            for key in keys:
                connection = connection.get(key) if isinstance(connection, dict) else None
            if connection is None:
                return
            if "nodes" in connection:
                yield from connection["nodes"]
            else:
                yield from (edge["node"] for edge in connection.get("edges", []))
            page_info = connection.get("pageInfo")
            if page_info is None:
                raise ValueError(f"the connection at {'.'.join(keys)} must select pageInfo to be paginated")
            if not page_info.get("hasNextPage"):
                return
            page_variables[cursor_variable] = page_info["endCursor"]

    def close(self) -> None:
        self._http.close()

    # -- internals -------------------------------------------------------------------------------------

    def _read(
        self,
        response: httpx.Response,
        attempt: Attempt,
        query: str,
        info: OperationInfo,
        idempotent: bool,
        raise_user_errors: bool,
    ) -> dict[str, Any] | Resend:
        """The ``data`` of an answer, or :data:`RESEND` after a throttle or a concurrent idempotent request."""
        status = response.status_code
        if status in (401, 403):
            raise AuthError(f"{info.name}: HTTP {status} {body_excerpt(response)}")
        if status == 429:
            raise ThrottledError(f"{info.name}: HTTP 429 after {attempt.number} attempts")
        if status != 200:
            raise ShopifyHTTPError(status, body_excerpt(response))
        try:
            body = response.json()
        except ValueError:
            raise ShopifyHTTPError(status, "answer is not JSON: " + body_excerpt(response)) from None

        self._observe_cost(query, (body.get("extensions") or {}).get("cost"))
        errors = body.get("errors")
        if errors:
            codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
            if "THROTTLED" in codes:
                self._count_throttled(info.name)
                if attempt.last:
                    raise ThrottledError(f"{info.name}: THROTTLED after {attempt.number} attempts")
                if self.pacer.delay_for(self._estimate(query)) <= 0:
                    attempt.back_off()
                return RESEND
            if "MAX_COST_EXCEEDED" in codes:
                raise MaxCostExceeded(errors, body.get("data"))
            if "ACCESS_DENIED" in codes:
                raise AccessDenied(errors, body.get("data"))
            raise GraphQLError(errors, body.get("data"))
        data = body.get("data") or {}
        if info.is_mutation:
            user_error = _user_error(info, data)
            if user_error is not None:
                if idempotent and not attempt.last and set(user_error.codes) & RETRY_WITH_SAME_KEY:
                    attempt.back_off()
                    return RESEND
                if raise_user_errors:
                    raise user_error
        return data

    def _outcome_unknown(self, call: Call[Any], cause: str) -> OutcomeUnknown:
        return OutcomeUnknown(call.operation, cause, idempotent=call.may_resend)

    def _estimate(self, query: str) -> float:
        return self._estimates.get(query, DEFAULT_COST_ESTIMATE)

    def _observe_cost(self, query: str, cost: Mapping[str, Any] | None) -> None:
        if not cost:
            return
        self.last_cost = cost
        self.pacer.observe(cost)
        requested = cost.get("requestedQueryCost")
        if isinstance(requested, int | float):
            self._estimates[query] = float(requested)

    def _check_version(self, response: httpx.Response) -> None:
        served = response.headers.get("X-Shopify-API-Version")
        if served and served != self.api_version and served not in self._warned_versions:
            self._warned_versions.add(served)
            logger.warning(
                "Shopify answered with API version %s, not the pinned %s (the pinned version may be retired)",
                served,
                self.api_version,
            )

    @property
    def served_versions(self) -> frozenset[str]:
        """Versions other than the pinned one that Shopify answered with."""
        return frozenset(self._warned_versions)


def _user_error(info: OperationInfo, data: Mapping[str, Any]) -> ShopifyUserError | None:
    """The first root payload with a non-empty ``userErrors`` (or ``<x>UserErrors``) list."""
    for key, payload in data.items():
        if not isinstance(payload, dict):
            continue
        for field, value in payload.items():
            if (field == "userErrors" or field.endswith("UserErrors")) and value:
                details = [UserErrorDetail.from_json(e) for e in value]
                return ShopifyUserError(key, details, payload)
    return None
