"""Both sandboxes over real HTTP on free ports, and the pipeline's resources pointed at them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.sandbox.pair import SandboxPair, ServingPair
from smapify_pipeline.settings import SyncSettings

if TYPE_CHECKING:
    from tests.e2e.scenario_harness import Baselines


@dataclass
class Harness:
    pair: SandboxPair
    servers: ServingPair
    resources: dict[str, dg.ConfigurableResource]
    warehouse_path: Path
    instance: dg.DagsterInstance


def make_resources(
    servers: ServingPair, data_dir: Path, **rules: object
) -> dict[str, dg.ConfigurableResource]:
    return {
        "shopify": ShopifyResource(
            base_url=servers.shopify_url, access_token=credentials.SHOPIFY_ACCESS_TOKEN
        ),
        "smaregi": SmaregiResource(
            api_base_url=servers.smaregi_url,
            id_base_url=servers.smaregi_url,
            contract_id=credentials.SMAREGI_CONTRACT_ID,
            client_id=credentials.SMAREGI_CLIENT_ID,
            client_secret=credentials.SMAREGI_CLIENT_SECRET,
        ),
        "warehouse_db": WarehouseResource(
            path=str(data_dir / "smapify.duckdb"), snapshot_path=str(data_dir / "snapshot" / "smapify.duckdb")
        ),
        "sync_rules": SyncSettings(**rules),
    }


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    pair = SandboxPair.create(seed_size="small", seed=3, locations=2)
    with pair.serve() as servers, dg.instance_for_test() as instance:
        yield Harness(
            pair=pair,
            servers=servers,
            resources=make_resources(servers, tmp_path),
            warehouse_path=tmp_path / "smapify.duckdb",
            instance=instance,
        )


@pytest.fixture(scope="session")
def baselines(tmp_path_factory: pytest.TempPathFactory) -> Baselines:
    """Baseline syncs shared by the scenarios of one worker (see :class:`Baselines`)."""
    from tests.e2e.scenario_harness import Baselines

    return Baselines(tmp_path_factory.mktemp("baselines"))
