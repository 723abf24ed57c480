"""Linking the two shops (DESIGN §3 link group): which Smaregi product is which Shopify variant, and which
store is which location. Pure SQL over the ``raw`` tables; the Dagster assets are in ``assets/link.py``."""
