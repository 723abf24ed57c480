"""``python -m tests.e2e.sync_process '<json>'``: one full sync in a process of its own, so a test can kill it
at a deterministic point (F6). The JSON names the sandboxes' URLs, the data folder and the sync rules."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import dagster as dg

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from tests.e2e.scenario_harness import pipeline_definitions


def main(argument: str) -> int:
    spec = json.loads(argument)
    data_dir = Path(spec["data_dir"])
    resources = {
        "shopify": ShopifyResource(
            base_url=spec["shopify_url"], access_token=credentials.SHOPIFY_ACCESS_TOKEN
        ),
        "smaregi": SmaregiResource(
            api_base_url=spec["smaregi_url"],
            id_base_url=spec["smaregi_url"],
            contract_id=credentials.SMAREGI_CONTRACT_ID,
            client_id=credentials.SMAREGI_CLIENT_ID,
            client_secret=credentials.SMAREGI_CLIENT_SECRET,
        ),
        "warehouse_db": WarehouseResource(
            path=str(data_dir / "smapify.duckdb"), snapshot_path=str(data_dir / "snapshot" / "smapify.duckdb")
        ),
        "sync_rules": SyncSettings(**spec["rules"]),
    }
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            pipeline_definitions(), resources=resources, instance=instance, raise_on_error=False
        )
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
