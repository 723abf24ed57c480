"""Smaregi Platform API (POS) client (httpx, no Dagster): ``client.SmaregiClient``, value conversion in
``convert``, typed errors in ``errors``, per-contract rate budgets in ``ratelimit``, date windows in
``windows``."""
