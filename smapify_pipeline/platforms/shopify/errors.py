"""Typed errors of the Shopify client.

Retryable conditions (transport errors, 5xx, 429, ``THROTTLED``) are handled inside the client; what reaches
the caller is final: a business failure (:class:`ShopifyUserError`), a bug or configuration problem
(:class:`GraphQLError`, :class:`AuthError`, :class:`MaxCostExceeded`), a write whose fate is unknown
(:class:`OutcomeUnknown`), or retries given up (:class:`ThrottledError`, :class:`ShopifyHTTPError`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smapify_pipeline.platforms import errors as platform_errors


class ShopifyError(platform_errors.PlatformError):
    """Base of every Shopify client error."""


class AuthError(ShopifyError):
    """The token was refused (401/403) or could not be obtained."""


class ShopifyHTTPError(ShopifyError):
    """An HTTP status the client does not retry, or a retryable one after the last attempt."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(f"HTTP {status}: {message}")


class ThrottledError(ShopifyError):
    """Still throttled (``THROTTLED`` or HTTP 429) after the last attempt."""


class GraphQLError(ShopifyError):
    """Top-level GraphQL ``errors``: a query bug, a missing scope, bad variables. Not retried."""

    def __init__(self, errors: list[dict[str, Any]], data: Any = None) -> None:
        self.errors = errors
        self.data = data
        first = errors[0] if errors else {}
        self.code: str | None = (first.get("extensions") or {}).get("code")
        messages = "; ".join(str(e.get("message", e)) for e in errors)
        super().__init__(f"GraphQL errors{f' [{self.code}]' if self.code else ''}: {messages}")


class AccessDenied(GraphQLError):
    """``ACCESS_DENIED``: the app lacks a scope for a field."""


class MaxCostExceeded(GraphQLError):
    """``MAX_COST_EXCEEDED``: the query alone costs more than the single-query limit; ask for smaller pages."""


@dataclass(frozen=True)
class UserErrorDetail:
    """One entry of a mutation payload's ``userErrors``."""

    code: str | None
    field: tuple[str, ...] | None
    message: str

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> UserErrorDetail:
        field = raw.get("field")
        return cls(
            code=raw.get("code"), field=tuple(field) if field else None, message=str(raw.get("message", ""))
        )


class ShopifyUserError(ShopifyError):
    """A mutation answered with ``userErrors``: a business rule refused it. Nothing to retry as is.

    ``code``/``field``/``message`` are those of the first error; ``errors`` has them all; ``payload`` is the
    mutation's payload (other fields are usually null).
    """

    def __init__(
        self, mutation: str, errors: list[UserErrorDetail], payload: dict[str, Any] | None = None
    ) -> None:
        self.mutation = mutation
        self.errors = errors
        self.payload = payload
        first = errors[0]
        self.code = first.code
        self.field = first.field
        self.message = first.message
        described = "; ".join(
            f"{e.code or '-'} at {'.'.join(e.field or ()) or '-'}: {e.message}" for e in errors
        )
        super().__init__(f"{mutation} refused: {described}")

    @property
    def codes(self) -> list[str | None]:
        return [e.code for e in self.errors]


class OutcomeUnknown(ShopifyError, platform_errors.OutcomeUnknown):
    """A Shopify mutation's answer was lost (see :class:`platforms.errors.OutcomeUnknown`).

    ``idempotent`` says whether it carried an ``@idempotent`` key: if so, resending the same query with the
    same variables later is safe (Shopify answers with the first result).
    """

    def __init__(self, operation: str, cause: BaseException | str, idempotent: bool) -> None:
        self.idempotent = idempotent
        platform_errors.OutcomeUnknown.__init__(self, operation, cause)


class BulkOperationError(ShopifyError):
    """A bulk operation ended without a complete result (FAILED, CANCELED, EXPIRED) or could not start."""

    def __init__(
        self,
        operation_id: str | None,
        status: str | None,
        error_code: str | None = None,
        partial_data_url: str | None = None,
    ) -> None:
        self.operation_id = operation_id
        self.status = status
        self.error_code = error_code
        self.partial_data_url = partial_data_url
        partial = " (partial data available)" if partial_data_url else ""
        super().__init__(f"bulk operation {operation_id} ended {status} errorCode={error_code}{partial}")
