"""Shopify Admin GraphQL client (httpx, no Dagster): :class:`ShopifyClient`, :class:`BulkRunner`, typed errors."""

from smapify_pipeline.platforms.shopify.bulk import BulkOperation, BulkRunner
from smapify_pipeline.platforms.shopify.client import DEFAULT_API_VERSION, ShopifyClient
from smapify_pipeline.platforms.shopify.errors import (
    AccessDenied,
    AuthError,
    BulkOperationError,
    GraphQLError,
    MaxCostExceeded,
    OutcomeUnknown,
    ShopifyError,
    ShopifyHTTPError,
    ShopifyUserError,
    ThrottledError,
    UserErrorDetail,
)
from smapify_pipeline.platforms.shopify.idempotency import idempotency_key

__all__ = [
    "DEFAULT_API_VERSION",
    "AccessDenied",
    "AuthError",
    "BulkOperation",
    "BulkOperationError",
    "BulkRunner",
    "GraphQLError",
    "MaxCostExceeded",
    "OutcomeUnknown",
    "ShopifyClient",
    "ShopifyError",
    "ShopifyHTTPError",
    "ShopifyUserError",
    "ThrottledError",
    "UserErrorDetail",
    "idempotency_key",
]
