"""The root fields of the schema, and the executor that runs a document against the state.

Each query field delegates to :mod:`.queries`, each mutation to the backend module of its family
(:mod:`.products`, :mod:`.inventory`, :mod:`.orders`); every mutation runs inside one
:meth:`ShopState.action` (one lock hold, one webhook event id), keyed ones through :mod:`.idempotency`.
Parsed and validated documents are cached by query text, so a client paging through a catalogue parses
its query once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import graphql
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
)

from smapify_pipeline.sandbox.shopify import (
    fulfillments,
    inventory,
    orders,
    products,
    queries,
    views_fulfillments,  # noqa: F401  (registers the fulfilment views)
)
from smapify_pipeline.sandbox.shopify.choices import IDEMPOTENT_MUTATIONS
from smapify_pipeline.sandbox.shopify.common import RequestContext, context, iso
from smapify_pipeline.sandbox.shopify.idempotency import run_idempotent
from smapify_pipeline.sandbox.shopify.queries import parse_level_gid
from smapify_pipeline.sandbox.shopify.state import gid, gid_kind, parse_gid
from smapify_pipeline.sandbox.shopify.views import ShopView, connection_page, wrap_nodes
from smapify_pipeline.sandbox.shopify.views_app import app_installation
from smapify_pipeline.sandbox.shopify.views_catalogue import (
    LevelView,
)

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.shopify.app import ShopifySandbox


def resolve_type(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("__typename")  # type: ignore[no-any-return]
    return getattr(value, "typename", None)


class Root:
    """``root_value`` of every execution: query fields and mutation fields as methods."""

    # ------------------------------------------------------------------------------------- queries

    def shop(self, info: GraphQLResolveInfo) -> ShopView:
        return ShopView(context(info).state)

    def currentAppInstallation(self, info: GraphQLResolveInfo) -> dict[str, Any]:
        return app_installation(context(info).state)

    location = staticmethod(queries.location)
    locations = staticmethod(queries.locations)
    inventoryItem = staticmethod(queries.inventory_item)
    inventoryItems = staticmethod(queries.inventory_items)
    inventoryLevel = staticmethod(queries.inventory_level)
    product = staticmethod(queries.product)
    productByHandle = staticmethod(queries.product_by_handle)
    products = staticmethod(queries.products)
    productsCount = staticmethod(queries.products_count)
    productVariant = staticmethod(queries.product_variant)
    productVariants = staticmethod(queries.product_variants)
    order = staticmethod(queries.order)
    orders = staticmethod(queries.orders)
    refund = staticmethod(queries.refund)
    fulfillmentOrders = staticmethod(queries.fulfillment_orders)

    def deletionEvents(
        self,
        info: GraphQLResolveInfo,
        subjectTypes: list[str] | None = None,
        sortKey: str = "ID",
        query: str | None = None,
        **args: Any,
    ) -> dict[str, Any]:
        events = [
            (n, e)
            for n, e in enumerate(context(info).state.deletion_events, start=1)
            if subjectTypes is None or e.subject_type in subjectTypes
        ]
        sort = (lambda pair: pair[1].occurred_at) if sortKey == "CREATED_AT" else None
        page = connection_page(info, events, lambda pair: pair[0], args, sort_value=sort, presorted=True)
        return wrap_nodes(
            page,
            lambda pair: {
                "occurredAt": iso(pair[1].occurred_at),
                "subjectId": gid("Product", pair[1].subject_id),
                "subjectType": pair[1].subject_type,
            },
        )

    def node(self, info: GraphQLResolveInfo, id: str) -> Any:
        return _node(info, id)

    def nodes(self, info: GraphQLResolveInfo, ids: list[str]) -> list[Any]:
        if len(ids) > 250:
            raise GraphQLError("The maximum number of ids that can be requested is 250")
        return [_node(info, i) for i in ids]

    def currentBulkOperation(self, info: GraphQLResolveInfo, type: str = "QUERY") -> dict[str, Any] | None:
        if type != "QUERY":
            return None
        operation = _sandbox(info).bulk.current()
        return operation.to_graphql() if operation else None

    def bulkOperation(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:
        operation = _sandbox(info).bulk.get(id)
        return operation.to_graphql() if operation else None

    def webhookSubscription(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:
        subscription = _sandbox(info).webhooks.get(id)
        return subscription.to_graphql() if subscription else None

    def webhookSubscriptions(
        self,
        info: GraphQLResolveInfo,
        sortKey: str = "CREATED_AT",
        query: str | None = None,
        topics: list[str] | None = None,
        **args: Any,
    ) -> dict[str, Any]:
        subscriptions = [
            s for s in _sandbox(info).webhooks.subscriptions() if topics is None or s.topic in topics
        ]
        return connection_page(
            info,
            [s.to_graphql() for s in subscriptions],
            lambda s: int(s["legacyResourceId"]),
            args,
            presorted=True,
        )

    # ------------------------------------------------------------------------------------- mutations

    def productCreate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productCreate", products.product_create, args)

    def productUpdate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productUpdate", products.product_update, args)

    def productSet(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productSet", products.product_set, args)

    def productDelete(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productDelete", products.product_delete, args)

    def productVariantsBulkCreate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productVariantsBulkCreate", products.variants_bulk_create, args)

    def productVariantsBulkUpdate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "productVariantsBulkUpdate", products.variants_bulk_update, args)

    def inventoryActivate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "inventoryActivate", inventory.inventory_activate, args)

    def inventorySetQuantities(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "inventorySetQuantities", inventory.inventory_set_quantities, args)

    def inventoryAdjustQuantities(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "inventoryAdjustQuantities", inventory.inventory_adjust_quantities, args)

    def orderCreate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "orderCreate", orders.order_create, args)

    def orderCancel(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "orderCancel", orders.order_cancel, args)

    def refundCreate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "refundCreate", orders.refund_create, args)

    def fulfillmentOrderMove(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "fulfillmentOrderMove", fulfillments.fulfillment_order_move, args)

    def fulfillmentCreate(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "fulfillmentCreate", fulfillments.fulfillment_create, args)

    def fulfillmentCreateV2(self, info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return _mutate(info, "fulfillmentCreateV2", fulfillments.fulfillment_create, args)

    def bulkOperationRunQuery(
        self, info: GraphQLResolveInfo, query: str, groupObjects: bool = False
    ) -> dict[str, Any]:
        operation, errors = _sandbox(info).bulk.run_query(query, info.schema)
        return {"bulkOperation": operation.to_graphql() if operation else None, "userErrors": errors}

    def bulkOperationCancel(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
        operation, errors = _sandbox(info).bulk.cancel(id)
        return {"bulkOperation": operation.to_graphql() if operation else None, "userErrors": errors}

    def webhookSubscriptionCreate(
        self, info: GraphQLResolveInfo, topic: str, webhookSubscription: dict[str, Any]
    ) -> dict[str, Any]:
        address = webhookSubscription.get("uri") or webhookSubscription.get("callbackUrl") or ""
        subscription, errors = _sandbox(info).webhooks.subscribe(
            topic,
            address,
            include_fields=webhookSubscription.get("includeFields"),
            format=webhookSubscription.get("format") or "JSON",
        )
        return {
            "webhookSubscription": subscription.to_graphql() if subscription else None,
            "userErrors": errors,
        }

    def webhookSubscriptionDelete(self, info: GraphQLResolveInfo, id: str) -> dict[str, Any]:
        deleted, errors = _sandbox(info).webhooks.unsubscribe(id)
        return {"deletedWebhookSubscriptionId": deleted, "userErrors": errors}


def _sandbox(info: GraphQLResolveInfo) -> ShopifySandbox:
    sandbox = context(info).sandbox
    if sandbox is None:
        raise GraphQLError("this field needs the whole sandbox, not only its state")
    return sandbox


def _mutate(
    info: GraphQLResolveInfo,
    name: str,
    resolver: Callable[..., dict[str, Any]],
    args: dict[str, Any],
) -> dict[str, Any]:
    state = context(info).state
    with state.lock:

        def apply() -> dict[str, Any]:
            with state.action() as action:
                return resolver(state, action, **args)

        result = run_idempotent(state, info, name, args, apply) if name in IDEMPOTENT_MUTATIONS else apply()
    result.setdefault("shop", ShopView(state))
    return result


def _node(info: GraphQLResolveInfo, value: str) -> Any:
    ctx = context(info)
    kind = gid_kind(value)
    if kind == "InventoryLevel":
        key = parse_level_gid(value)
        level = ctx.state.level(*key) if key else None
        return LevelView(ctx.state, level) if level else None
    if kind in ("BulkOperation", "WebhookSubscription"):
        sandbox = _sandbox(info)
        found = sandbox.bulk.get(value) if kind == "BulkOperation" else sandbox.webhooks.get(value)
        return found.to_graphql() if found else None
    number = parse_gid(value, kind) if kind else None
    if kind not in queries.NODE_VIEWS or number is None:
        return None
    return queries.NODE_VIEWS[kind](ctx.state, number)


# ------------------------------------------------------------------------------------------ the executor


@dataclass(frozen=True)
class PreparedDocument:
    document: DocumentNode | None
    errors: list[GraphQLError]
    """Syntax or validation errors; the document does not run when there are any."""

    def operation(self, operation_name: str | None) -> OperationDefinitionNode | None:
        if self.document is None:
            return None
        operations = [d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is None:
            return operations[0] if len(operations) == 1 else None
        return next((o for o in operations if o.name and o.name.value == operation_name), None)

    def root_field(self, operation_name: str | None) -> tuple[str, bool] | None:
        """(name of the first root field, is it a mutation) — the name FaultMiddleware and hooks use."""
        operation = self.operation(operation_name)
        if operation is None:
            return None
        first = next((s for s in operation.selection_set.selections if isinstance(s, FieldNode)), None)
        if first is None:
            return None
        return first.name.value, operation.operation is OperationType.MUTATION


class Executor:
    """Parses, validates (cached by query text) and executes documents against one sandbox."""

    def __init__(self, schema: GraphQLSchema, cache_size: int = 512) -> None:
        self.schema = schema
        self.root = Root()
        self._cache: OrderedDict[str, PreparedDocument] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def prepare(self, query: str) -> PreparedDocument:
        with self._lock:
            found = self._cache.get(query)
            if found is not None:
                self._cache.move_to_end(query)
                return found
        try:
            document = graphql.parse(query)
        except GraphQLError as error:
            prepared = PreparedDocument(None, [error])
        else:
            prepared = PreparedDocument(document, list(graphql.validate(self.schema, document)))
        with self._lock:
            self._cache[query] = prepared
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return prepared

    def execute(
        self,
        prepared: PreparedDocument,
        context_value: RequestContext,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> ExecutionResult:
        if prepared.errors or prepared.document is None:
            return ExecutionResult(data=None, errors=prepared.errors)
        with context_value.state.lock:
            result = graphql.execute(
                self.schema,
                prepared.document,
                root_value=self.root,
                context_value=context_value,
                variable_values=variables,
                operation_name=operation_name,
                type_resolver=resolve_type,
            )
        if not isinstance(result, ExecutionResult):
            raise TypeError("the sandbox resolvers are synchronous")
        return result
