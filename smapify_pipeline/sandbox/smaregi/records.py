"""The operations of a master record kept whole by the state (categories, products): one handler factory.

``GET`` and ``POST`` on the collection, ``GET``/``PATCH``/``DELETE`` on ``/{id}``; answers carry every field of
the record, a missing one is a 404, a delete answers 200 with an empty body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.sandbox.smaregi.lists import one_answer
from smapify_pipeline.sandbox.smaregi.routing import Answer, Call, Handler, Operation
from smapify_pipeline.sandbox.smaregi.state import SmaregiState

Row = dict[str, Any]


@dataclass(frozen=True)
class Records:
    """Where one kind of record lives in the state, and how it is read and written."""

    collection: str
    """The path of the collection (``"/products"``)."""
    id_param: str
    """The path parameter naming one record (``"productId"``)."""
    field_names: tuple[str, ...]
    scope: str
    """The scope family (``"pos.products"``): reads need ``:read``, writes ``:write``."""
    find: Callable[[SmaregiState, str], Row | None]
    create: Callable[[SmaregiState, Row], Row]
    update: Callable[[SmaregiState, str, Row], Row]
    delete: Callable[[SmaregiState, str], None]

    def operations(self, list_records: Handler) -> list[Operation]:
        one = f"{self.collection}/{{{self.id_param}}}"
        read, write = f"{self.scope}:read", f"{self.scope}:write"
        return [
            Operation("GET", self.collection, read, list_records),
            Operation("POST", self.collection, write, self._create),
            Operation("GET", one, read, self._get),
            Operation("PATCH", one, write, self._update),
            Operation("DELETE", one, write, self._delete),
        ]

    def _get(self, call: Call) -> Answer:
        return one_answer(self.field_names, self.find(call.state, call.params[self.id_param]))

    def _create(self, call: Call) -> Answer:
        return one_answer(self.field_names, self.create(call.state, call.object_body()))

    def _update(self, call: Call) -> Answer:
        record_id = call.params[self.id_param]
        return one_answer(self.field_names, self.update(call.state, record_id, call.object_body()))

    def _delete(self, call: Call) -> Answer:
        self.delete(call.state, call.params[self.id_param])
        return Answer(200, empty=True)
