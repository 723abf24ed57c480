"""Reading Smaregi: short-page lists, ``upd_date_time`` windows of at most 31 days, records left as strings.

Records are read untyped (``typed=False``) on purpose: the normalizers type them column by column and turn a
value that does not parse into a quarantine reason, where typing in the client would reject the whole page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from smapify_pipeline.platforms.smaregi.client import SmaregiClient

TRANSACTIONS_PAGE_SIZE = 100
"""Smaregi allows at most 100 transactions a page when details are included."""


def stores(client: SmaregiClient) -> list[dict[str, Any]]:
    return list(client.get_list("/stores", typed=False))


def categories(client: SmaregiClient) -> list[dict[str, Any]]:
    return list(client.get_list("/categories", typed=False))


def products(client: SmaregiClient, since: datetime | None, until: datetime) -> Iterator[dict[str, Any]]:
    if since is None:
        return client.get_list_parallel("/products", typed=False)
    return client.get_windowed("/products", "upd_date_time", since, until, typed=False)


def product_ids(client: SmaregiClient) -> set[str]:
    """Every product id that exists now: how deletions are found (Smaregi has no deletion feed)."""
    return {
        str(row["productId"])
        for row in client.get_list_parallel("/products", {"fields": "productId"}, typed=False)
    }


def stock(client: SmaregiClient, since: datetime | None, until: datetime) -> Iterator[dict[str, Any]]:
    if since is None:
        return client.get_list_parallel("/stock", typed=False)
    return client.get_windowed("/stock", "upd_date_time", since, until, typed=False)


def transactions(client: SmaregiClient, since: datetime, until: datetime) -> Iterator[dict[str, Any]]:
    """Transactions (with their details) changed in ``[since, until]``."""
    return client.get_windowed(
        "/transactions",
        "upd_date_time",
        since,
        until,
        {"with_details": "all"},
        limit=TRANSACTIONS_PAGE_SIZE,
        typed=False,
    )
