from pathlib import Path

import duckdb
import pytest

from smapify_pipeline.warehouse import (
    MIGRATIONS,
    SCHEMAS,
    Migration,
    MigrationError,
    apply_migrations,
    connect,
)
from smapify_pipeline.warehouse.migrations import (
    LEGACY_CHECKSUMS,
    MIGRATIONS_TABLE,
    applied_versions,
    load_migrations,
    validate_migrations,
)


def catalogue(conn: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    """Everything a migration can change, in a comparable form."""
    queries = {
        "schemas": "SELECT schema_name FROM duckdb_schemas() WHERE database_name = current_database()",
        "tables": "SELECT schema_name, table_name, sql FROM duckdb_tables() WHERE database_name = current_database()",
        "columns": "SELECT schema_name, table_name, column_name, data_type, column_default, is_nullable "
        "FROM duckdb_columns() WHERE database_name = current_database()",
        "views": "SELECT schema_name, view_name, sql FROM duckdb_views() "
        "WHERE database_name = current_database() AND NOT internal",
        "constraints": "SELECT schema_name, table_name, constraint_type, constraint_text FROM duckdb_constraints() "
        "WHERE database_name = current_database()",
        "sequences": "SELECT schema_name, sequence_name FROM duckdb_sequences() WHERE database_name = current_database()",
        "migrations": "SELECT version, name, checksum, applied_at FROM sync.schema_migrations",
    }
    return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in queries.items()}


def test_shipped_migrations_are_numbered_from_one_without_duplicates() -> None:
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))
    assert versions[0] == 1
    assert load_migrations() == MIGRATIONS


def test_connect_creates_the_six_schemas_and_records_every_migration(conn: duckdb.DuckDBPyConnection) -> None:
    schemas = {row[0] for row in conn.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    assert set(SCHEMAS) <= schemas
    assert applied_versions(conn) == {m.version: (m.name, m.checksum) for m in MIGRATIONS}


def test_migrations_run_twice_without_change(working_path: Path) -> None:
    with connect(working_path) as first:
        before = catalogue(first)
    with connect(working_path) as second:
        assert apply_migrations(second) == []
        after = catalogue(second)
    assert after == before


def test_data_survives_reconnecting(working_path: Path) -> None:
    with connect(working_path) as first:
        first.execute("INSERT INTO sync.cursors VALUES ('s', 'v', now())")
    with connect(working_path) as second:
        assert second.execute("SELECT value FROM sync.cursors").fetchall() == [("v",)]


def test_appended_migration_is_applied_once() -> None:
    extra = Migration(MIGRATIONS[-1].version + 1, "core_widgets", "CREATE TABLE core.widgets (id INTEGER)")
    conn = connect(":memory:")
    assert [m.name for m in apply_migrations(conn, [*MIGRATIONS, extra])] == ["core_widgets"]
    assert apply_migrations(conn, [*MIGRATIONS, extra]) == []
    assert conn.execute("SELECT count(*) FROM core.widgets").fetchone() == (0,)


def test_a_missing_lower_version_is_applied_after_a_higher_one() -> None:
    conn = duckdb.connect()
    one = Migration(1, "one", "CREATE TABLE t1 (x INTEGER)")
    two = Migration(2, "two", "CREATE TABLE t2 (x INTEGER)")
    three = Migration(3, "three", "CREATE TABLE t3 (x INTEGER)")
    apply_migrations(conn, [one, three])
    assert apply_migrations(conn, [one, two, three]) == [two]
    assert sorted(applied_versions(conn)) == [1, 2, 3]


def test_an_edited_migration_is_refused() -> None:
    conn = duckdb.connect()
    apply_migrations(conn, [Migration(1, "one", "CREATE TABLE t1 (x INTEGER)")])
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(conn, [Migration(1, "one", "CREATE TABLE t1 (x BIGINT)")])


def test_a_reworded_comment_is_not_a_changed_migration() -> None:
    conn = duckdb.connect()
    apply_migrations(conn, [Migration(1, "one", "-- old words\nCREATE TABLE t1 (x INTEGER)")])
    assert (
        apply_migrations(
            conn, [Migration(1, "one", "-- new words\n  -- and more\nCREATE TABLE t1 (x INTEGER)")]
        )
        == []
    )
    with pytest.raises(MigrationError, match="changed after it was applied"):
        apply_migrations(conn, [Migration(1, "one", "-- new words\nCREATE TABLE t1 (x BIGINT)")])


def test_a_file_migrated_when_comments_counted_still_opens(working_path: Path) -> None:
    """Deployments recorded whole-text checksums of the first migrations; those files open unchanged."""
    with connect(working_path) as conn:
        for version, (legacy, *_) in LEGACY_CHECKSUMS.items():
            conn.execute(f"UPDATE {MIGRATIONS_TABLE} SET checksum = ? WHERE version = ?", [legacy, version])
    with connect(working_path) as again:
        assert apply_migrations(again) == []
        recorded = applied_versions(again)
    assert {v: recorded[v][1] for v in LEGACY_CHECKSUMS} == {v: c[0] for v, c in LEGACY_CHECKSUMS.items()}


def test_legacy_checksums_name_shipped_migrations_only() -> None:
    shipped = {m.version: m for m in MIGRATIONS}
    assert set(LEGACY_CHECKSUMS) <= set(shipped)
    assert all(shipped[v].checksum not in legacy for v, legacy in LEGACY_CHECKSUMS.items())


def test_a_database_from_newer_code_is_refused() -> None:
    conn = duckdb.connect()
    one = Migration(1, "one", "CREATE TABLE t1 (x INTEGER)")
    apply_migrations(conn, [one, Migration(2, "two", "CREATE TABLE t2 (x INTEGER)")])
    with pytest.raises(MigrationError, match="newer version"):
        apply_migrations(conn, [one])


def test_a_failing_migration_leaves_the_previous_version() -> None:
    conn = duckdb.connect()
    one = Migration(1, "one", "CREATE TABLE t1 (x INTEGER)")
    broken = Migration(2, "broken", "CREATE TABLE t2 (x INTEGER); CREATE TABLE t3 (x NOSUCHTYPE)")
    with pytest.raises(MigrationError, match="migration 2 'broken' failed"):
        apply_migrations(conn, [one, broken])
    assert sorted(applied_versions(conn)) == [1]
    tables = {row[0] for row in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert "t2" not in tables


@pytest.mark.parametrize(
    "migrations",
    [
        [Migration(1, "a", "SELECT 1"), Migration(1, "b", "SELECT 2")],
        [Migration(0, "zero", "SELECT 1")],
        [Migration(1, "empty", "  \n")],
    ],
)
def test_invalid_migration_lists_are_refused(migrations: list[Migration]) -> None:
    with pytest.raises(MigrationError):
        validate_migrations(migrations)


def test_read_only_connect_does_not_migrate(working_path: Path) -> None:
    working_path.parent.mkdir(parents=True)
    duckdb.connect(str(working_path)).close()
    with connect(working_path, read_only=True) as reader:
        assert applied_versions(reader) == {}


def test_connect_can_share_a_file_with_a_dagster_duckdb_resource_in_one_process(working_path: Path) -> None:
    dagster_config = {"custom_user_agent": "dagster"}
    working_path.parent.mkdir(parents=True)
    with duckdb.connect(str(working_path), config=dagster_config) as held_by_resource:
        with connect(working_path, config=dagster_config) as conn:
            assert applied_versions(conn) == {m.version: (m.name, m.checksum) for m in MIGRATIONS}
        assert apply_migrations(held_by_resource) == []
