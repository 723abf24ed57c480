"""``core.location_links``: the configured (Smaregi store, Shopify location) pairs that exist on both sides.

A pair naming a store or a location the extract did not find is quarantined with the reason and left out, so
nothing is mirrored to a place that does not exist; the other pairs go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from smapify_pipeline.warehouse.quarantine import quarantine_rows

QUARANTINE_SOURCE = "core.location_links"


@dataclass(frozen=True)
class LocationLinkReport:
    links: int
    quarantined: int


def build_location_links(
    conn: duckdb.DuckDBPyConnection,
    pairs: Sequence[tuple[str, str]],
    *,
    run_id: str | None = None,
    now: datetime | None = None,
) -> LocationLinkReport:
    """Rebuild ``core.location_links`` from ``pairs`` of (Smaregi storeId, Shopify location GID)."""
    stores = {row[0] for row in conn.execute("SELECT store_id FROM raw.smaregi_stores").fetchall()}
    locations = {
        row[0]
        for row in conn.execute(
            "SELECT location_id FROM raw.shopify_locations WHERE coalesce(is_active, true)"
        ).fetchall()
    }
    good: list[tuple[str, str]] = []
    bad: list[tuple[str, str, dict[str, str]]] = []
    for store, location in pairs:
        problems = []
        if store not in stores:
            problems.append(f"unknown Smaregi store {store}")
        if location not in locations:
            problems.append(f"unknown or inactive Shopify location {location}")
        if problems:
            record = {"smaregi_store_id": store, "shopify_location_id": location}
            bad.append((f"{store}={location}", "; ".join(problems), record))
        else:
            good.append((store, location))
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("DELETE FROM core.location_links")
        if good:
            conn.executemany("INSERT INTO core.location_links VALUES (?, ?)", good)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if bad:
        quarantine_rows(conn, QUARANTINE_SOURCE, bad, run_id=run_id, now=now or datetime.now(UTC))
    return LocationLinkReport(links=len(good), quarantined=len(bad))
