"""The sync jobs. Every one carries the run tag ``smapify/sync=true``: the instance's run tag limit
(``concurrency.runs.tag_concurrency_limits`` in ``dagster.yaml``, limit 1) keeps a second sync run queued
until the first ends, so two runs never write the working file or push the same change at once.

Selections are by group minus what a job leaves out, built by :func:`build_jobs` from the assets actually
defined (Dagster refuses a selection naming a key no asset supplies, even in a subtraction), so the jobs load
whichever sync engine assets exist. A new asset in the link, plan or push group therefore joins
``orders_sync`` and ``inventory_sync`` unless it is listed in their exclusions here.

| job | runs |
|---|---|
| ``full_sync`` | everything: extract, link, plan, push, snapshot |
| ``orders_sync`` | order/refund and stock extracts, link, order/refund plans and pushes, the stock read again after them, inventory plan and push, snapshot |
| ``inventory_sync`` | stock extracts, link, inventory plan and push, snapshot |
| ``reconciliation`` | stock and product extracts, link, ``reconciliation_report``, snapshot (no plan, no push) |

All run their steps in one process, one after another: every step uses the single-slot ``duckdb`` pool
anyway, and a process per step would add seconds of start-up to each sensor-triggered run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import dagster as dg

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

SYNC_TAG = "smapify/sync"
SYNC_TAGS = {SYNC_TAG: "true"}

SYNC_GROUPS = ("extract", "link", "plan", "push")

CATALOGUE_EXTRACTS = (
    "shopify_locations",
    "shopify_products",
    "smaregi_stores",
    "smaregi_categories",
    "smaregi_products",
)
DOCUMENT_EXTRACTS = (
    "shopify_orders",
    "shopify_refunds",
    "shopify_fulfillment_orders",
    "smaregi_transactions",
)
PRODUCT_STEPS = ("product_plan", "push_products")
DOCUMENT_STEPS = ("order_plan", "refund_plan", "push_orders", "push_refunds")
STOCK_AFTER_DOCUMENTS = "stock_after_documents"
"""Reads the stock of the products the run's documents touched once they are pushed: only where documents are."""
REPORT = "reconciliation_report"


def _job(name: str, selection: dg.AssetSelection, description: str) -> UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        name,
        selection=selection,
        tags=SYNC_TAGS,
        executor_def=dg.in_process_executor,
        description=description,
    )


class SyncJobs:
    """Builds the jobs for the assets actually defined (Dagster refuses a selection, even a subtracted one,
    that names a key no asset supplies)."""

    def __init__(self, asset_keys: Iterable[str]) -> None:
        self.available = frozenset(asset_keys)

    def _without(self, groups: Iterable[str], *keys: str) -> dg.AssetSelection:
        selection = dg.AssetSelection.groups(*groups)
        present = [key for key in keys if key in self.available]
        return selection - dg.AssetSelection.assets(*present) if present else selection

    def build(self) -> list[UnresolvedAssetJobDefinition]:
        synced = (*SYNC_GROUPS, "snapshot")
        return [
            _job(
                "full_sync",
                dg.AssetSelection.groups(*synced),
                "Everything: both catalogues, documents and stock; link, plan, push; publish the snapshot.",
            ),
            _job(
                "orders_sync",
                self._without(synced, *CATALOGUE_EXTRACTS, *PRODUCT_STEPS, REPORT),
                "New sales, orders and refunds mirrored with their stock effect (what the sensors start).",
            ),
            _job(
                "inventory_sync",
                self._without(
                    synced,
                    *CATALOGUE_EXTRACTS,
                    *DOCUMENT_EXTRACTS,
                    *PRODUCT_STEPS,
                    *DOCUMENT_STEPS,
                    STOCK_AFTER_DOCUMENTS,
                    REPORT,
                ),
                "Stock only: secondary brought to the primary's count.",
            ),
            _job(
                "reconciliation",
                self._without(
                    ("extract", "link", "snapshot"),
                    *DOCUMENT_EXTRACTS,
                    STOCK_AFTER_DOCUMENTS,
                    "smaregi_categories",
                ),
                "Fresh stock from both sides, a drift report per product and location and the snapshot; "
                "writes nothing remote.",
            ),
        ]


def build_jobs(assets: Iterable[dg.AssetsDefinition]) -> list[UnresolvedAssetJobDefinition]:
    """The four jobs over ``assets`` (the list given to ``dg.Definitions``)."""
    return SyncJobs(key.to_user_string() for asset in assets for key in asset.keys).build()
