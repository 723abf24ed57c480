"""The sync engine's shared vocabulary and machinery; the change families live in :mod:`smapify_pipeline.documents`,
:mod:`smapify_pipeline.products` and :mod:`smapify_pipeline.stock`, each read rules → plan → writers → apply →
assets.

* :mod:`.records`, :mod:`.keys`, :mod:`.markers`, :mod:`.gids`, :mod:`.timefmt`, :mod:`.audit`, :mod:`.writes` —
  the records the rules read, the ledger's idempotency keys, what makes our writes recognisable, and the planned
  writes the families share;
* :mod:`.choices` — every choice made where the platforms' behaviour is unsure;
* :mod:`.plan` — the one plan-row contract and the one atomic ``replace_plan``;
* :mod:`.apply` — the ledger protocol (exactly once), with :mod:`.payloads` keeping each write's variables;
* :mod:`.push` — the push runner every family uses, and :mod:`.report` the plan metadata.
"""
