"""Dagster resources: thin, typed wrappers that build the platform clients and open the warehouse.

Secrets arrive as ``dg.EnvVar`` values (see ``definitions.py``), so run config and the UI keep only the
variable's name. Clients are built lazily per step and closed when the step ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from smapify_pipeline import warehouse
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.settings import LocationPair, SyncSettings


class ShopifyResource(dg.ConfigurableResource):
    """The Shopify Admin GraphQL API of one shop (or the Shopify sandbox)."""

    base_url: str
    api_version: str = "2026-10"
    access_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    timeout_seconds: float = 60.0
    bulk_poll_seconds: float = 1.0
    """First wait before polling a bulk operation (then growing); bulk reads take seconds on Shopify."""

    _client: ShopifyClient | None = PrivateAttr(default=None)

    def get_client(self) -> ShopifyClient:
        if self._client is None:
            self._client = ShopifyClient(
                self.base_url,
                api_version=self.api_version,
                access_token=self.access_token or None,
                client_id=self.client_id or None,
                client_secret=self.client_secret or None,
                timeout=self.timeout_seconds,
            )
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class SmaregiResource(dg.ConfigurableResource):
    """The Smaregi Platform API (POS) of one contract (or the Smaregi sandbox)."""

    api_base_url: str
    id_base_url: str
    contract_id: str
    client_id: str
    client_secret: str
    reads_per_second: float = 50.0
    writes_per_second: float = 20.0
    max_concurrency: int = 8
    timeout_seconds: float = 60.0

    _client: SmaregiClient | None = PrivateAttr(default=None)

    def get_client(self) -> SmaregiClient:
        if self._client is None:
            self._client = SmaregiClient(
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
        return self._client

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


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


class SyncRulesResource(dg.ConfigurableResource):
    """The merchant's sync rules (DESIGN §4), as validated by ``settings.py``."""

    primary: str = "smaregi"
    location_pairs: list[str] = []
    """``"storeId=gid://shopify/Location/N"`` items."""
    online_store_id: str | None = None
    match_key: str = "sku"
    delete_policy: str = "archive"
    exclude_tag: str = "smapify-exclude"
    dry_run: bool = False

    @classmethod
    def from_settings(cls, settings: SyncSettings) -> SyncRulesResource:
        return cls(
            primary=settings.primary,
            location_pairs=[f"{p.smaregi_store_id}={p.shopify_location_id}" for p in settings.location_pairs],
            online_store_id=settings.online_store_id,
            match_key=settings.match_key,
            delete_policy=settings.delete_policy,
            exclude_tag=settings.exclude_tag,
            dry_run=settings.dry_run,
        )

    def settings(self) -> SyncSettings:
        """Re-validated on use, so a bad value given through run config fails with the setting's name."""
        pairs = []
        for item in self.location_pairs:
            store, _, location = item.partition("=")
            pairs.append(LocationPair(smaregi_store_id=store.strip(), shopify_location_id=location.strip()))
        return SyncSettings(
            primary=self.primary,  # type: ignore[arg-type]
            location_pairs=tuple(pairs),
            online_store_id=self.online_store_id,
            match_key=self.match_key,  # type: ignore[arg-type]
            delete_policy=self.delete_policy,  # type: ignore[arg-type]
            exclude_tag=self.exclude_tag,
            dry_run=self.dry_run,
        )
