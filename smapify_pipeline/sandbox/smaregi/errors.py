"""Smaregi's RFC 7807-style problem bodies, raised as :class:`ApiProblem` and rendered by the app."""

from __future__ import annotations

import json
from typing import Any

from smapify_pipeline.sandbox.smaregi import choices

PROBLEM_CONTENT_TYPE = "application/json"

OAUTH_PROBLEM_BASE = "https://api.smaregi.jp/problems/oauth2/"


class ApiProblem(Exception):
    """An error answer: HTTP status, problem body and extra headers."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(body.get("detail") or body.get("title"))
        self.status = status
        self.body = body
        self.headers = headers or {}

    def render(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        payload = json.dumps(self.body, ensure_ascii=False).encode()
        headers = [(b"content-type", PROBLEM_CONTENT_TYPE.encode())]
        headers += [(k.lower().encode(), v.encode()) for k, v in self.headers.items()]
        return self.status, headers, payload


def _problem(status: int, title: str, detail: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title}
    if detail is not None:
        body["detail"] = detail
    body["status"] = status
    return body


def bad_request(detail: str) -> ApiProblem:
    return ApiProblem(400, _problem(400, "Bad Request", detail))


def not_found(detail: str = "指定されたIDのリソースが見つかりません") -> ApiProblem:
    return ApiProblem(404, _problem(404, "NotFound", detail))


def unknown_path() -> ApiProblem:
    """A path the API does not route: a bare 404 problem, distinct from a missing record's (no ``detail``)."""
    return ApiProblem(404, _problem(404, choices.UNKNOWN_PATH_TITLE, None))


def method_not_allowed() -> ApiProblem:
    return ApiProblem(405, _problem(405, "Method Not Allowed", "許可されていないメソッドです"))


def too_many_requests(retry_after_seconds: int) -> ApiProblem:
    body = _problem(
        429, "Too Many Requests", "リクエスト数が上限を超えました。しばらくしてから再度お試しください"
    )
    return ApiProblem(429, body, {"Retry-After": str(retry_after_seconds)})


def server_error() -> ApiProblem:
    body = _problem(503, "Service Unavailable", "一時的にサービスを利用できません")
    return ApiProblem(503, body)


def _oauth_problem(
    status: int, error: str, title: str, description: str, scope: str | None = None
) -> ApiProblem:
    """An OAuth problem body (``type`` under ``/problems/oauth2/``, the RFC 6749 ``error`` fields)."""
    body: dict[str, Any] = {
        "type": OAUTH_PROBLEM_BASE + error,
        "title": title,
        "status": status,
        "error": error,
        "error_description": description,
    }
    if scope is not None:
        body["scope"] = scope
    return ApiProblem(status, body)


def access_denied() -> ApiProblem:
    """Missing, unknown or expired bearer token (body as captured from the real API)."""
    return _oauth_problem(
        401,
        "access_denied",
        "Access Denied",
        "The resource owner or authorization server denied the request.",
    )


def insufficient_scope(status: int, required: str) -> ApiProblem:
    return _oauth_problem(
        status,
        "insufficient_scope",
        "Insufficient Scope",
        "The request requires higher privileges than provided by the access token.",
        scope=required,
    )


def invalid_client() -> ApiProblem:
    return _oauth_problem(401, "invalid_client", "Invalid Client", "Client authentication failed.")


def invalid_scope(scope: str) -> ApiProblem:
    return _oauth_problem(
        400,
        "invalid_scope",
        "Invalid Scope",
        "The requested scope is invalid, unknown, or malformed.",
        scope=scope,
    )


def unsupported_grant_type() -> ApiProblem:
    return _oauth_problem(
        400,
        "unsupported_grant_type",
        "Unsupported Grant Type",
        "The authorization grant type is not supported by the authorization server.",
    )
