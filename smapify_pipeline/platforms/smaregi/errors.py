"""Typed errors of the Smaregi client, read from Smaregi's problem-details bodies
(``{"type", "title", "detail", "status"}``; OAuth failures add ``error`` / ``error_description``)."""

from __future__ import annotations

from typing import Any

from smapify_pipeline.platforms import errors as platform_errors


class SmaregiError(platform_errors.PlatformError):
    """Base of every Smaregi client error."""


class SmaregiHTTPError(SmaregiError):
    """A non-2xx answer the client does not retry (or a retryable one after the last attempt)."""

    def __init__(
        self, status: int, method: str, path: str, problem: dict[str, Any] | None, text: str = ""
    ) -> None:
        self.status = status
        self.method = method
        self.path = path
        self.problem = problem or {}
        self.title = self.problem.get("title")
        self.detail = self.problem.get("detail") or self.problem.get("error_description")
        described = " — ".join(str(p) for p in (self.title, self.detail) if p) or text
        super().__init__(f"{method} {path}: HTTP {status} {described}")


class SmaregiAuthError(SmaregiHTTPError):
    """401/403: the token was refused, lacks a scope, or could not be obtained."""


class SmaregiValidationError(SmaregiHTTPError):
    """400: Smaregi rejected the request (the ``detail`` says why, in Japanese)."""


class SmaregiNotFound(SmaregiHTTPError):
    """404: no resource with that id."""


class SmaregiRateLimited(SmaregiHTTPError):
    """Still 429 after the last attempt."""


class SmaregiConversionError(SmaregiError, ValueError):
    """A string value that should be a number, date or flag is not one."""


class OutcomeUnknown(SmaregiError, platform_errors.OutcomeUnknown):
    """A Smaregi write's answer was lost: look for its marker (terminal transaction id, memo) first."""


def error_for_status(
    status: int, method: str, path: str, problem: dict[str, Any] | None, text: str = ""
) -> SmaregiHTTPError:
    cls: type[SmaregiHTTPError] = {
        400: SmaregiValidationError,
        401: SmaregiAuthError,
        403: SmaregiAuthError,
        404: SmaregiNotFound,
        429: SmaregiRateLimited,
    }.get(status, SmaregiHTTPError)
    return cls(status, method, path, problem, text)
