"""Smaregi Platform API (POS) sandbox: a stateful simulator served over real HTTP.

Layout, as on the Shopify sandbox: the backend — ``state.py`` (every operation on the state) with
``transactions.py`` (create/edit/cancel/dispose), ``validation.py`` and ``totals.py`` (Smaregi's
subtotal/tax/total rules) — and thin HTTP handlers on Starlette: ``routing.py`` (what an operation is),
``routes_*.py`` + ``lists.py``/``listing.py``, ``auth.py`` (token endpoint, bearer and scope checks),
``errors.py`` (problem bodies), ``ratelimit.py``, ``app.py`` (:class:`SmaregiSandbox`: the shared lifecycle of
``sandbox/lifecycle.py`` and the ASGI app), ``register.py`` + ``hooks.py`` (``/_sandbox`` test hooks),
``seeding.py``, ``webhooks.py``. The constants behind every choice below live in ``choices.py``.

Behaviours chosen where Smaregi's documentation is unsure (the contract tests in
``tests/contract/smaregi_sandbox`` exercise most of them):

Auth
  * One app serves the token endpoint (``POST /app/{contract_id}/token``) and the API (``/{contract_id}/pos``).
  * Wrong client id/secret, a non-``Basic`` header, or an unknown contract: 401 OAuth problem
    ``invalid_client``. ``grant_type`` other than ``client_credentials``: 400 ``unsupported_grant_type``.
    A scope the app does not have: 400 ``invalid_scope``. An omitted ``scope`` grants every enabled scope.
    Only plain ``Basic <base64>`` is accepted (a client copying the doc's ``Basic {…}`` braces is refused).
  * Missing, unknown, expired (3600 s on the sandbox clock) or other-contract tokens: 401 with the real
    ``access_denied`` body. A valid token lacking the route's scope: **403** ``insufficient_scope``
    (OAuth-problem shape, ``scope`` names the missing one). Categories use ``pos.products:*``.
  * Token requests do not count against the rate limit, and get faults only when the fault plan names
    ``POST /app/{contract_id}/token`` in its ``operations`` (the token host is separate on the real platform).

Conventions
  * Request bodies must use JSON strings for every scalar (numbers are refused with 400); unknown body
    fields are refused with 400 (catches client typos; the real API may ignore them).
  * A range filter needs both ``-from`` and ``-to``. Datetime ranges may span at most 31×24 h; date ranges
    (``sum_date``) at most 31 calendar days. The 31-day cap applies to ``/transactions`` and ``/stock``; the
    ``upd_date_time`` range of ``/products`` is uncapped. ``/categories`` filters by ``category_code`` and
    ``level`` only; ``/stores`` takes no filters.
  * Query parameters Smaregi does not document are ignored (no ``terminal_tran_id`` filter on
    ``/transactions``: find a transaction by its terminal id client-side, as on Smaregi).
  * ``fields`` naming an unknown field is a 400. ``with_details=summary`` returns the same detail rows as
    ``all``. No ``Link`` header. Answers carry every field of a resource, ``null`` where unset.
  * Unknown paths (including endpoints the sandbox does not model): 404 ``{"type": "about:blank", "title":
    "Not Found", "status": 404}``, without the ``detail`` of a missing record (``"title": "NotFound"``, detail
    指定されたIDのリソースが見つかりません); a known path with another method: 405 problem.

Transactions
  * ``POST /transactions`` answers 200 with the stored transaction including ``details``.
  * ``taxInclude``/``taxExclude`` are stored as sent; when omitted they are computed per (tax division,
    rate) group, head discounts allocated in proportion, 切り捨て (towards zero). ``total`` is checked with
    the effective ``taxExclude``; ``subtotal`` against the lines. Both mismatches are 400 with a detail that
    names the computed figure.
  * 部門売り lines (no ``productId``/``productCode``) need ``transactionDetailDivision`` ``"3"`` (or ``"2"`` for
    a returned one) and an existing ``categoryId``; ``productName`` defaults to the category name, the tax
    division to the category's or else tax-included; they get ``productDivision`` ``"3"`` and move no stock.
  * Line tax rate: 8% when the product's category carries the sandbox's reduced-rate id (``10000001``),
    otherwise 10%.
  * A negative ``subtotal`` is accepted only when every negative line is a return line
    (``transactionDetailDivision`` ``"2"``, quantity negative, unit price positive); a return line with a
    positive quantity is a 400. Return lines of stock-managed products put the units back.
  * Register line returns (``register_return``) link to the sale in ``disposeServerTransactionHeadId``
    while ``disposeDivision`` stays ``"0"`` (real line returns from the sales screen carry no link).
  * ``POST /transactions/{id}/cancel`` (取消): same row, ``cancelDivision`` ``"1"``, ``cancelDateTime``,
    stock back, 200 with the head, webhook ``canceled``. A cancelled or disposed sale cannot be cancelled.
  * ``POST /transactions/{id}/dispose`` (打消): the original gets ``disposeDivision`` ``"1"``; a negative
    copy dated now (or the body's ``terminalTranDateTime``) gets ``disposeDivision`` ``"2"`` and
    ``disposeServerTransactionHeadId``; stock back; 200 with the new record; one webhook ``disposed``
    carrying both ids (original first).
  * Defaults on created transactions: ``sumDivision`` ``"2"``, ``sumDate`` = the terminal date, ``taxRounding``
    ``"1"``, ``roundingDivision`` ``"00"``, ``transactionUuid`` = zero-padded id. ``PATCH /transactions/{id}``
    takes ``memo``, ``receiptMemo``, ``staffId``, ``customerId``, ``customerCode``, ``tags``, ``barcode``.
  * A 打消 record copies the original's ``terminalId``/``terminalTranId`` (tell the two apart by
    ``disposeDivision``); register sales and seeded sales use the transaction id as ``terminalTranId``.
  * Detail rows carry the documented field names only (no ``inTaxSalesPrice``); ``terminalTranDateTime`` is
    repeated on each detail, as the independent OpenAPI description requires.

Stock
  * History ``stockDivision``: ``01`` absolute PATCH, ``15`` relative add, ``02`` sale lines (and their
    reversal by cancel/dispose), ``12`` return lines, ``08`` stock counts and seeded stock. Every write fires
    ``pos:stock`` ``edited`` with ``ids[{id, productId, storeId}]``, also writes made by transactions.
  * Deleting a product deletes its stock rows and history.

Rate limits
  * Per contract, production figures: 50 reads/s, 20 writes/s (token buckets holding one second of budget,
    refilled on the sandbox clock). 429 with ``Retry-After`` = whole *simulated* seconds until a request fits
    (≥ 1), so with a time scale a client honouring it waits longer than needed, never too little.

Webhooks
  * Events ``pos:transactions``, ``pos:products``, ``pos:stock``, ``pos:categories``; one attempt per delivery
    (no retry is documented); the shared-secret header defaults to ``X-Smaregi-Webhook-Secret``.

Seeding
  * Stores ``"1"``… from the catalogue's locations, every field filled (fictional addresses and numbers,
    tax labels 標準 / 軽減); product ids from ``8000001``; seeded products are
    tax-included (``taxDivision`` ``"0"``); non-zero seeded stock is one 棚卸 history row, zero stock no row.
    Seeded past sales are stored at their sale time and do not move stock.
"""

from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox

__all__ = ["SmaregiSandbox"]
