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
