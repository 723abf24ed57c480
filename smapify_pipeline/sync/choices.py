"""Every rule of the sync engine chosen where the platforms' documentation is unsure (docs/architecture.md,
"Where the platforms are unsure").

Kept in one place so that a fact learnt from a real platform is a one-line correction here. Each constant says
what it decides and why; modules import these names instead of repeating literals.
"""

from __future__ import annotations

from typing import Final

# --- markers (no echo, findable after a lost answer) -----------------------------------------------------
SOURCE_NAME: Final = "smapify"
"""``sourceName`` of every Shopify order we create."""
MARKER_PREFIX: Final = "smapify"
"""First word of every marker we write (Shopify tags, sourceIdentifier, refund notes, Smaregi memos)."""
TERMINAL_TRAN_ID_LENGTH: Final = 10
"""``terminalTranId`` is at most 10 characters ("連携元システムで任意の連番")."""
TERMINAL_TRAN_ID_KIND_DIGIT: Final = {"order": "1", "refund": "2"}
"""Digits only (the field is described as a sequence number, so letters may be refused — unconfirmed): one kind
digit then the last 9 digits of the Shopify numeric id. Not unique over all of history, so a lookup must also
match the memo marker, which carries the full id."""
LOOKUP_WINDOW_MINUTES: Final = 10
"""A lost POST /transactions is looked up in ±this window around the terminal time we sent (the list endpoint
has no ``terminal_tran_id`` filter)."""

# --- Smaregi transactions we create -----------------------------------------------------------------------
ONLINE_TERMINAL_ID: Final = "1"
"""An online store has no register. A missing terminal is allowed only with ``sumDivision`` 2 (documented for another endpoint, inferred to apply to POST /transactions), so we always send sumDivision 2
+ sumDate."""
SUM_DIVISION_CLOSED: Final = "2"
RETURN_QUANTITY_SIGN: Final = -1
"""A returned line is ``transactionDetailDivision`` "2" with a positive unit price and a *negative* quantity, so
subtotal and total are negative — what register-made returns look like. The documentation leaves open whether
the API accepts it."""
RETURNS_RESTOCK_ON_SMAREGI: Final = True
"""A return line of a stock-managed product puts the units back at the transaction's store (inferred)."""
CARRIAGE_IN_TAX_INCLUDE: Final = True
"""Shipping charged in Japan carries 10 % consumption tax, so ``carriage`` is taxed at the standard rate inside
``taxInclude`` (added to the 10 % goods before that rate's tax is taken once, per document). Smaregi's page gives
the formula for goods only and adds ``carriage`` to the total separately, so whether Smaregi itself counts
carriage in ``taxInclude`` is unconfirmed; with False a mirrored shipping line would carry no tax line on
Shopify and Shopify's tax would exceed Smaregi's by the shipping's tax."""
STANDARD_TAX_RATE: Final = 10
REFUND_ADJUSTMENT_LINE_NAME: Final = "返金調整"
"""Name of the return line that carries money a Shopify refund paid back beyond (or short of) its lines and
shipping: a goodwill refund, a refund discrepancy. A 部門売り line of ``unlinked_category_id`` (else the generic
unlinked product), so it moves no stock."""
REFUND_ADJUSTMENT_TAX_RATE: Final = 0
"""That line carries no tax: Shopify records a refund discrepancy with a tax amount of 0."""

# --- tax arithmetic ---------------------------------------------------------------------------------------
DEFAULT_TAX_ROUNDING_CODE: Final = "1"
"""Contract tax rounding when the contract's setting is unknown: 切り捨て (floor). Codes "0" round (half up),
"1" floor, "2" ceil follow ``GET /consumption_tax_rates`` ``taxRounding`` (UNVERIFIED, one source). Floor is the
most common Japanese retail setting and the merchant-facing default we have seen."""
NEGATIVE_AMOUNTS_ROUND_SYMMETRICALLY: Final = True
"""Tax on a negative (return) amount is minus the tax on the positive amount, so a full return cancels its sale
to the yen whatever the rounding mode."""
TAX_LINE_TITLES: Final = {10: "消費税 10%", 8: "消費税 8%（軽減税率）"}
"""Shopify tax line titles by rate; other rates get "消費税 {r}%"."""
ADJUSTMENT_LINE_TITLE: Final = "端数・手数料調整"
"""Custom Shopify line that carries a positive difference (commission, rounding up) so totals still match."""
SHIPPING_LINE_TITLE: Final = "送料"
ORDER_DISCOUNTS_FOLD_INTO_LINES: Final = True
"""A Shopify order-level discount (ACROSS, all lines) reaches Smaregi folded into each line's
``unitDiscountPrice`` as Shopify allocated it, not as ``subtotalDiscountPrice``: Smaregi would re-spread a head
discount over the tax rates by its own rule, which can move a yen between 10 % and 8 %; Shopify's allocations
keep each rate's base equal to Shopify's to the yen."""

# --- stock counts ---------------------------------------------------------------------------------------
STOCK_COUNT_MAX: Final = 999_999_999
"""The largest count both platforms hold: Smaregi stock is within ±999,999,999, Shopify quantities within ±10⁹.
A primary count outside 0..this is never copied to the secondary (docs/architecture.md, "Stock principle")."""

# --- Shopify writes ---------------------------------------------------------------------------------------
CURRENCY: Final = "JPY"
SALE_ADJUST_REASON: Final = "correction"
"""``reason`` of the −quantity adjustment that follows a mirrored POS sale (any listed reason is accepted)."""
STOCK_PUSH_REASON: Final = "correction"
QUANTITY_NAME: Final = "available"
REFERENCE_DOCUMENT_APP: Final = "smapify"
"""``referenceDocumentUri`` is ``gid://smapify/<Entity>/<id>`` as Shopify recommends for app documents."""
IDEMPOTENCY_NAMESPACE: Final = "6f0c51a8-3c6b-5b5e-9d1b-5a7d8e0c2f11"
"""UUID namespace of ``@idempotent(key:)`` values: uuid5(namespace, "<ledger key>#<attempt>"). Shopify strongly
recommends UUIDs and documents no other format; a UUID is 36 characters, well under any length limit seen."""

# --- products ---------------------------------------------------------------------------------------------
SMAREGI_TAX_DIVISION_INCLUDED: Final = "0"
SMAREGI_VISIBLE: Final = "1"
SMAREGI_HIDDEN: Final = "0"
HIDDEN_SHOPIFY_STATUS: Final = "DRAFT"
"""A product hidden on Smaregi (displayFlag 0) becomes DRAFT on Shopify unless it is already ARCHIVED."""
SHOPIFY_OPTION_NAMES: Final = {"size": "サイズ", "color": "カラー"}
"""Shopify option names for Smaregi size/color when we create a product; reading accepts these and English."""
SHOPIFY_OPTION_ALIASES: Final = {
    "size": ("サイズ", "size", "Size"),
    "color": ("カラー", "色", "color", "Color", "colour", "Colour"),
}
DEFAULT_OPTION_NAME: Final = "Title"
DEFAULT_OPTION_VALUE: Final = "Default Title"
GROUP_CODE_PREFIX: Final = "SHOPIFY-"
"""``groupCode`` of Smaregi products created from a Shopify product: prefix + the product's numeric id."""
PAYMENT_GATEWAY: Final = "smaregi"
"""``gateway`` of the paid SALE transaction recorded on Shopify orders mirrored from the register."""
