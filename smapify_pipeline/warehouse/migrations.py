"""Versioned, idempotent DDL for the working DuckDB file, applied on every connect.

Each migration is one SQL file in ``smapify_pipeline/warehouse/sql/`` named ``NNNN_what_it_does.sql``:
the number is the version, the rest is the name. To change the schema, **add a new file** with the next free
number (e.g. ``0031_raw_shopify_products_vendor.sql``); never edit a file that has shipped, because applied
migrations are recorded with a checksum of their statements and a changed statement is refused at connect time
(comment lines do not count: rewording a comment is not a schema change). Two files with the same
version fail loudly at import, which is how parallel branches that picked the same number find out. The raw
tables are declared in ``schemas/`` and ``0006_raw_tables.sql`` is their DDL as first shipped: a raw column
added to a declaration needs a migration that adds it (``tests/unit/warehouse/test_raw_migration.py`` fails
until the migrated tables match the declarations).

Applied migrations are recorded in ``sync.schema_migrations`` (version, name, checksum, applied_at). Every
pending migration runs in its own transaction together with its bookkeeping row, so a failure leaves the
file at the previous version. Versions missing from the file are applied in ascending order even when a
higher version is already recorded (branches merged out of order); a recorded version that this code does
not know means the file was written by newer code and is refused.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

import duckdb

from smapify_pipeline.warehouse.queries import first_row

MIGRATIONS_TABLE = "sync.schema_migrations"
_SQL_PACKAGE = "smapify_pipeline.warehouse"
_SQL_FOLDER = "sql"
_FILE_NAME = re.compile(r"^(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql$")

_BOOTSTRAP_SQL = f"""
CREATE SCHEMA IF NOT EXISTS sync;
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    version    INTEGER PRIMARY KEY,
    name       VARCHAR NOT NULL,
    checksum   VARCHAR NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
"""


class MigrationError(RuntimeError):
    """The working file and the migrations in the code disagree; nothing was changed."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """Of the statements: ``--`` comment lines, blank ends and trailing spaces do not count."""
        lines = self.sql.strip().splitlines()
        statements = "\n".join(line.rstrip() for line in lines if not line.lstrip().startswith("--"))
        return hashlib.sha256(statements.encode("utf-8")).hexdigest()

    @property
    def accepted_checksums(self) -> frozenset[str]:
        """This file's checksum, and the whole-text one recorded before comments stopped counting."""
        return frozenset({self.checksum, *LEGACY_CHECKSUMS.get(self.version, ())})


LEGACY_CHECKSUMS: dict[int, tuple[str, ...]] = {
    1: ("a431503b9e2377b654ced3a12fe3fd39fbce99facdca5dba7c58aaf3251d538d",),
    2: ("00582538a126be23a0ae81e47b5308ec561a4d24923f54414edec9ec64060be0",),
    3: ("16d7798971ab9dc9acf7830837a6a7e5ab9b4567f139eec093c1c21e90485d77",),
    4: ("9bb1f9ff56820262137f33dc60eebc36bcad9e4f6ae3fc4df3d235af5cf141a2",),
    5: ("d8d61bdc84aa66af5fce621e59cfefc6318d21a2d67486f70a88d058137773ab",),
    6: ("e3f84fbf7d620e30a1f71863e2c8996f6da1c9ee4b5b34b237102ff9071f7e4b",),
    10: ("d18c1fc6a1e6e3a7635ca18f0626a75327df3058e321c0c43e5337efbd944fb9",),
    11: ("b92b5ea848ff0890f21f717a3213d74d0e61a1a3b95870447362ef19af805033",),
    12: ("ecc6d4634cba8f9e8e0bf5505dc93b4789527423b2c6044032d85d35f718df3a",),
    20: ("723e4e62388b36e6606fc4f374438d65a529e3d3007b9fc567ccbf185c87bc18",),
    21: ("418c6ec3399ad18b77fbb84c6a8825373e542eb4364d5fe364773e83ce35588d",),
    30: ("c7546338d8d00f576f993d9d9a4f2b99f5f18c34fe7415f2a235ca29e4a205c3",),
}
"""Whole-text checksums that deployments recorded for the migrations first shipped, when comments still counted;
they stay valid so that a file migrated then opens unchanged."""


def load_migrations(package: str = _SQL_PACKAGE, folder: str = _SQL_FOLDER) -> tuple[Migration, ...]:
    """Read every ``NNNN_name.sql`` file in ``folder`` of ``package``, ordered by version."""
    found: dict[int, Migration] = {}
    for entry in resources.files(package).joinpath(folder).iterdir():
        match = _FILE_NAME.match(entry.name)
        if match is None:
            if entry.name.endswith(".sql"):
                raise MigrationError(f"migration file {entry.name!r} is not named NNNN_lowercase_name.sql")
            continue
        version = int(match["version"])
        if version in found:
            raise MigrationError(
                f"two migrations share version {version}: {found[version].name!r} and {match['name']!r}; "
                "renumber the newer one"
            )
        found[version] = Migration(version, match["name"], entry.read_text(encoding="utf-8"))
    return validate_migrations(found.values())


def validate_migrations(migrations: Iterable[Migration]) -> tuple[Migration, ...]:
    """Sort by version and refuse duplicates, non-positive versions and empty SQL."""
    ordered = tuple(sorted(migrations, key=lambda m: m.version))
    seen: set[int] = set()
    for migration in ordered:
        if migration.version < 1:
            raise MigrationError(
                f"migration {migration.name!r} has version {migration.version}; versions start at 1"
            )
        if migration.version in seen:
            raise MigrationError(f"two migrations share version {migration.version}")
        if not migration.sql.strip():
            raise MigrationError(f"migration {migration.version} {migration.name!r} is empty")
        seen.add(migration.version)
    return ordered


MIGRATIONS: tuple[Migration, ...] = load_migrations()


def applied_versions(conn: duckdb.DuckDBPyConnection) -> dict[int, tuple[str, str]]:
    """Version -> (name, checksum) of what the file has recorded; empty for a fresh file."""
    exists = first_row(
        conn,
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'sync' AND table_name = 'schema_migrations'",
    )
    if not exists or not exists[0]:
        return {}
    rows = conn.execute(f"SELECT version, name, checksum FROM {MIGRATIONS_TABLE} ORDER BY version").fetchall()
    return {int(version): (name, checksum) for version, name, checksum in rows}


def apply_migrations(
    conn: duckdb.DuckDBPyConnection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[Migration]:
    """Bring the file up to date; returns the migrations applied now (empty when already current).

    Safe to call on every connect. Must not be called inside an open transaction.
    """
    ordered = validate_migrations(migrations)
    recorded = applied_versions(conn)
    _check_recorded(recorded, ordered)
    pending = [m for m in ordered if m.version not in recorded]
    if not pending:
        return []
    conn.execute(_BOOTSTRAP_SQL)
    for migration in pending:
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(migration.sql)
            conn.execute(
                f"INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES (?, ?, ?)",
                [migration.version, migration.name, migration.checksum],
            )
            conn.execute("COMMIT")
        except Exception as error:
            conn.execute("ROLLBACK")
            raise MigrationError(
                f"migration {migration.version} {migration.name!r} failed: {error}"
            ) from error
    return pending


def _check_recorded(recorded: dict[int, tuple[str, str]], known: Sequence[Migration]) -> None:
    by_version = {m.version: m for m in known}
    for version, (name, checksum) in recorded.items():
        migration = by_version.get(version)
        if migration is None:
            raise MigrationError(
                f"the database has migration {version} {name!r}, which this code does not know: "
                "it was written by a newer version of smapify_pipeline"
            )
        if checksum not in migration.accepted_checksums:
            raise MigrationError(
                f"migration {version} {migration.name!r} changed after it was applied; add a new migration "
                "instead of editing a shipped one"
            )
