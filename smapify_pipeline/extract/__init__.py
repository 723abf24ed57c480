"""Reading both platforms into the raw tables.

``streams.py`` declares the ten streams (what each reads, which raw tables it fills, its cursor and how it finds
deletions); ``run.py`` runs one (read, validate and load with ``load.py``, mark deletions, move the cursor);
``assets.py`` makes each stream an asset and ``checks.py`` adds its asset checks. The reads themselves are in
``shopify_streams.py`` (with the GraphQL of ``shopify_queries.py``) and ``smaregi_streams.py``.
"""
