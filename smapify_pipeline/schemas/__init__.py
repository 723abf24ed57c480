"""The raw layer: from API records to typed, validated frames plus quarantine rows (pure pandas, no I/O).

Each raw table is declared once (``shopify.py``, ``smaregi.py``, built with ``raw_table.py``); its DDL, its
pandera schema and the columns the normalizers fill derive from that declaration. Flow per extract:
``normalize_shopify_*`` / ``normalize_smaregi_*`` (records -> ``NormalizedTable``: a frame with the table's
columns and ``_parse_errors``, plus the raw records) -> ``tables.validate_table`` (pandera, lazy) ->
``ValidationOutcome(valid, quarantined)``. Quarantine rows fit ``quarantine.records`` of the warehouse
migrations. Unsure choices: ``choices.py``.
"""
