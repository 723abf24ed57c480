"""What a Smaregi API operation is: method, path template, scope, and a handler over the state.

An operation's name is ``"{METHOD} {template}"`` with the template relative to ``/{contract_id}/pos``
(``"POST /transactions"``, ``"PATCH /stock/{productId}"``); fault plans and ``before_next`` use it. The
``routes_*`` modules declare operations; :mod:`.app` serves them on Starlette.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smapify_pipeline.sandbox.smaregi.errors import bad_request

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.smaregi.state import SmaregiState

API_PREFIX = "/{contract}/pos"
TOKEN_PATH = "/app/{contract}/token"
TOKEN_OPERATION = "POST /app/{contract_id}/token"


@dataclass
class Call:
    """What a handler sees: the state, path parameters, the query (first value of each name) and the body."""

    state: SmaregiState
    params: dict[str, str]
    query: Mapping[str, str]
    body: Any

    def object_body(self, required: bool = True) -> dict[str, Any]:
        """The JSON body, which must be an object (``{}`` when absent and not ``required``)."""
        if self.body is None and not required:
            return {}
        if not isinstance(self.body, dict):
            raise bad_request("リクエストボディが不正です")
        return self.body


@dataclass(frozen=True)
class Answer:
    status: int = 200
    payload: Any = None
    """JSON-able; ``None`` with status 200 means an empty body (DELETE)."""
    empty: bool = False


Handler = Callable[[Call], Answer]


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    scope: str
    handler: Handler

    @property
    def name(self) -> str:
        return f"{self.method} {self.template}"

    @property
    def is_write(self) -> bool:
        return self.method != "GET"
