"""Smaregi Platform API (POS) client over httpx.

* Base ``{api_base_url}/{contract_id}/pos``; bearer token per contract from :mod:`.auth`, renewed before it
  expires and once after a 401.
* Reads and writes take from separate per-contract budgets (:mod:`.ratelimit`); a 429 pauses the budget for
  its ``Retry-After`` and the call is retried.
* Lists are bare JSON arrays without a count: pages are read until one is shorter than ``limit``; a ``Link:
  rel="next"`` header, if present, is followed instead.
* Reads can run several pages or windows at once on a thread pool (``max_concurrency``); the rate budget, not
  the pool, sets the pace, so enough workers keep the budget full despite latency.
* Values become typed on the way in and strings on the way out, in :mod:`.convert` only.

Retry choices (kept here so they can be corrected): 429 and connect failures are retried for every call (nothing
was done). After a 5xx or a transport error once the request may have reached Smaregi, GETs and calls marked
``idempotent`` are retried; others raise :class:`OutcomeUnknown` at once. By default PATCH, PUT and DELETE
count as idempotent (same body, same end state; a repeated DELETE may answer 404) and POST does not
(``POST /transactions`` and ``POST /stock/{id}/add`` would apply twice). A DELETE resent after an unknown
outcome that then answers 404 counts as done (the first one went through).

Listing ``with_details`` caps ``limit`` at 100 (Smaregi's rule for transactions, applied by the client).
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date, datetime
from functools import partialmethod
from typing import Any

import httpx

from smapify_pipeline.platforms.http import (
    USER_AGENT,
    Attempt,
    Call,
    Clock,
    RetryingClient,
    RetryPolicy,
    body_excerpt,
    verified_tls,
)
from smapify_pipeline.platforms.rate_limits import RATE_LIMITS
from smapify_pipeline.platforms.smaregi.auth import DEFAULT_SCOPES, SmaregiToken
from smapify_pipeline.platforms.smaregi.convert import from_smaregi, to_smaregi
from smapify_pipeline.platforms.smaregi.errors import OutcomeUnknown, SmaregiError, error_for_status
from smapify_pipeline.platforms.smaregi.ratelimit import ContractBudgets
from smapify_pipeline.platforms.smaregi.windows import MAX_WINDOW_DAYS, windows

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = 1000
MAX_LIMIT_WITH_DETAILS = 100
READ_METHODS = frozenset({"GET", "HEAD"})
IDEMPOTENT_METHODS = frozenset({*READ_METHODS, "PUT", "PATCH", "DELETE"})
_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


class SmaregiClient(RetryingClient):
    """One contract. Thread-safe: share one instance between threads."""

    platform = "smaregi"
    error = SmaregiError
    logger = logger

    def __init__(
        self,
        api_base_url: str,
        id_base_url: str,
        contract_id: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        reads_per_second: float = RATE_LIMITS["production"].smaregi_reads_per_second,
        writes_per_second: float = RATE_LIMITS["production"].smaregi_writes_per_second,
        max_concurrency: int = 8,
        clock: Clock = time.monotonic,
        timeout: float = 60.0,
    ) -> None:
        self.contract_id = contract_id
        self.base_url = f"{api_base_url.rstrip('/')}/{contract_id}/pos"
        super().__init__(retry)
        self.budgets = ContractBudgets.create(
            reads_per_second, writes_per_second, clock=clock, sleep=self.retry.sleep
        )
        self._http = httpx.Client(
            transport=transport,
            verify=verified_tls(),
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=max(10, max_concurrency * 2)),
        )
        self.auth = SmaregiToken(
            id_base_url,
            contract_id,
            client_id,
            client_secret,
            scopes,
            http=self._http,
            clock=clock,
            retry=self.retry,
        )
        self.max_concurrency = max(1, max_concurrency)
        self._pool: ThreadPoolExecutor | None = None

    @property
    def rate_limited(self) -> Counter[str]:
        """429 answers received, keyed like :attr:`calls` (``"GET /products/{id}"``)."""
        return self.throttled

    # -- reads -----------------------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """One object (or array) at ``path``, typed."""
        return from_smaregi(self._request("GET", path, params=params).json())

    def get_page(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        page: int = 1,
        limit: int = DEFAULT_LIMIT,
        typed: bool = True,
    ) -> list[dict[str, Any]]:
        limit = page_limit(params, limit)
        response = self._request("GET", path, params={**(params or {}), "limit": limit, "page": page})
        return _as_rows(_decode(response, typed), path)

    def get_list(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        typed: bool = True,
        parallel: bool = False,
    ) -> Iterator[dict[str, Any]]:
        """Every row of a list endpoint, page after page, until a short page (or no ``Link: rel=next``).

        ``typed=False`` leaves Smaregi's strings as they came: the extract types them column by column so
        that one bad value quarantines its record instead of failing the whole page. ``parallel=True`` reads
        up to ``max_concurrency`` pages at once (rows in the same order; ``Link`` headers are not followed).
        """
        if parallel:
            return self.get_lists_parallel(path, [params or {}], limit=limit, typed=typed)
        return self._pages(path, params, page_limit(params, limit), typed)

    get_list_parallel = partialmethod(get_list, parallel=True)

    def _pages(
        self, path: str, params: Mapping[str, Any] | None, limit: int, typed: bool
    ) -> Iterator[dict[str, Any]]:
        page = 1
        url: str | None = None
        while True:
            if url is None:
                response = self._request("GET", path, params={**(params or {}), "limit": limit, "page": page})
            else:
                response = self._request("GET", url)
            rows = _as_rows(_decode(response, typed), path)
            yield from rows
            next_link = response.links.get("next", {}).get("url")
            if next_link and rows:
                url = next_link
            elif len(rows) < limit:
                return
            else:
                page += 1
                url = None

    def get_lists_parallel(
        self,
        path: str,
        queries: Sequence[Mapping[str, Any]],
        *,
        limit: int = DEFAULT_LIMIT,
        typed: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Every row of several list queries of ``path`` (e.g. one per date window), query after query and
        page after page, with up to ``max_concurrency`` pages in flight.

        The first page of every query is asked for at once; further pages of a query only once one of its pages
        came back full, and then up to ``max_concurrency`` pages ahead. So a query that fits one page costs one
        call, and at most ``max_concurrency - 1`` calls past a long query's end are spent.
        """
        if not queries:
            return
        pool = self._executor()
        limits = [page_limit(query, limit) for query in queries]
        in_flight: dict[tuple[int, int], Future[list[dict[str, Any]]]] = {}
        next_page = [1] * len(queries)
        full_through = [0] * len(queries)
        ended: set[int] = set()
        # Pages asked for past a query's end: waited for at the end, so their calls belong to this read.
        past_end: list[Future[list[dict[str, Any]]]] = []

        def learn() -> None:
            for (query, page), future in in_flight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    if len(future.result()) < limits[query]:
                        ended.add(query)
                    else:
                        full_through[query] = max(full_through[query], page)

        def schedule() -> None:
            learn()
            for query in range(len(queries)):
                horizon = 1 if full_through[query] == 0 else full_through[query] + self.max_concurrency
                while (
                    len(in_flight) < self.max_concurrency
                    and query not in ended
                    and next_page[query] <= horizon
                ):
                    page = next_page[query]
                    in_flight[(query, page)] = pool.submit(
                        self.get_page, path, queries[query], page=page, limit=limits[query], typed=typed
                    )
                    next_page[query] = page + 1

        try:
            for query in range(len(queries)):
                page = 1
                while True:
                    schedule()
                    if (query, page) not in in_flight:
                        in_flight[(query, page)] = pool.submit(
                            self.get_page, path, queries[query], page=page, limit=limits[query], typed=typed
                        )
                        next_page[query] = max(next_page[query], page + 1)
                    rows = in_flight.pop((query, page)).result()
                    yield from rows
                    if len(rows) < limits[query]:
                        ended.add(query)
                        for stale in [key for key in in_flight if key[0] == query]:
                            past_end.append(in_flight.pop(stale))
                            past_end[-1].cancel()
                        break
                    full_through[query] = max(full_through[query], page)
                    page += 1
        finally:
            for future in in_flight.values():
                future.cancel()
            wait([*in_flight.values(), *past_end])

    def get_windowed(
        self,
        path: str,
        range_param: str,
        start: date | datetime,
        end: date | datetime,
        params: Mapping[str, Any] | None = None,
        *,
        limit: int = DEFAULT_LIMIT,
        max_days: int = MAX_WINDOW_DAYS,
        typed: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """Every row with ``range_param`` (``"upd_date_time"``) in ``[start, end]``, window by window (≤31 days),
        pages of all windows fetched in parallel and yielded in order."""
        queries = [
            {**(params or {}), f"{range_param}-from": span[0], f"{range_param}-to": span[1]}
            for span in windows(start, end, max_days)
        ]
        return self.get_lists_parallel(path, queries, limit=limit, typed=typed)

    def get_many(self, paths: Iterable[str], params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """GET several single resources in parallel (e.g. ``/transactions/{id}/details``), in input order."""
        pool = self._executor()
        futures = [pool.submit(self.get, path, params) for path in paths]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    # -- writes ----------------------------------------------------------------------------------------

    def post(self, path: str, body: Mapping[str, Any] | None = None, *, idempotent: bool = False) -> Any:
        return self._write("POST", path, body, idempotent)

    def patch(self, path: str, body: Mapping[str, Any] | None = None, *, idempotent: bool = True) -> Any:
        return self._write("PATCH", path, body, idempotent)

    def put(self, path: str, body: Mapping[str, Any] | None = None, *, idempotent: bool = True) -> Any:
        return self._write("PUT", path, body, idempotent)

    def delete(self, path: str, *, idempotent: bool = True) -> None:
        self._request("DELETE", path, idempotent=idempotent)

    def dispose_transaction(self, transaction_id: str, body: Mapping[str, Any] | None = None) -> Any:
        """打消 of a past sale: Smaregi books a negative copy (the answer) on the day of the reversal. Not
        idempotent; after a lost answer look for the record naming the sale in ``disposeServerTransactionHeadId``."""
        return self.post(f"/transactions/{transaction_id}/dispose", body or {})

    # -- plumbing --------------------------------------------------------------------------------------

    def _write(self, method: str, path: str, body: Mapping[str, Any] | None, idempotent: bool) -> Any:
        response = self._request(method, path, json=to_smaregi(dict(body or {})), idempotent=idempotent)
        if not response.content.strip():
            return None
        return from_smaregi(response.json())

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        key = f"{method} {_ID_SEGMENT.sub('/{id}', httpx.URL(url).path.removeprefix(httpx.URL(self.base_url).path))}"
        reads = method in READ_METHODS
        query = {k: to_smaregi(v) for k, v in (params or {}).items() if v is not None}
        budget = self.budgets.for_method(method)

        def send(token: str) -> httpx.Response:
            return self._http.request(
                method, url, params=query or None, json=json, headers={"Authorization": f"Bearer {token}"}
            )

        def read(response: httpx.Response, attempt: Attempt) -> httpx.Response:
            status = response.status_code
            if status < 300 or (status == 404 and method == "DELETE" and attempt.may_have_applied):
                return response
            raise self._error(response, method, path)

        return self._send(
            Call(
                operation=key,
                send=send,
                read=read,
                writes=not reads,
                may_resend=reads or (method in IDEMPOTENT_METHODS if idempotent is None else idempotent),
                pace=budget.acquire,
                hold=budget.pause,
            )
        )

    def _outcome_unknown(self, call: Call[Any], cause: str) -> OutcomeUnknown:
        return OutcomeUnknown(call.operation, cause)

    @staticmethod
    def _error(response: httpx.Response, method: str, path: str) -> SmaregiError:
        try:
            problem = response.json()
        except ValueError:
            problem = None
        return error_for_status(
            response.status_code,
            method,
            path,
            problem if isinstance(problem, dict) else None,
            body_excerpt(response),
        )

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="smaregi")
            return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()


def page_limit(params: Mapping[str, Any] | None, limit: int) -> int:
    """Smaregi caps ``limit`` at 100 when transactions are listed ``with_details``."""
    with_details = (params or {}).get("with_details")
    if with_details is not None and with_details != "none":
        return min(limit, MAX_LIMIT_WITH_DETAILS)
    return limit


def _decode(response: httpx.Response, typed: bool) -> Any:
    return from_smaregi(response.json()) if typed else response.json()


def _as_rows(payload: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(payload, list):
        raise SmaregiError(f"GET {path}: expected a JSON array, got {type(payload).__name__}")
    return payload
