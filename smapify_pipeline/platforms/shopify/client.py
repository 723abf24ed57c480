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
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import httpx

from smapify_pipeline.platforms.http import (
    USER_AGENT,
    Clock,
    Closing,
    RetryPolicy,
    body_excerpt,
    parse_retry_after,
    reached_server,
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


class ShopifyClient(Closing):
    """One shop, one pinned API version. Thread-safe: share one instance between threads."""

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
        self.retry = retry or RetryPolicy()
        self.pacer = pacer or CostPacer(clock=clock, sleep=self.retry.sleep)
        self._http = httpx.Client(
            transport=transport,
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
        self._lock = threading.Lock()
        self._estimates: dict[str, float] = {}
        self._warned_versions: set[str] = set()
        self.calls: Counter[str] = Counter()
        """HTTP calls sent, by operation (first root field), retries included."""
        self.throttled: Counter[str] = Counter()
        """``THROTTLED``/429 answers received, by operation."""
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
        may_resend = not info.is_mutation or idempotent
        payload: dict[str, Any] = {"query": query}
        if variables:
            payload["variables"] = dict(variables)
        auth_renewed = False
        attempt = 0
        while True:
            attempt += 1
            last_attempt = attempt >= self.retry.max_attempts
            self.pacer.acquire(self._estimates.get(query, DEFAULT_COST_ESTIMATE))
            token = self.auth.token()
            with self._lock:
                self.calls[info.name] += 1
            try:
                response = self._http.post(
                    self.endpoint, json=payload, headers={"X-Shopify-Access-Token": token}
                )
            except httpx.TransportError as error:
                cause = f"{type(error).__name__}: {error}"
                if info.is_mutation and reached_server(error) and (not may_resend or last_attempt):
                    raise OutcomeUnknown(info.name, cause, idempotent=idempotent) from error
                if last_attempt:
                    raise ShopifyError(f"{info.name}: transport failed {attempt} times: {cause}") from error
                logger.info("shopify %s: %s, retrying (attempt %d)", info.name, cause, attempt)
                self.retry.wait(attempt)
                continue

            self._check_version(response)
            status = response.status_code
            if status in (401, 403):
                if status == 401 and not auth_renewed and self.auth.invalidate(token):
                    auth_renewed = True
                    attempt -= 1
                    continue
                raise AuthError(f"{info.name}: HTTP {status} {body_excerpt(response)}")
            if status == 429:
                with self._lock:
                    self.throttled[info.name] += 1
                if last_attempt:
                    raise ThrottledError(f"{info.name}: HTTP 429 after {attempt} attempts")
                self.retry.wait(
                    attempt, at_least=parse_retry_after(response.headers.get("Retry-After")) or 0.0
                )
                continue
            if status >= 500:
                cause = f"HTTP {status}"
                if info.is_mutation and (not may_resend or last_attempt):
                    raise OutcomeUnknown(info.name, cause, idempotent=idempotent)
                if last_attempt:
                    raise ShopifyHTTPError(status, body_excerpt(response))
                logger.info("shopify %s: %s, retrying (attempt %d)", info.name, cause, attempt)
                self.retry.wait(attempt)
                continue
            if status != 200:
                raise ShopifyHTTPError(status, body_excerpt(response))
            try:
                body = response.json()
            except ValueError:
                raise ShopifyHTTPError(status, "answer is not JSON: " + body_excerpt(response)) from None

            cost = (body.get("extensions") or {}).get("cost")
            self._observe_cost(query, cost)
            errors = body.get("errors")
            if errors:
                codes = {(e.get("extensions") or {}).get("code") for e in errors if isinstance(e, dict)}
                if "THROTTLED" in codes:
                    with self._lock:
                        self.throttled[info.name] += 1
                    if last_attempt:
                        raise ThrottledError(f"{info.name}: THROTTLED after {attempt} attempts")
                    if self.pacer.delay_for(self._estimates.get(query, DEFAULT_COST_ESTIMATE)) <= 0:
                        self.retry.wait(attempt)
                    continue
                if "MAX_COST_EXCEEDED" in codes:
                    raise MaxCostExceeded(errors, body.get("data"))
                if "ACCESS_DENIED" in codes:
                    raise AccessDenied(errors, body.get("data"))
                raise GraphQLError(errors, body.get("data"))
            data = body.get("data") or {}
            if info.is_mutation:
                user_error = _user_error(info, data)
                if user_error is not None:
                    if idempotent and not last_attempt and set(user_error.codes) & RETRY_WITH_SAME_KEY:
                        self.retry.wait(attempt)
                        continue
                    if raise_user_errors:
                        raise user_error
            return data

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
