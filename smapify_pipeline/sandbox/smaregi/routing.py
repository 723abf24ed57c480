"""The route table of the Smaregi sandbox: one :class:`Route` per API operation, matched by regex.

An operation's name is ``"{METHOD} {template}"`` with the template relative to ``/{contract_id}/pos``
(``"POST /transactions"``, ``"PATCH /stock/{productId}"``); fault plans and ``before_next`` use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.smaregi.state import SmaregiState

API_PREFIX = re.compile(r"^/(?P<contract>[^/]+)/pos(?P<rest>/.*)?$")
TOKEN_PATH = re.compile(r"^/app/(?P<contract>[^/]+)/token/?$")
TOKEN_OPERATION = "POST /app/{contract_id}/token"


@dataclass
class Call:
    """What a handler sees: the state, path parameters, the query (first value of each name) and the body."""

    state: SmaregiState
    params: dict[str, str]
    query: Mapping[str, str]
    body: Any


@dataclass(frozen=True)
class Answer:
    status: int = 200
    payload: Any = None
    """JSON-able; ``None`` with status 200 means an empty body (DELETE)."""
    empty: bool = False


Handler = Callable[[Call], Answer]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    scope: str
    handler: Handler
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    @property
    def operation(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"


class RouteTable:
    def __init__(self, routes: list[Route]) -> None:
        self.routes = routes

    def match(self, method: str, rest: str) -> tuple[Route | None, dict[str, str], bool]:
        """(route, path params, path_exists): path_exists without route means the method is wrong."""
        rest = rest.rstrip("/") or "/"
        path_exists = False
        for route in self.routes:
            found = route.pattern.match(rest)
            if found:
                path_exists = True
                if route.method == method:
                    return route, found.groupdict(), True
        return None, {}, path_exists
