"""What a GraphQL document is, read once per distinct query text: query or mutation, its root fields, and
whether its root field carries ``@idempotent(key:)``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from graphql import FieldNode, OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError


@dataclass(frozen=True)
class OperationInfo:
    is_mutation: bool
    root_fields: tuple[str, ...]
    idempotent: bool
    """Every root field of the mutation carries ``@idempotent``."""

    @property
    def name(self) -> str:
        """The first root field (``orderCreate``, ``products``): what call counters are keyed by."""
        return self.root_fields[0] if self.root_fields else "unknown"


@lru_cache(maxsize=512)
def operation_info(query: str) -> OperationInfo:
    try:
        document = parse(query, no_location=True)
    except GraphQLSyntaxError as error:
        raise ValueError(f"not a GraphQL document: {error.message}") from None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        raise ValueError("the document defines no operation")
    operation = operations[0]
    fields = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    is_mutation = operation.operation is OperationType.MUTATION
    idempotent = (
        is_mutation
        and bool(fields)
        and all(any(d.name.value == "idempotent" for d in f.directives or ()) for f in fields)
    )
    return OperationInfo(
        is_mutation=is_mutation, root_fields=tuple(f.name.value for f in fields), idempotent=idempotent
    )
