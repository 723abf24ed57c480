"""Linking the two shops (docs/architecture.md, "Linking"): which Smaregi product is which Shopify variant, and
which store is which location. Pure SQL over the ``raw`` tables; the Dagster assets are in :mod:`.assets`."""
