"""The raw layer: from API records to typed, validated frames plus quarantine rows (pure pandas, no I/O).

Flow per extract: ``normalize_shopify_*`` / ``normalize_smaregi_*`` (records -> ``NormalizedTable``: a frame
with the DDL columns and ``_parse_errors``, plus the raw records) -> ``registry.validate_table`` (pandera, lazy)
-> ``ValidationOutcome(valid, quarantined)``. ``ddl.RAW_TABLES`` creates the tables the valid frames go into;
quarantine rows fit ``quarantine.records`` of the warehouse migrations. Unsure choices: ``choices.py``.
"""
