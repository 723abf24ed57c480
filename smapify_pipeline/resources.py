"""Dagster resources: thin, typed wrappers that build the platform clients and open the warehouse.

Secrets arrive as ``dg.EnvVar`` values (see ``definitions.py``), so run config and the UI keep only the
variable's name. Clients are built lazily per step and closed when the step ends. The sync rules resource is
the settings model itself (``settings.SyncSettings``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from smapify_pipeline import warehouse
from smapify_pipeline.platforms.rate_limits import RATE_LIMITS
from smapify_pipeline.platforms.shopify.client import DEFAULT_API_VERSION, ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient

Client = TypeVar("Client", ShopifyClient, SmaregiClient)


class _ClientResource(dg.ConfigurableResource):
    """Opens its platform client on first use in a step and closes it when the step ends."""

    timeout_seconds: float = 60.0

    _client: Any = PrivateAttr(default=None)

    def _kept(self, open_client: Callable[[], Client]) -> Client:
        if self._client is None:
            self._client = open_client()
        return self._client  # type: ignore[no-any-return]

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class ShopifyResource(_ClientResource):
    """The Shopify Admin GraphQL API of one shop (or the Shopify sandbox)."""

    base_url: str
    api_version: str = DEFAULT_API_VERSION
    access_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    bulk_poll_seconds: float = 1.0
    """First wait before polling a bulk operation (then growing); bulk reads take seconds on Shopify."""

    def get_client(self) -> ShopifyClient:
        return self._kept(
            lambda: ShopifyClient(
                self.base_url,
                api_version=self.api_version,
                access_token=self.access_token or None,
                client_id=self.client_id or None,
                client_secret=self.client_secret or None,
                timeout=self.timeout_seconds,
            )
        )


class SmaregiResource(_ClientResource):
    """The Smaregi Platform API (POS) of one contract (or the Smaregi sandbox)."""

    api_base_url: str
    id_base_url: str
    contract_id: str
    client_id: str
    client_secret: str
    reads_per_second: float = RATE_LIMITS["production"].smaregi_reads_per_second
    writes_per_second: float = RATE_LIMITS["production"].smaregi_writes_per_second
    max_concurrency: int = 8

    def get_client(self) -> SmaregiClient:
        return self._kept(
            lambda: SmaregiClient(
                self.api_base_url,
                self.id_base_url,
                self.contract_id,
                self.client_id,
                self.client_secret,
                reads_per_second=self.reads_per_second,
                writes_per_second=self.writes_per_second,
                max_concurrency=self.max_concurrency,
                timeout=self.timeout_seconds,
            )
        )


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB working file. Every step that opens it runs in the ``duckdb`` pool (one at a time)."""

    path: str
    snapshot_path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        connection = warehouse.connect(self.path)
        try:
            yield connection
        finally:
            connection.close()
