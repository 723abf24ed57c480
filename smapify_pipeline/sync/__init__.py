"""The sync engine's pure rules (DESIGN §4–§5): no Dagster, no HTTP, no DuckDB.

Plan assets adapt table rows to the small frozen dataclasses of :mod:`.records` and call:

* :mod:`.markers` / :mod:`.keys` — what makes our writes recognisable, and the ledger's idempotency keys;
* :mod:`.smaregi_totals` — exact yen arithmetic of a Smaregi transaction;
* :mod:`.classify` — which Smaregi and Shopify documents are mirrored and as what;
* :mod:`.orders` — POS sale → Shopify order, online order → Smaregi transaction;
* :mod:`.refunds` — Shopify refund → Smaregi return, Smaregi return / void / reversal → Shopify refund;
* :mod:`.products` — field mapping, three-way merge, exclusion; :mod:`.product_writes` — the bodies that
  carry merged changes, creates and deletes;
* :mod:`.stock` — the stock principle's correction and its audit records.

Helpers: :mod:`.smaregi_body` (a POST /transactions body from detail drafts), :mod:`.writes` (planned stock
writes, money and tax-line helpers), :mod:`.audit` (audit records), :mod:`.gids`, :mod:`.timefmt`.

Every choice made where the platforms' behaviour is unsure lives in :mod:`.choices`.
"""
