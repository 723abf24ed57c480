"""Both sandboxes seeded from one catalogue, so the two shops start linked, and served side by side."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.server import SandboxServer
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox


@dataclass
class ServingPair:
    shopify: SandboxServer
    smaregi: SandboxServer

    @property
    def shopify_url(self) -> str:
        return self.shopify.url

    @property
    def smaregi_url(self) -> str:
        return self.smaregi.url

    def wait(self) -> None:
        self.shopify.wait()


@dataclass
class SandboxPair:
    shopify: ShopifySandbox
    smaregi: SmaregiSandbox

    @classmethod
    def create(
        cls,
        *,
        seed_size: str | int = "small",
        seed: int = 0,
        locations: int = 2,
        faults: FaultPlan | None = None,
        time_scale: float = 1.0,
        sales: int = 0,
    ) -> SandboxPair:
        """Both shops from one catalogue; ``sales`` past register sales are seeded on Smaregi."""
        catalogue = build_catalogue(seed_size, seed=seed, locations=locations)
        return cls(
            shopify=ShopifySandbox.create(catalogue=catalogue, faults=faults, time_scale=time_scale),
            smaregi=SmaregiSandbox.create(
                catalogue=catalogue, faults=faults, time_scale=time_scale, sales=sales, seed=seed
            ),
        )

    def paired_locations(self) -> list[tuple[str, str]]:
        """(Smaregi store id, Shopify location gid) of the stores and locations seeded under the same name."""
        stores = {store["storeName"]: store["storeId"] for store in self.smaregi.state.stores.values()}
        return [
            (stores[location.name], f"gid://shopify/Location/{location.id}")
            for location in self.shopify.state.locations.values()
            if location.name in stores
        ]

    @contextmanager
    def serve(self, shopify_port: int = 0, smaregi_port: int = 0) -> Iterator[ServingPair]:
        with (
            SandboxServer(self.shopify.app, port=shopify_port) as shopify,
            SandboxServer(self.smaregi.app, port=smaregi_port) as smaregi,
        ):
            yield ServingPair(shopify=shopify, smaregi=smaregi)
