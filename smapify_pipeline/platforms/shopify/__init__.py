"""Shopify Admin GraphQL client (httpx, no Dagster): ``client.ShopifyClient``, ``bulk.BulkRunner``, typed errors in
``errors``, pacing from the cost bucket in ``pacing``."""
