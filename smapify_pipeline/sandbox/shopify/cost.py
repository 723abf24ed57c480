"""Shopify's calculated query cost, the per-shop leaky bucket, and the answers that go with them.

Rules (shopify.dev "GraphQL Admin API rate limits", cost table and "requested and actual cost"):

* scalars and enums cost 0, objects 1, interfaces and unions the most expensive of their possible
  selections, mutations 10;
* a connection costs ``2 + page size × cost of one item`` (+ objects selected once on the connection such as
  ``pageInfo``); the page size is ``first`` or ``last``. Real Shopify charges large pages far less than this
  (e.g. 25 instead of ~503 for ``variants(first: 250)``), so this linear rule is an upper bound; it is the
  rule Shopify used to document and the only one that can be checked by hand. Pass ``connection_cost`` to
  use another model;
* the *requested* cost is computed before execution and must fit in the bucket; the *actual* cost applies the
  same rules to what came back (fewer edges, null objects), and the difference is refunded;
* one query may not request more than 1000 points, whatever the bucket (``MAX_COST_EXCEEDED``);
* a request the bucket cannot cover is refused with ``THROTTLED`` in an HTTP 200 answer, no ``data``.

Choices where Shopify's documentation is silent (all here, so they are easy to correct):

* ``edges`` and their ``cursor`` cost nothing: an edge is plumbing and Shopify charges ``edges { node }`` and
  ``nodes`` the same, one point per node. ``pageInfo`` is an ordinary object: 1 point, charged once.
* A connection with neither ``first`` nor ``last`` is costed as a page of 0 (Shopify rejects it anyway).
* A plain list of objects (not a connection) costs one item, times ``first`` when given, or times the number
  of ``ids`` (``nodes(ids:)``).
* A mutation field costs 10 including its payload: objects in the payload are free, connections inside it
  are charged as usual (real answers show 10 for e.g. ``productCreate { product { id } userErrors { … } }``).
* An object field that comes back null still costs its 1 point; its children cost nothing.
* The actual cost never exceeds the requested cost.
* ``throttleStatus.currentlyAvailable`` is reported as a whole number of points (rounded down).

Error bodies: ``THROTTLED`` as quoted in Shopify community threads; the
``MAX_COST_EXCEEDED`` message as reproduced by client fixtures of real answers.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import graphql
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped

from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.shopify.schema import is_connection, is_list
from smapify_pipeline.sandbox.shopify.selections import fragments_of

MAX_SINGLE_QUERY_COST = 1000
OBJECT_COST = 1
MUTATION_COST = 10
CONNECTION_BASE_COST = 2
DEFAULT_BUCKET_SIZE = 2000.0
DEFAULT_RESTORE_RATE = 100.0
RATE_LIMITS_DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits"

ConnectionCost = Callable[[int, float], float]
"""(page size or items returned, cost of one item) -> cost of the connection field, without the objects
selected once on it. For the actual cost the item cost is the mean over the items returned."""


def linear_connection_cost(page_size: int, item_cost: float) -> float:
    """The documented upper bound: 2 for the connection plus the page size times one item's cost."""
    return CONNECTION_BASE_COST + page_size * item_cost


def requested_query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict | None = None,
    operation_name: str | None = None,
    *,
    connection_cost: ConnectionCost = linear_connection_cost,
) -> int:
    """The cost Shopify charges before execution, from the query text alone."""
    walk = _Walk.start(schema, document, variables, operation_name, connection_cost)
    return 0 if walk is None else walk.operation_cost(data=_STATIC)


def actual_query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict | None,
    operation_name: str | None,
    data: dict | None,
    *,
    connection_cost: ConnectionCost = linear_connection_cost,
) -> int:
    """The same rules applied to the result that came back (what the refund is measured against)."""
    walk = _Walk.start(schema, document, variables, operation_name, connection_cost)
    if walk is None:
        return 0
    requested = walk.operation_cost(data=_STATIC)
    if data is None:
        return 0
    return min(requested, walk.operation_cost(data=data))


class _Static:
    """Marker: cost the selection from the query alone, not from a result."""


_STATIC = _Static()


@dataclass
class _Walk:
    schema: GraphQLSchema
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]
    connection_cost: ConnectionCost

    @classmethod
    def start(
        cls,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: dict | None,
        operation_name: str | None,
        connection_cost: ConnectionCost,
    ) -> _Walk | None:
        operation = graphql.get_operation_ast(document, operation_name)
        if operation is None:
            return None
        fragments = fragments_of(document)
        values = dict(variables or {})
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in values and definition.default_value is not None:
                values[name] = value_from_ast_untyped(definition.default_value)
        return cls(schema, operation, fragments, values, connection_cost)

    def operation_cost(self, data: Any) -> int:
        if self.operation.operation is OperationType.MUTATION:
            root = self.schema.mutation_type
        elif self.operation.operation is OperationType.SUBSCRIPTION:
            root = self.schema.subscription_type
        else:
            root = self.schema.query_type
        if root is None:
            return 0
        is_mutation = self.operation.operation is OperationType.MUTATION
        total = 0
        for key, nodes in self._collect(root, [self.operation.selection_set]).items():
            field_def = root.fields.get(nodes[0].name.value)
            if field_def is None:
                continue
            value = _child(data, key)
            if is_mutation:
                total += MUTATION_COST + self._value_cost(field_def.type, nodes, value, free_objects=True)
            else:
                total += self._field_cost(field_def, nodes, value, free_objects=False)
        return total

    # -- fields ---------------------------------------------------------------------------------------------

    def _field_cost(
        self, field_def: GraphQLField, nodes: list[FieldNode], data: Any, free_objects: bool
    ) -> int:
        named = graphql.get_named_type(field_def.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0
        if isinstance(named, GraphQLObjectType) and is_connection(named):
            return self._connection_cost(named, nodes, data)
        if is_list(field_def.type):
            return self._list_cost(field_def.type, nodes, data, free_objects)
        return self._value_cost(field_def.type, nodes, data, free_objects)

    def _value_cost(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], data: Any, free_objects: bool
    ) -> int:
        """One object (or abstract) value: its own point plus its children's."""
        named = graphql.get_named_type(type_)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0
        own = 0 if free_objects else OBJECT_COST
        if data is None:
            return own
        return own + self._selection_cost(named, _sub_selections(nodes), data, free_objects)

    def _list_cost(
        self, type_: GraphQLOutputType, nodes: list[FieldNode], data: Any, free_objects: bool
    ) -> int:
        item_type = _unwrap_list(type_)
        if isinstance(data, _Static):
            count = _list_size(nodes[0], self.variables)
            return count * self._value_cost(item_type, nodes, data, free_objects)
        if not isinstance(data, list):
            return 0
        return sum(self._value_cost(item_type, nodes, item, free_objects) for item in data)

    def _connection_cost(self, connection: GraphQLObjectType, nodes: list[FieldNode], data: Any) -> int:
        children = self._collect(connection, _sub_selections(nodes))
        item_cost = 0
        once_cost = 0
        items: list[int] = []
        for key, child_nodes in children.items():
            name = child_nodes[0].name.value
            field_def = connection.fields.get(name)
            if field_def is None:
                continue
            value = _child(data, key)
            if name == "edges":
                edge_type = graphql.get_named_type(field_def.type)
                assert isinstance(edge_type, GraphQLObjectType)
                if isinstance(data, _Static):
                    item_cost += self._selection_cost(edge_type, _sub_selections(child_nodes), data, False)
                else:
                    items.extend(
                        self._selection_cost(edge_type, _sub_selections(child_nodes), edge, False)
                        for edge in (value or [])
                    )
            elif name == "nodes":
                if isinstance(data, _Static):
                    item_cost += self._value_cost(field_def.type, child_nodes, data, False)
                else:
                    items.extend(
                        self._value_cost(field_def.type, child_nodes, n, False) for n in (value or [])
                    )
            else:
                once_cost += self._field_cost(field_def, child_nodes, value, False)
        if isinstance(data, _Static):
            page_size = _page_size(nodes[0], self.variables, default=0)
            return round(self.connection_cost(page_size, item_cost)) + once_cost
        if not items:
            return round(self.connection_cost(0, 0)) + once_cost
        return round(self.connection_cost(len(items), sum(items) / len(items))) + once_cost

    # -- selections -----------------------------------------------------------------------------------------

    def _selection_cost(
        self,
        parent: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType,
        selection_sets: list[SelectionSetNode],
        data: Any,
        free_objects: bool,
    ) -> int:
        if isinstance(parent, GraphQLObjectType):
            return self._object_selection_cost(parent, selection_sets, data, free_objects)
        candidates = self.schema.get_possible_types(parent)
        if not isinstance(data, _Static) and isinstance(data, dict) and "__typename" in data:
            candidates = [t for t in candidates if t.name == data["__typename"]] or list(candidates)
        return max(
            (self._object_selection_cost(t, selection_sets, data, free_objects) for t in candidates),
            default=0,
        )

    def _object_selection_cost(
        self, parent: GraphQLObjectType, selection_sets: list[SelectionSetNode], data: Any, free_objects: bool
    ) -> int:
        total = 0
        for key, nodes in self._collect(parent, selection_sets).items():
            field_def = parent.fields.get(nodes[0].name.value)
            if field_def is None:
                continue
            total += self._field_cost(field_def, nodes, _child(data, key), free_objects)
        return total

    def _collect(
        self, parent: GraphQLObjectType, selection_sets: Iterable[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """Fields selected on a concrete type, grouped by response key (fragments that apply merged in)."""
        grouped: dict[str, list[FieldNode]] = {}
        self._collect_into(parent, selection_sets, grouped, set())
        return grouped

    def _collect_into(
        self,
        parent: GraphQLObjectType,
        selection_sets: Iterable[SelectionSetNode],
        grouped: dict[str, list[FieldNode]],
        seen_fragments: set[str],
    ) -> None:
        for selection_set in selection_sets:
            for selection in selection_set.selections:
                if not self._included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    if selection.name.value.startswith("__"):
                        continue
                    key = selection.alias.value if selection.alias else selection.name.value
                    grouped.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition.name.value if selection.type_condition else None
                    if self._applies(condition, parent):
                        self._collect_into(parent, [selection.selection_set], grouped, seen_fragments)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in seen_fragments:
                        continue
                    if self._applies(fragment.type_condition.name.value, parent):
                        self._collect_into(parent, [fragment.selection_set], grouped, seen_fragments | {name})

    def _applies(self, condition: str | None, concrete: GraphQLObjectType) -> bool:
        if condition is None or condition == concrete.name:
            return True
        condition_type = self.schema.get_type(condition)
        if isinstance(condition_type, GraphQLInterfaceType | GraphQLUnionType):
            return self.schema.is_sub_type(condition_type, concrete)
        return False

    def _included(self, selection: Any) -> bool:
        for directive in selection.directives or ():
            name = directive.name.value
            if name not in ("skip", "include"):
                continue
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = (
                bool(value_from_ast_untyped(condition, self.variables)) if condition is not None else False
            )
            if (name == "skip" and value) or (name == "include" and not value):
                return False
        return True


def _unwrap_list(type_: GraphQLOutputType) -> GraphQLOutputType:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    assert isinstance(type_, GraphQLList)
    return type_.of_type


def _sub_selections(nodes: list[FieldNode]) -> list[SelectionSetNode]:
    return [n.selection_set for n in nodes if n.selection_set is not None]


def _child(data: Any, key: str) -> Any:
    if isinstance(data, _Static):
        return data
    if isinstance(data, dict):
        return data.get(key)
    return None


def _page_size(node: FieldNode, variables: dict[str, Any], default: int) -> int:
    sizes = []
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last"):
            value = value_from_ast_untyped(argument.value, variables)
            if isinstance(value, int) and value > 0:
                sizes.append(value)
    return max(sizes, default=default)


def _list_size(node: FieldNode, variables: dict[str, Any]) -> int:
    """Items a plain list field is costed for: ``first`` if given, else the number of ``ids``, else 1."""
    for argument in node.arguments or ():
        if argument.name.value == "ids":
            ids = value_from_ast_untyped(argument.value, variables)
            if isinstance(ids, list):
                return len(ids)
    return _page_size(node, variables, default=1)


# -- the bucket ---------------------------------------------------------------------------------------------


class CostBucket:
    """A leaky bucket of cost points for one (app, shop): refills at ``restore_rate`` points per second."""

    def __init__(
        self,
        clock: SandboxClock,
        capacity: float = DEFAULT_BUCKET_SIZE,
        restore_rate: float = DEFAULT_RESTORE_RATE,
    ) -> None:
        if capacity <= 0 or restore_rate <= 0:
            raise ValueError("bucket capacity and restore rate must be positive")
        self.clock = clock
        self.capacity = float(capacity)
        self.restore_rate = float(restore_rate)
        self._available = self.capacity
        self._updated = clock.monotonic()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self.clock.monotonic()
        self._available = min(self.capacity, self._available + (now - self._updated) * self.restore_rate)
        self._updated = now

    def take(self, points: int) -> bool:
        """Debit ``points`` if the bucket holds them; otherwise take nothing and return False."""
        with self._lock:
            self._refill()
            if points > self._available:
                return False
            self._available -= points
            return True

    def refund(self, points: int) -> None:
        if points <= 0:
            return
        with self._lock:
            self._refill()
            self._available = min(self.capacity, self._available + points)

    def refill(self) -> None:
        """Full again (a sandbox reset)."""
        with self._lock:
            self._available = self.capacity
            self._updated = self.clock.monotonic()

    def available(self) -> float:
        with self._lock:
            self._refill()
            return self._available

    def seconds_until(self, points: int) -> float:
        """Simulated seconds until ``points`` will be available (0 if they are now)."""
        with self._lock:
            self._refill()
            return max(0.0, (points - self._available) / self.restore_rate)

    def status(self) -> dict:
        with self._lock:
            self._refill()
            return {
                "maximumAvailable": self.capacity,
                "currentlyAvailable": math.floor(self._available),
                "restoreRate": self.restore_rate,
            }


# -- answers ------------------------------------------------------------------------------------------------


def cost_extension(requested: int, actual: int | None, bucket_status: dict) -> dict:
    """The ``extensions.cost`` object of every answer."""
    return {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": dict(bucket_status)}


def throttled_response(requested: int, bucket_status: dict) -> dict:
    """The whole JSON body of a THROTTLED answer (sent with HTTP 200, no ``data``)."""
    return {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOCUMENTATION},
            }
        ],
        "extensions": {"cost": cost_extension(requested, None, bucket_status)},
    }


def max_cost_exceeded_message(requested: int) -> str:
    return (
        f"Query cost is {requested}, which exceeds the single query max cost limit ({MAX_SINGLE_QUERY_COST}).\n\n"
        "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
        "cost of a query is calculated.\n\n"
        "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
        "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n"
    )


def max_cost_exceeded_response(requested: int, bucket_status: dict | None = None) -> dict:
    """The whole JSON body of a MAX_COST_EXCEEDED answer (HTTP 200, no ``data``, nothing debited).

    With ``bucket_status`` the answer also carries ``extensions.cost`` (actual cost null), as every answer does.
    """
    body: dict = {
        "errors": [
            {
                "message": max_cost_exceeded_message(requested),
                "extensions": {
                    "code": "MAX_COST_EXCEEDED",
                    "cost": requested,
                    "maxCost": MAX_SINGLE_QUERY_COST,
                },
            }
        ]
    }
    if bucket_status is not None:
        body["extensions"] = {"cost": cost_extension(requested, None, bucket_status)}
    return body
