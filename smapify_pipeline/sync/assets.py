"""The plan and push assets every change family has: resources in, one call, metadata out."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg
import duckdb

from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.settings import SyncSettings
from smapify_pipeline.sync.push import PlanSpec, PushSlice, run_push
from smapify_pipeline.sync.report import plan_metadata


@dataclass(frozen=True)
class PlanRun:
    """What a plan step gets besides the warehouse."""

    settings: SyncSettings
    contract_id: str
    run_id: str
    log: Any


PlanStep = Callable[[duckdb.DuckDBPyConnection, PlanRun], Mapping[str, Any]]
"""Rebuilds a family's plan table; returns what it counted (materialization metadata)."""


def plan_asset(
    name: str, spec: PlanSpec, step: PlanStep, *, deps: list, description: str
) -> dg.AssetsDefinition:
    """The ``plan`` group asset running ``step`` and describing the plan it left in ``spec.table``."""

    @dg.asset(
        name=name, group_name="plan", kinds={"duckdb"}, pool="duckdb", deps=deps, description=description
    )
    def plan(
        context: dg.AssetExecutionContext,
        smaregi: SmaregiResource,
        warehouse_db: WarehouseResource,
        sync_rules: SyncSettings,
    ) -> dg.MaterializeResult:
        run = PlanRun(sync_rules, smaregi.contract_id, context.run.run_id, context.log)
        with warehouse_db.connect() as conn:
            counted = step(conn, run)
            metadata = plan_metadata(conn, spec.table, spec.preview_columns)
        return dg.MaterializeResult(metadata={**metadata, **counted, "dry_run": sync_rules.dry_run})

    return plan


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
