"""The sync engine's pure rules (DESIGN §4–§5): no Dagster, no HTTP, no DuckDB.

Plan assets adapt table rows to the small frozen dataclasses of :mod:`.records` and call:

* :mod:`.markers` / :mod:`.keys` — what makes our writes recognisable, and the ledger's idempotency keys;
* :mod:`.smaregi_totals` — exact yen arithmetic of a Smaregi transaction;
* :mod:`.classify` — which Smaregi and Shopify documents are mirrored and as what;
* :mod:`.orders` — POS sale → Shopify order, online order → Smaregi transaction;
* :mod:`.refunds` — Shopify refund → Smaregi return, Smaregi return / void / reversal → Shopify refund;
* :mod:`.products` — field mapping, three-way merge, creates, deletes, exclusion;
* :mod:`.stock` — the stock principle's correction and its audit records.

Every choice made where the platforms' behaviour is unsure lives in :mod:`.choices`.
"""
