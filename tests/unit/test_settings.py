from datetime import timedelta
from pathlib import Path

import pytest

from smapify_pipeline.platforms.rate_limits import RATE_LIMITS
from smapify_pipeline.settings import (
    SettingsError,
    SyncSettings,
    load_platform_settings,
    load_settings,
    load_sync_settings,
)


def test_defaults_mean_smaregi_primary_and_sandboxes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings({})
    assert settings.sync.primary == "smaregi"
    assert settings.sync.delete_policy == "archive"
    assert settings.platforms.shopify_uses_sandbox
    assert settings.platforms.smaregi_uses_sandbox
    assert settings.platforms.shopify_api_version == "2026-10"


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "smapify.yaml"
    config.write_text(
        "primary: shopify\nmatch_key: barcode\nlocation_pairs:\n"
        "  - {smaregi_store_id: '1', shopify_location_id: 'gid://shopify/Location/7'}\n",
        encoding="utf-8",
    )
    settings = load_sync_settings({"SMAPIFY_CONFIG": str(config), "SMAPIFY_MATCH_KEY": "sku"})
    assert settings.primary == "shopify"
    assert settings.match_key == "sku"
    assert settings.effective_online_store_id == "1"
    assert settings.secondary == "smaregi"


def test_location_pairs_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_sync_settings(
        {
            "SMAPIFY_LOCATION_PAIRS": "1=gid://shopify/Location/1, 2=gid://shopify/Location/2",
            "SMAPIFY_ONLINE_STORE_ID": "2",
        }
    )
    assert [(p.smaregi_store_id, p.shopify_location_id) for p in settings.location_pairs] == [
        ("1", "gid://shopify/Location/1"),
        ("2", "gid://shopify/Location/2"),
    ]
    assert settings.effective_online_store_id == "2"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("SMAPIFY_PRIMARY", "square", "primary"),
        ("SMAPIFY_MATCH_KEY", "name", "match_key"),
        ("SMAPIFY_DELETE_POLICY", "shred", "delete_policy"),
        ("SMAPIFY_DRY_RUN", "perhaps", "dry_run"),
        ("SMAPIFY_LOCATION_PAIRS", "1=Location/1", "location_pairs"),
        ("SMAPIFY_LOCATION_PAIRS", "1", "location_pairs"),
        ("SMAPIFY_LOCATION_PAIRS", "1=gid://shopify/Location/1,1=gid://shopify/Location/2", "location_pairs"),
    ],
)
def test_bad_sync_setting_names_setting_and_value(
    variable: str, value: str, named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as error:
        load_sync_settings({variable: value})
    assert named in str(error.value)


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SHOPIFY_API_VERSION": "2026-13"}, "shopify_api_version"),
        ({"SHOPIFY_ACCESS_TOKEN": "x"}, "SHOPIFY_BASE_URL"),
        ({"SHOPIFY_CLIENT_ID": "x"}, "SHOPIFY_CLIENT_SECRET"),
        ({"SHOPIFY_BASE_URL": "http://shop.example.com", "SHOPIFY_ACCESS_TOKEN": "x"}, "shopify_base_url"),
        ({"SMAREGI_CLIENT_ID": "x", "SMAREGI_CLIENT_SECRET": "y"}, "SMAREGI_CONTRACT_ID"),
    ],
)
def test_bad_platform_setting_names_setting(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_platform_settings(environ)
    assert named in str(error.value)


def test_real_credentials_switch_off_the_sandboxes() -> None:
    platforms = load_platform_settings(
        {
            "SHOPIFY_BASE_URL": "https://acme.myshopify.com",
            "SHOPIFY_ACCESS_TOKEN": "shpat_x",
            "SMAREGI_CONTRACT_ID": "abc",
            "SMAREGI_CLIENT_ID": "id",
            "SMAREGI_CLIENT_SECRET": "secret",
            "SMAREGI_API_BASE_URL": "https://api.smaregi.jp",
            "SMAREGI_ID_BASE_URL": "https://id.smaregi.jp",
        }
    )
    assert platforms.shopify_auth == "token"
    assert not platforms.shopify_uses_sandbox
    assert not platforms.smaregi_uses_sandbox
    assert "shpat_x" not in platforms.model_dump_json()


def test_sensor_poll_seconds_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({}).sensor_poll_interval == timedelta(seconds=30)
    assert load_settings({"SMAPIFY_SENSOR_POLL_SECONDS": "2.5"}).sensor_poll_interval == timedelta(
        seconds=2.5
    )


@pytest.mark.parametrize("value", ["-1", "soon"])
def test_bad_sensor_poll_seconds_names_setting_and_value(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError) as error:
        load_settings({"SMAPIFY_SENSOR_POLL_SECONDS": value})
    assert f"sensor_poll_seconds (SMAPIFY_SENSOR_POLL_SECONDS) has bad value {value!r}" in str(error.value)


def test_unknown_setting_in_the_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "smapify.yaml"
    config.write_text("primary: shopify\nprimry: smaregi\n", encoding="utf-8")
    with pytest.raises(SettingsError) as error:
        load_sync_settings({"SMAPIFY_CONFIG": str(config)})
    assert "setting primry (smapify.yaml)" in str(error.value)


def test_location_pairs_are_read_from_text_items_too() -> None:
    settings = SyncSettings(location_pairs=["1=gid://shopify/Location/7", " 2 = gid://shopify/Location/8 "])
    assert [(p.smaregi_store_id, p.shopify_location_id) for p in settings.location_pairs] == [
        ("1", "gid://shopify/Location/7"),
        ("2", "gid://shopify/Location/8"),
    ]


def test_rate_limits_follow_the_configured_platform() -> None:
    assert load_platform_settings({}).rate_limits == RATE_LIMITS["sandbox"]
    real = load_platform_settings(
        {
            "SMAREGI_CONTRACT_ID": "abc",
            "SMAREGI_CLIENT_ID": "id",
            "SMAREGI_CLIENT_SECRET": "secret",
            "SMAREGI_API_BASE_URL": "https://api.smaregi.jp",
            "SMAREGI_ID_BASE_URL": "https://id.smaregi.jp",
        }
    )
    assert real.rate_limits == RATE_LIMITS["production"]


def test_smaregi_resource_takes_the_profile_of_its_platform() -> None:
    from smapify_pipeline.definitions import smaregi_resource

    resource = smaregi_resource(load_platform_settings({}))
    limits = RATE_LIMITS["sandbox"]
    assert (resource.reads_per_second, resource.writes_per_second) == (
        limits.smaregi_reads_per_second,
        limits.smaregi_writes_per_second,
    )
