"""The production instance config (deploy/dagster.postgres.yaml) against this machine's real PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from psycopg2 import sql

from smapify_pipeline.settings import PROJECT_ROOT

PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def _admin_connection() -> psycopg2.extensions.connection:
    connection = psycopg2.connect(dbname="postgres", **PG)
    connection.autocommit = True
    return connection


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh database for one test, dropped afterwards."""
    try:
        admin = _admin_connection()
    except psycopg2.OperationalError as error:  # pragma: no cover - the machine promises a server
        pytest.fail(f"PostgreSQL is not reachable on 127.0.0.1:5432 as user postgres: {error}")
    name = f"smapify_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


@pytest.fixture
def postgres_instance(
    postgres_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dg.DagsterInstance]:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.postgres.yaml", home / "dagster.yaml")
    for variable, value in {
        "DAGSTER_PG_HOST": PG["host"],
        "DAGSTER_PG_PORT": str(PG["port"]),
        "DAGSTER_PG_USER": PG["user"],
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": postgres_database,
        "DAGSTER_STORAGE_DIR": str(tmp_path / "artifacts"),
    }.items():
        monkeypatch.setenv(variable, value)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        yield instance
    finally:
        instance.dispose()


@dg.asset
def postgres_probe() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"dagster/row_count": 3})


def test_materialization_is_recorded_in_postgres(
    postgres_instance: dg.DagsterInstance, postgres_database: str
) -> None:
    result = dg.materialize([postgres_probe], instance=postgres_instance)
    assert result.success

    event = postgres_instance.get_latest_materialization_event(dg.AssetKey("postgres_probe"))
    assert event is not None and event.run_id == result.run_id
    assert event.asset_materialization is not None
    assert event.asset_materialization.metadata["dagster/row_count"].value == 3

    with psycopg2.connect(dbname=postgres_database, **PG) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM runs WHERE run_id = %s", (result.run_id,))
        assert cursor.fetchone() == (1,)
        cursor.execute(
            "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (result.run_id,),
        )
        assert cursor.fetchone() == (1,)
