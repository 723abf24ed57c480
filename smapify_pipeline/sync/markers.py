"""Markers that make our own writes recognisable (no echo) and findable after a lost
answer (docs/architecture.md, "Ledger and exactly-once"): a ``pending`` ledger row is resolved by looking the marker up on the remote side.

Shopify orders we create from Smaregi sales carry ``sourceName`` "smapify", ``sourceIdentifier``
``smapify:smaregi:{contract}:txn:{id}`` and the tag ``smapify-txn-{contract}-{id}`` (tags are searchable with
``orders(query:"tag:'…'")``; ``source_identifier:`` is not a confirmed filter). Shopify refunds we create carry a
``note`` marker. Smaregi transactions we create carry a ``memo`` marker and a digits-only ``terminalTranId``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from smapify_pipeline.sync import choices
from smapify_pipeline.sync.gids import numeric_id
from smapify_pipeline.sync.timefmt import smaregi_datetime

_PREFIX = choices.MARKER_PREFIX


@dataclass(frozen=True)
class SmaregiSource:
    """The Smaregi transaction a Shopify document of ours mirrors."""

    contract_id: str
    transaction_head_id: str


@dataclass(frozen=True)
class ShopifySource:
    """The Shopify order or refund a Smaregi transaction of ours mirrors (``kind`` "order" or "refund")."""

    kind: str
    shopify_id: str
    """Numeric id."""


# --- Shopify orders created from Smaregi sales -------------------------------------------------------------


def order_source_identifier(contract_id: str, transaction_head_id: str) -> str:
    """``sourceIdentifier`` of the Shopify order mirroring Smaregi sale ``transaction_head_id``."""
    return f"{_PREFIX}:smaregi:{contract_id}:txn:{transaction_head_id}"


def order_tag(contract_id: str, transaction_head_id: str) -> str:
    """The tag that finds that order again (no commas or colons, so it survives tag splitting and search)."""
    return f"{_PREFIX}-txn-{_tag_safe(contract_id)}-{transaction_head_id}"


def order_lookup_query(contract_id: str, transaction_head_id: str) -> str:
    """``orders(query:)`` string that finds the order mirroring a Smaregi sale after a lost answer."""
    return f"tag:'{order_tag(contract_id, transaction_head_id)}'"


_SOURCE_IDENTIFIER = re.compile(rf"^{_PREFIX}:smaregi:(?P<contract>[^:]+):txn:(?P<txn>\d+)$")
_ORDER_TAG = re.compile(rf"^{_PREFIX}-txn-(?P<contract>.+)-(?P<txn>\d+)$")


def order_is_ours(source_name: str | None, source_identifier: str | None, tags: tuple[str, ...] = ()) -> bool:
    """A Shopify order we created (so never mirrored back). Any one marker suffices."""
    if source_name == choices.SOURCE_NAME:
        return True
    if source_identifier and _SOURCE_IDENTIFIER.match(source_identifier):
        return True
    return any(_ORDER_TAG.match(tag.strip()) for tag in tags)


def order_source(source_identifier: str | None, tags: tuple[str, ...] = ()) -> SmaregiSource | None:
    """The Smaregi sale a Shopify order of ours mirrors, from its sourceIdentifier (else its tag)."""
    if source_identifier:
        match = _SOURCE_IDENTIFIER.match(source_identifier)
        if match:
            return SmaregiSource(match["contract"], match["txn"])
    for tag in tags:
        match = _ORDER_TAG.match(tag.strip())
        if match:
            return SmaregiSource(match["contract"], match["txn"])
    return None


# --- Shopify refunds created from Smaregi returns / voids / reversals --------------------------------------


def refund_note(contract_id: str, transaction_head_id: str, event: str) -> str:
    """``note`` of a Shopify refund we create; ``event`` is "return", "void" or "reversal"."""
    return f"{_PREFIX}:smaregi:{contract_id}:txn:{transaction_head_id}:{event}"


_REFUND_NOTE = re.compile(rf"^{_PREFIX}:smaregi:(?P<contract>[^:]+):txn:(?P<txn>\d+):(?P<event>[a-z]+)$")


def refund_is_ours(note: str | None) -> bool:
    """A Shopify refund we created (never mirrored back to Smaregi)."""
    return bool(note and _REFUND_NOTE.match(note.strip()))


def refund_source(note: str | None) -> SmaregiSource | None:
    match = _REFUND_NOTE.match(note.strip()) if note else None
    return SmaregiSource(match["contract"], match["txn"]) if match else None


# --- Smaregi transactions created from Shopify orders and refunds ------------------------------------------


def transaction_memo(kind: str, shopify_id: str) -> str:
    """``memo`` of a Smaregi transaction we create from a Shopify order or refund (``kind`` "order"/"refund")."""
    if kind not in choices.TERMINAL_TRAN_ID_KIND_DIGIT:
        raise ValueError(f"unknown marker kind {kind!r}")
    return f"{_PREFIX}:shopify:{kind}:{numeric_id(shopify_id)}"


def terminal_tran_id(kind: str, shopify_id: str) -> str:
    """``terminalTranId`` (≤10 digits): the kind digit then the last 9 digits of the Shopify numeric id."""
    digit = choices.TERMINAL_TRAN_ID_KIND_DIGIT.get(kind)
    if digit is None:
        raise ValueError(f"unknown marker kind {kind!r}")
    body_length = choices.TERMINAL_TRAN_ID_LENGTH - len(digit)
    return digit + numeric_id(shopify_id)[-body_length:].rjust(body_length, "0")


_MEMO = re.compile(rf"(?:^|\s){_PREFIX}:shopify:(?P<kind>order|refund):(?P<id>\d+)(?:\s|$)")


def transaction_is_ours(memo: str | None) -> bool:
    """A Smaregi transaction we created (never mirrored back to Shopify: no echo)."""
    return bool(memo and _MEMO.search(memo))


def transaction_source(memo: str | None) -> ShopifySource | None:
    match = _MEMO.search(memo) if memo else None
    return ShopifySource(match["kind"], match["id"]) if match else None


def transaction_lookup_params(store_id: str, terminal_time: datetime) -> dict[str, str]:
    """``GET /transactions`` query that lists the candidates for a lost POST /transactions.

    The list has no terminal-id filter, so we list the store's transactions around the terminal time we sent
    and keep those :func:`transaction_matches` accepts.
    """
    window = timedelta(minutes=choices.LOOKUP_WINDOW_MINUTES)
    return {
        "store_id": store_id,
        "terminal_tran_date_time-from": smaregi_datetime(terminal_time - window),
        "terminal_tran_date_time-to": smaregi_datetime(terminal_time + window),
    }


def transaction_matches(
    kind: str, shopify_id: str, memo: str | None, terminal_tran_id_value: str | None
) -> bool:
    """Whether a listed Smaregi transaction is the one we wrote for this Shopify order/refund."""
    expected = ShopifySource(kind, numeric_id(shopify_id))
    return transaction_source(memo) == expected and terminal_tran_id_value in (
        None,
        terminal_tran_id(kind, shopify_id),
    )


def _tag_safe(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z_]+", "_", text)
