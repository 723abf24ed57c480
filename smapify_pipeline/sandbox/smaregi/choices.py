"""Every behaviour of the Smaregi sandbox chosen where Smaregi's documentation is unsure.

Keep them here, in one place, so a fact learnt from the real platform is a one-line correction. The
package docstring (``__init__.py``) explains each choice in prose.
"""

from __future__ import annotations

from smapify_pipeline.platforms.rate_limits import RATE_LIMITS
from smapify_pipeline.sync import choices as sync_choices

# --- rate limits (per app x contract, per second; the numbers are unverified) ----------------------------
READ_REQUESTS_PER_SECOND = RATE_LIMITS["sandbox"].smaregi_reads_per_second
"""Production GET budget per contract (the sandbox platform's own figure would be 10)."""
WRITE_REQUESTS_PER_SECOND = RATE_LIMITS["sandbox"].smaregi_writes_per_second
"""Production POST/PUT/PATCH/DELETE budget per contract (the sandbox platform's own figure would be 4)."""

# --- auth (error bodies of the token endpoint and of scope refusals are not documented) -----------------
TOKEN_LIFETIME_SECONDS = 3600
INSUFFICIENT_SCOPE_STATUS = 403
"""A valid token that lacks the route's scope: 403 with an OAuth-problem body (401 stays for bad tokens)."""
OMITTED_SCOPE_GRANTS_ALL = True
"""A token request without ``scope`` gets every scope enabled for the app."""

# --- errors (only the missing-record 404 is documented) -------------------------------------------------
UNKNOWN_PATH_TITLE = "Not Found"
"""A path the API does not route answers 404 ``{"type": "about:blank", "title": "Not Found", "status": 404}``:
the HTTP reason phrase and no ``detail``. A record that does not exist keeps the documented
``"title": "NotFound"`` with ``detail`` 指定されたIDのリソースが見つかりません, so the two stay apart."""

# --- stores ---------------------------------------------------------------------------------------------
STORE_TAX_LABELS = ("標準", "軽減")
"""(taxLabelNormal, taxLabelReduce) of a new store: the two rates' names as receipts print them. The
platform's defaults are not published; both are non-empty strings, as the response schema requires."""

# --- lists ----------------------------------------------------------------------------------------------
RANGE_NEEDS_BOTH_ENDS = True
"""A ``-from`` without its ``-to`` (or the reverse) is a 400, like a missing range."""
MAX_RANGE_DAYS = 31

# --- transactions (tax rounding, returns, cancel/dispose answers are open questions) --------------------
TAX_ROUNDING = "floor"
"""Contract tax rounding (``taxRounding``): 切り捨て; the code written on transactions is ``"1"``."""
TAX_ROUNDING_CODE = "1"
CLIENT_TAX_FIGURES_TRUSTED = True
"""``taxInclude``/``taxExclude`` sent on POST /transactions are stored as sent; when omitted, computed."""
NEGATIVE_SUBTOTAL_NEEDS_RETURN_LINES = True
"""A negative ``subtotal`` is refused unless every negative line is a return line (division ``"2"``)."""
RETURN_LINES_RESTOCK = True
"""Return lines (negative quantity) of stock-managed products put the units back."""
LINE_RETURN_LINKS_ORIGINAL = True
"""A register line return made from a receipt carries the sale's id in ``disposeServerTransactionHeadId``
(``disposeDivision`` stays ``"0"``); real line returns made from the sales screen carry no link."""
CARRIAGE_IN_TAX_INCLUDE = sync_choices.CARRIAGE_IN_TAX_INCLUDE
"""``carriage`` is taxed at the standard rate inside a computed ``taxInclude`` (added to the tax-included 10 %
goods after head discounts). The documented formula names goods only; the sandbox follows the one belief the
sync engine declares, so the two cannot drift apart."""
STANDARD_TAX_RATE = sync_choices.STANDARD_TAX_RATE
CATEGORY_SALE_TAX_DIVISION = "0"
"""A 部門売り line (no product) whose category has no ``taxDivision`` is tax-included."""

# --- stock history (``stockDivision`` codes: likely, not confirmed) ------------------------------------
STOCK_DIVISION_MANUAL = "01"  # 修正: PATCH /stock (absolute) and a manual stock count
STOCK_DIVISION_SALE = "02"  # 売上
STOCK_DIVISION_RETURN = "12"  # 返品 (return lines, cancel, dispose)
STOCK_DIVISION_API = "15"  # スマレジAPI連携: POST /stock/{id}/add
STOCK_DIVISION_STOCKTAKING = "08"  # 棚卸: the /_sandbox stock count hook

# --- masters --------------------------------------------------------------------------------------------
FIRST_MASTER_ID = 8000001
"""Product ids start here (sandbox masters look like 8000001)."""
FIRST_TRANSACTION_ID = 1
PRODUCT_DEFAULT_TAX_DIVISION = "1"
"""Omitted ``taxDivision`` on product create means tax-excluded, as the official page says."""
SEEDED_PRODUCT_TAX_DIVISION = "0"
"""Seeded products are tax-included (Japanese retail prices), matching the Shopify side."""

# --- webhooks (only ids; no signature; retries unverified) ----------------------------------------------
WEBHOOK_USER_AGENT = "Smaregi-Platform-Api-Webhook/1.2.4(sandbox)"
