"""The push asset every change family has: resources in, :func:`~smapify_pipeline.sync.push.run_push`, metadata
out."""

import dagster as dg

from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.sync.push import PlanSpec, PushSlice, run_push


def push_asset(
    name: str, spec: PlanSpec, family: type[PushSlice], *, deps: list, kinds: set[str], description: str
) -> dg.AssetsDefinition:
    """The ``push`` group asset applying ``spec``'s plan with ``family``'s writers and bookkeeping."""

    @dg.asset(name=name, group_name="push", kinds=kinds, pool="duckdb", deps=deps, description=description)
    def push(
        context: dg.AssetExecutionContext,
        shopify: ShopifyResource,
        smaregi: SmaregiResource,
        warehouse_db: WarehouseResource,
        sync_rules: SyncSettings,
    ) -> dg.MaterializeResult:

        def open_push() -> PushSlice:
            return family(shopify.get_client(), smaregi.get_client(), sync_rules.primary, context.run.run_id)

        with warehouse_db.connect() as conn:
            metadata = run_push(conn, spec, open_push, dry_run=sync_rules.dry_run, log=context.log)
        return dg.MaterializeResult(metadata=metadata)

    return push
