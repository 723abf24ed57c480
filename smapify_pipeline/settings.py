"""Typed settings: the sync rules of DESIGN §4 and where the two platforms are.

Read from an optional ``smapify.yaml`` (path in ``SMAPIFY_CONFIG``, else ``./smapify.yaml`` when present) and
then from ``SMAPIFY_*`` environment variables, which win. They are validated when ``definitions.py`` is imported,
so a bad value stops the code location from loading with a message that names the setting and the value.

Platform credentials are *not* read here: resources take them through ``dg.EnvVar`` so that they never land in
run config, logs or metadata. This module only decides whether they are set (unset means the sandboxes).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from smapify_pipeline.sandbox import credentials as sandbox

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHOPIFY_API_VERSION = "2026-10"


class SettingsError(ValueError):
    """A setting has a bad value; the message names the setting and the value."""


class LocationPair(BaseModel):
    """One Smaregi store that mirrors one Shopify location."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    smaregi_store_id: str = Field(min_length=1)
    shopify_location_id: str = Field(pattern=r"^gid://shopify/Location/\d+$")


class SyncSettings(BaseModel):
    """The merchant's sync rules (DESIGN §4)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    primary: Literal["smaregi", "shopify"] = "smaregi"
    location_pairs: tuple[LocationPair, ...] = ()
    online_store_id: str | None = None
    """The Smaregi store that receives online (Shopify) orders; defaults to the first paired store."""
    match_key: Literal["sku", "barcode"] = "sku"
    delete_policy: Literal["archive", "delete", "ignore"] = "archive"
    exclude_tag: str = "smapify-exclude"
    dry_run: bool = False

    @field_validator("location_pairs")
    @classmethod
    def _pairs_are_one_to_one(cls, pairs: tuple[LocationPair, ...]) -> tuple[LocationPair, ...]:
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

    shopify_base_url: str = f"http://127.0.0.1:{sandbox.SHOPIFY_PORT}"
    shopify_api_version: str = Field(DEFAULT_SHOPIFY_API_VERSION, pattern=r"^(\d{4}-(01|04|07|10)|unstable)$")
    shopify_auth: Literal["token", "client_credentials", "sandbox"] = "sandbox"
    smaregi_contract_id: str = sandbox.SMAREGI_CONTRACT_ID
    smaregi_api_base_url: str = f"http://127.0.0.1:{sandbox.SMAREGI_PORT}"
    smaregi_id_base_url: str = f"http://127.0.0.1:{sandbox.SMAREGI_PORT}"
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


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    sync: SyncSettings
    platforms: PlatformSettings
    data_dir: Path

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "smapify.duckdb"

    @property
    def snapshot_path(self) -> Path:
        return self.data_dir / "snapshot" / "smapify.duckdb"


_SYNC_ENV = {
    "primary": "SMAPIFY_PRIMARY",
    "location_pairs": "SMAPIFY_LOCATION_PAIRS",
    "online_store_id": "SMAPIFY_ONLINE_STORE_ID",
    "match_key": "SMAPIFY_MATCH_KEY",
    "delete_policy": "SMAPIFY_DELETE_POLICY",
    "exclude_tag": "SMAPIFY_EXCLUDE_TAG",
    "dry_run": "SMAPIFY_DRY_RUN",
}


def parse_location_pairs(text: str) -> list[dict[str, str]]:
    """``"1=gid://shopify/Location/1, 2=gid://shopify/Location/2"`` → pairs (store id = location id)."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        store, sep, location = item.partition("=")
        if not sep:
            raise SettingsError(
                f"setting location_pairs (SMAPIFY_LOCATION_PAIRS): {item!r} is not 'storeId=gid://shopify/Location/N'"
            )
        pairs.append({"smaregi_store_id": store.strip(), "shopify_location_id": location.strip()})
    return pairs


def _read_file(environ: dict[str, str]) -> dict[str, Any]:
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


def _format_error(error: ValidationError, origins: dict[str, str], values: dict[str, Any]) -> str:
    lines = []
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        origin = origins.get(name, "smapify.yaml")
        value = values.get(name, problem.get("input"))
        lines.append(f"setting {name} ({origin}) has bad value {value!r}: {problem['msg']}")
    return "; ".join(lines)


def load_sync_settings(environ: dict[str, str] | None = None) -> SyncSettings:
    environ = dict(os.environ if environ is None else environ)
    values = _read_file(environ)
    origins = {name: "smapify.yaml" for name in values}
    for name, variable in _SYNC_ENV.items():
        if variable in environ and environ[variable] != "":
            raw: Any = environ[variable]
            if name == "location_pairs":
                raw = parse_location_pairs(raw)
            values[name] = raw
            origins[name] = variable
    try:
        return SyncSettings(**values)
    except ValidationError as error:
        raise SettingsError(_format_error(error, origins, values)) from None
    except TypeError as error:
        raise SettingsError(f"settings: {error}") from None


def load_platform_settings(environ: dict[str, str] | None = None) -> PlatformSettings:
    env = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    if env.get("SHOPIFY_ACCESS_TOKEN"):
        values["shopify_auth"] = "token"
    elif env.get("SHOPIFY_CLIENT_ID") or env.get("SHOPIFY_CLIENT_SECRET"):
        if not (env.get("SHOPIFY_CLIENT_ID") and env.get("SHOPIFY_CLIENT_SECRET")):
            raise SettingsError("setting SHOPIFY_CLIENT_ID / SHOPIFY_CLIENT_SECRET: set both or neither")
        values["shopify_auth"] = "client_credentials"
    if values.get("shopify_auth") and not env.get("SHOPIFY_BASE_URL"):
        raise SettingsError(
            "setting SHOPIFY_BASE_URL: required with real Shopify credentials (https://{shop}.myshopify.com)"
        )
    smaregi_real = bool(env.get("SMAREGI_CLIENT_ID") or env.get("SMAREGI_CLIENT_SECRET"))
    if smaregi_real:
        missing = [
            v for v in ("SMAREGI_CONTRACT_ID", "SMAREGI_CLIENT_ID", "SMAREGI_CLIENT_SECRET") if not env.get(v)
        ]
        missing += [v for v in ("SMAREGI_API_BASE_URL", "SMAREGI_ID_BASE_URL") if not env.get(v)]
        if missing:
            raise SettingsError(f"setting {', '.join(missing)}: required with real Smaregi credentials")
        values["smaregi_uses_sandbox"] = False
    for name, variable in (
        ("shopify_base_url", "SHOPIFY_BASE_URL"),
        ("shopify_api_version", "SHOPIFY_API_VERSION"),
        ("smaregi_contract_id", "SMAREGI_CONTRACT_ID"),
        ("smaregi_api_base_url", "SMAREGI_API_BASE_URL"),
        ("smaregi_id_base_url", "SMAREGI_ID_BASE_URL"),
    ):
        if env.get(variable):
            values[name] = env[variable]
            origins[name] = variable
    try:
        return PlatformSettings(**values)
    except ValidationError as error:
        raise SettingsError(_format_error(error, origins, values)) from None


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    data_dir = Path(env.get("SMAPIFY_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    return Settings(sync=load_sync_settings(env), platforms=load_platform_settings(env), data_dir=data_dir)
