"""Plan computation over the warehouse tables (DESIGN §3 plan group): SQL selects what may have changed, the
pure rules of :mod:`smapify_pipeline.sync` decide each change, and the result is one ``plan.*`` row per write.
No API calls here; the Dagster assets are ``assets/plan_*.py``."""
