"""Every setting of the pipeline, in one place: the sync rules, where the platforms are, the data folder, the
sensors' poll interval and what the webhook receiver checks.

Read from an optional ``smapify.yaml`` (path in ``SMAPIFY_CONFIG``, else ``./smapify.yaml`` when present) and
then from ``SMAPIFY_*`` environment variables, which win. They are validated when ``definitions.py`` is imported,
so a bad value stops the code location from loading with a message that names the setting and the value.

Platform credentials are *not* read here: resources take them through ``dg.EnvVar`` so that they never land in
run config, logs or metadata. This module only decides whether they are set (unset means the sandboxes). The
one exception is the webhook receiver, which runs outside Dagster and reads its secrets in
:meth:`ReceiverSettings.from_env`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import dagster as dg
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from smapify_pipeline.platforms import sandboxes
from smapify_pipeline.platforms.rate_limits import RATE_LIMITS, RateLimits
from smapify_pipeline.platforms.shopify.client import DEFAULT_API_VERSION
from smapify_pipeline.platforms.smaregi.webhooks import SECRET_HEADER

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SENSOR_POLL_SECONDS = 30.0
INBOX_FILE_NAME = "inbox.sqlite"


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and the value."""


class LocationPair(dg.Config):
    """One Smaregi store that mirrors one Shopify location."""

    model_config = ConfigDict(extra="forbid")

    smaregi_store_id: str = Field(min_length=1)
    shopify_location_id: str = Field(pattern=r"^gid://shopify/Location/\d+$")


def _parse_location_pair(item: Any) -> Any:
    """``"storeId=gid://shopify/Location/N"`` → a pair's fields; anything else is left to validation."""
    if not isinstance(item, str):
        return item
    store, sep, location = item.partition("=")
    if not sep:
        raise ValueError(f"{item!r} is not 'storeId=gid://shopify/Location/N'")
    return {"smaregi_store_id": store.strip(), "shopify_location_id": location.strip()}


class SyncSettings(dg.ConfigurableResource):
    """The merchant's sync rules, and the ``sync_rules`` resource itself.

    ``location_pairs`` also takes ``"storeId=gid://shopify/Location/N"`` items, or one comma-separated string
    of them (the form of ``SMAPIFY_LOCATION_PAIRS``).
    """

    model_config = ConfigDict(extra="forbid")

    primary: Literal["smaregi", "shopify"] = "smaregi"
    location_pairs: list[LocationPair] = []
    online_store_id: str | None = None
    """The Smaregi store that receives online (Shopify) orders; defaults to the first paired store."""
    match_key: Literal["sku", "barcode"] = "sku"
    delete_policy: Literal["archive", "delete", "ignore"] = "archive"
    exclude_tag: str = "smapify-exclude"
    dry_run: bool = False
    unlinked_category_id: str | None = None
    """The Smaregi category (部門) of 部門売り lines: Shopify lines without a linked product and the money a refund
    gave back beyond its lines (a goodwill refund); unset, such documents are quarantined."""
    unlinked_product_id: str | None = None
    """A generic, not stock-managed Smaregi product for Shopify lines without a linked product (preferred over
    the category for those lines)."""

    @field_validator("location_pairs", mode="before")
    @classmethod
    def _pairs_from_text(cls, pairs: Any) -> Any:
        if isinstance(pairs, str):
            pairs = [part.strip() for part in pairs.split(",") if part.strip()]
        return [_parse_location_pair(item) for item in pairs] if isinstance(pairs, list | tuple) else pairs

    @field_validator("location_pairs")
    @classmethod
    def _pairs_are_one_to_one(cls, pairs: list[LocationPair]) -> list[LocationPair]:
        stores = [p.smaregi_store_id for p in pairs]
        locations = [p.shopify_location_id for p in pairs]
        if len(set(stores)) != len(stores) or len(set(locations)) != len(locations):
            raise ValueError("each Smaregi store and each Shopify location may appear in one pair only")
        return pairs

    @property
    def secondary(self) -> Literal["smaregi", "shopify"]:
        return "shopify" if self.primary == "smaregi" else "smaregi"

    @property
    def effective_online_store_id(self) -> str | None:
        if self.online_store_id:
            return self.online_store_id
        return self.location_pairs[0].smaregi_store_id if self.location_pairs else None


class PlatformSettings(BaseModel):
    """Where the platforms are. Unset credentials mean the local sandboxes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    shopify_base_url: str = sandboxes.local_url(sandboxes.SHOPIFY_PORT)
    shopify_api_version: str = Field(DEFAULT_API_VERSION, pattern=r"^(\d{4}-(01|04|07|10)|unstable)$")
    shopify_auth: Literal["token", "client_credentials", "sandbox"] = "sandbox"
    smaregi_contract_id: str = sandboxes.SMAREGI_CONTRACT_ID
    smaregi_api_base_url: str = sandboxes.local_url(sandboxes.SMAREGI_PORT)
    smaregi_id_base_url: str = sandboxes.local_url(sandboxes.SMAREGI_PORT)
    smaregi_uses_sandbox: bool = True

    @field_validator("shopify_base_url", "smaregi_api_base_url", "smaregi_id_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise ValueError("must be an https:// URL (plain http only for a local sandbox)")
        return value.rstrip("/")

    @property
    def shopify_uses_sandbox(self) -> bool:
        return self.shopify_auth == "sandbox"

    @property
    def rate_limits(self) -> RateLimits:
        """The sandbox profile while Smaregi is the sandbox, else the production one."""
        return RATE_LIMITS["sandbox" if self.smaregi_uses_sandbox else "production"]


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    sync: SyncSettings
    platforms: PlatformSettings
    data_dir: Path
    sensor_poll_seconds: float = Field(DEFAULT_SENSOR_POLL_SECONDS, ge=0)
    """How often a sync sensor polls its platform when the webhook inbox brought nothing."""

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "smapify.duckdb"

    @property
    def snapshot_path(self) -> Path:
        return self.data_dir / "snapshot" / "smapify.duckdb"

    @property
    def inbox_path(self) -> Path:
        """The webhook inbox the receiver writes and the sensors read."""
        return self.data_dir / INBOX_FILE_NAME

    @property
    def sensor_poll_interval(self) -> timedelta:
        return timedelta(seconds=self.sensor_poll_seconds)


@dataclass(frozen=True)
class ReceiverSettings:
    """Everything the webhook receiver checks. ``repr`` hides the secrets.

    Secrets come from environment variables only: ``SHOPIFY_CLIENT_SECRET`` (the key of
    ``X-Shopify-Hmac-Sha256``) and ``SMAREGI_WEBHOOK_SECRET`` (the shared secret in the header named by
    ``SMAREGI_WEBHOOK_SECRET_HEADER``). Unset secrets fall back to the sandboxes' public ones **only while that
    platform is the sandbox**; against a real platform an unset secret is a setting error, so a public secret
    can never accept forged deliveries.
    """

    inbox_path: Path
    shopify_secret: str = field(repr=False)
    smaregi_secret: str = field(repr=False)
    smaregi_contract_id: str
    smaregi_secret_header: str = SECRET_HEADER

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReceiverSettings:
        env = dict(os.environ if environ is None else environ)
        settings = load_settings(env)
        platforms = settings.platforms
        return cls(
            inbox_path=settings.inbox_path,
            shopify_secret=_receiver_secret(
                env,
                "SHOPIFY_CLIENT_SECRET",
                platforms.shopify_uses_sandbox,
                sandboxes.SHOPIFY_CLIENT_SECRET,
                "to verify Shopify webhooks from a real shop",
            ),
            smaregi_secret=_receiver_secret(
                env,
                "SMAREGI_WEBHOOK_SECRET",
                platforms.smaregi_uses_sandbox,
                sandboxes.SMAREGI_WEBHOOK_SECRET,
                "to verify Smaregi webhooks from a real contract",
            ),
            smaregi_contract_id=platforms.smaregi_contract_id,
            smaregi_secret_header=env.get("SMAREGI_WEBHOOK_SECRET_HEADER") or SECRET_HEADER,
        )


def _receiver_secret(
    env: Mapping[str, str], variable: str, uses_sandbox: bool, sandbox_secret: str, purpose: str
) -> str:
    secret = env.get(variable) or ""
    if secret:
        return secret
    if not uses_sandbox:
        raise SettingsError(f"setting {variable}: required {purpose}")
    return sandbox_secret


_SYNC_ENV = {
    "primary": "SMAPIFY_PRIMARY",
    "location_pairs": "SMAPIFY_LOCATION_PAIRS",
    "online_store_id": "SMAPIFY_ONLINE_STORE_ID",
    "match_key": "SMAPIFY_MATCH_KEY",
    "delete_policy": "SMAPIFY_DELETE_POLICY",
    "exclude_tag": "SMAPIFY_EXCLUDE_TAG",
    "dry_run": "SMAPIFY_DRY_RUN",
    "unlinked_category_id": "SMAPIFY_UNLINKED_CATEGORY_ID",
    "unlinked_product_id": "SMAPIFY_UNLINKED_PRODUCT_ID",
}
_PLATFORM_ENV = {
    "shopify_base_url": "SHOPIFY_BASE_URL",
    "shopify_api_version": "SHOPIFY_API_VERSION",
    "smaregi_contract_id": "SMAREGI_CONTRACT_ID",
    "smaregi_api_base_url": "SMAREGI_API_BASE_URL",
    "smaregi_id_base_url": "SMAREGI_ID_BASE_URL",
}


def _read_file(environ: Mapping[str, str]) -> dict[str, Any]:
    explicit = environ.get("SMAPIFY_CONFIG")
    path = Path(explicit) if explicit else Path.cwd() / "smapify.yaml"
    if not path.exists():
        if explicit:
            raise SettingsError(f"setting SMAPIFY_CONFIG: file {str(path)!r} does not exist")
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(loaded, dict):
        raise SettingsError(f"setting SMAPIFY_CONFIG: {str(path)!r} must hold a mapping of settings")
    return loaded


def _validated(model: type[Any], values: dict[str, Any], origins: Mapping[str, str]) -> Any:
    """``model(**values)``, or a :class:`SettingsError` naming each bad setting, its origin and its value."""
    try:
        return model(**values)
    except TypeError as error:
        raise SettingsError(f"settings: {error}") from None
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = str(problem["loc"][0]) if problem["loc"] else "?"
            value = values.get(name, problem.get("input"))
            origin = origins.get(name, "smapify.yaml")
            lines.append(f"setting {name} ({origin}) has bad value {value!r}: {problem['msg']}")
        raise SettingsError("; ".join(lines)) from None


def _from_env(
    env: Mapping[str, str], variables: Mapping[str, str], values: dict[str, Any], origins: dict[str, str]
) -> None:
    """Set in ``values`` every setting whose variable is set and not empty; the variable wins."""
    for name, variable in variables.items():
        if env.get(variable):
            values[name] = env[variable]
            origins[name] = variable


def load_sync_settings(environ: Mapping[str, str] | None = None) -> SyncSettings:
    env = os.environ if environ is None else environ
    values = _read_file(env)
    origins = dict.fromkeys(values, "smapify.yaml")
    _from_env(env, _SYNC_ENV, values, origins)
    return _validated(SyncSettings, values, origins)  # type: ignore[no-any-return]


def _shopify_auth(env: Mapping[str, str]) -> str:
    if env.get("SHOPIFY_ACCESS_TOKEN"):
        auth = "token"
    elif env.get("SHOPIFY_CLIENT_ID") or env.get("SHOPIFY_CLIENT_SECRET"):
        if not (env.get("SHOPIFY_CLIENT_ID") and env.get("SHOPIFY_CLIENT_SECRET")):
            raise SettingsError("setting SHOPIFY_CLIENT_ID / SHOPIFY_CLIENT_SECRET: set both or neither")
        auth = "client_credentials"
    else:
        return "sandbox"
    if not env.get("SHOPIFY_BASE_URL"):
        raise SettingsError(
            "setting SHOPIFY_BASE_URL: required with real Shopify credentials (https://{shop}.myshopify.com)"
        )
    return auth


def _smaregi_uses_sandbox(env: Mapping[str, str]) -> bool:
    if not (env.get("SMAREGI_CLIENT_ID") or env.get("SMAREGI_CLIENT_SECRET")):
        return True
    required = (
        "SMAREGI_CONTRACT_ID",
        "SMAREGI_CLIENT_ID",
        "SMAREGI_CLIENT_SECRET",
        "SMAREGI_API_BASE_URL",
        "SMAREGI_ID_BASE_URL",
    )
    missing = [variable for variable in required if not env.get(variable)]
    if missing:
        raise SettingsError(f"setting {', '.join(missing)}: required with real Smaregi credentials")
    return False


def load_platform_settings(environ: Mapping[str, str] | None = None) -> PlatformSettings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {
        "shopify_auth": _shopify_auth(env),
        "smaregi_uses_sandbox": _smaregi_uses_sandbox(env),
    }
    origins: dict[str, str] = {}
    _from_env(env, _PLATFORM_ENV, values, origins)
    return _validated(PlatformSettings, values, origins)  # type: ignore[no-any-return]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {
        "sync": load_sync_settings(env),
        "platforms": load_platform_settings(env),
        "data_dir": Path(env.get("SMAPIFY_DATA_DIR") or PROJECT_ROOT / "data").resolve(),
    }
    origins: dict[str, str] = {}
    _from_env(env, {"sensor_poll_seconds": "SMAPIFY_SENSOR_POLL_SECONDS"}, values, origins)
    return _validated(Settings, values, origins)  # type: ignore[no-any-return]
