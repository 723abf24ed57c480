import os
import subprocess
import sys

import dagster as dg


def test_definitions_load() -> None:
    from smapify_pipeline.definitions import defs

    dg.Definitions.validate_loadable(defs)


def test_bad_setting_fails_at_import_naming_the_setting(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMAPIFY_", "SHOPIFY_", "SMAREGI_"))}
    env["SMAPIFY_PRIMARY"] = "square"
    completed = subprocess.run(
        [sys.executable, "-c", "import smapify_pipeline.definitions"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "SettingsError" in completed.stderr
    assert "setting primary (SMAPIFY_PRIMARY) has bad value 'square'" in completed.stderr


def test_loading_the_code_location_imports_no_simulator(tmp_path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMAPIFY_", "SHOPIFY_", "SMAREGI_"))}
    script = (
        "import sys, smapify_pipeline.definitions; "
        "print('\\n'.join(m for m in sys.modules if m.startswith('smapify_pipeline.sandbox')))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == []


def test_sync_rules_resource_is_the_sync_settings() -> None:
    from smapify_pipeline.definitions import build_resources, settings

    assert build_resources(settings)["sync_rules"] is settings.sync
