"""The one ``dg.Definitions`` of the code location.

Settings are validated on import, so a bad value stops the location from loading with the setting's name.
Secrets are wired as ``dg.EnvVar`` (resolved at run launch, never stored in run config); with the
credential variables unset, the resources point at the local sandboxes with their public credentials.
"""

import dagster as dg

from smapify_pipeline.documents.assets import DOCUMENT_ASSETS
from smapify_pipeline.documents.checks import DOCUMENT_CHECKS
from smapify_pipeline.extract.assets import EXTRACT_ASSETS
from smapify_pipeline.extract.checks import EXTRACT_CHECKS
from smapify_pipeline.jobs import build_jobs
from smapify_pipeline.link.assets import LINK_ASSETS
from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.products.assets import PRODUCT_ASSETS
from smapify_pipeline.resources import ShopifyResource, SmaregiResource, WarehouseResource
from smapify_pipeline.schedules import SCHEDULES
from smapify_pipeline.sensors import build_sensors
from smapify_pipeline.settings import PlatformSettings, Settings, load_settings
from smapify_pipeline.snapshot.assets import SNAPSHOT_ASSETS
from smapify_pipeline.stock.assets import STOCK_ASSETS
from smapify_pipeline.stock.checks import STOCK_CHECKS
from smapify_pipeline.webhooks.resource import WebhookInboxResource


def shopify_resource(platforms: PlatformSettings) -> ShopifyResource:
    where = {"base_url": platforms.shopify_base_url, "api_version": platforms.shopify_api_version}
    if platforms.shopify_auth == "token":
        return ShopifyResource(**where, access_token=dg.EnvVar("SHOPIFY_ACCESS_TOKEN"))
    if platforms.shopify_auth == "client_credentials":
        return ShopifyResource(
            **where,
            client_id=dg.EnvVar("SHOPIFY_CLIENT_ID"),
            client_secret=dg.EnvVar("SHOPIFY_CLIENT_SECRET"),
        )
    return ShopifyResource(**where, access_token=sandboxes.SHOPIFY_ACCESS_TOKEN)


def smaregi_resource(platforms: PlatformSettings) -> SmaregiResource:
    limits = platforms.rate_limits
    where = {
        "api_base_url": platforms.smaregi_api_base_url,
        "id_base_url": platforms.smaregi_id_base_url,
        "contract_id": platforms.smaregi_contract_id,
        "reads_per_second": limits.smaregi_reads_per_second,
        "writes_per_second": limits.smaregi_writes_per_second,
    }
    if platforms.smaregi_uses_sandbox:
        return SmaregiResource(
            **where, client_id=sandboxes.SMAREGI_CLIENT_ID, client_secret=sandboxes.SMAREGI_CLIENT_SECRET
        )
    return SmaregiResource(
        **where, client_id=dg.EnvVar("SMAREGI_CLIENT_ID"), client_secret=dg.EnvVar("SMAREGI_CLIENT_SECRET")
    )


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "shopify": shopify_resource(settings.platforms),
        "smaregi": smaregi_resource(settings.platforms),
        "warehouse_db": WarehouseResource(
            path=str(settings.warehouse_path), snapshot_path=str(settings.snapshot_path)
        ),
        "sync_rules": settings.sync,
        "webhook_inbox": WebhookInboxResource(path=str(settings.inbox_path)),
    }


PIPELINE = [
    *EXTRACT_ASSETS,
    *LINK_ASSETS,
    *PRODUCT_ASSETS,
    *DOCUMENT_ASSETS,
    *STOCK_ASSETS,
    *SNAPSHOT_ASSETS,
]
ASSETS = [a for a in PIPELINE if not isinstance(a, dg.AssetChecksDefinition)]
CHECKS = [
    *EXTRACT_CHECKS,
    *DOCUMENT_CHECKS,
    *STOCK_CHECKS,
    *(a for a in PIPELINE if isinstance(a, dg.AssetChecksDefinition)),
]


def build_definitions(settings: Settings) -> dg.Definitions:
    """The code location for ``settings``; the demo and the CLI build one for their own settings."""
    return dg.Definitions(
        assets=ASSETS,
        asset_checks=CHECKS,
        jobs=build_jobs(ASSETS),
        schedules=SCHEDULES,
        sensors=build_sensors(settings.sensor_poll_interval),
        resources=build_resources(settings),
    )


settings = load_settings()
defs = build_definitions(settings)
