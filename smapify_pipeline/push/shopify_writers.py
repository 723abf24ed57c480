"""Writers (:class:`~smapify_pipeline.push.apply.Writer`) for the Shopify document writes.

* :class:`OrderCreateWriter` — ``orderCreate`` takes no ``@idempotent`` key, so a lost answer is resolved by
  finding the order by its tag (payload ``lookup_query``) and checking its ``sourceIdentifier``.
* :class:`InventoryAdjustWriter` — ``inventoryAdjustQuantities @idempotent``: ``changeFromQuantity`` is read
  just before a fresh attempt and kept in the stored variables, so a resend is identical (F4); a stale one
  (``CHANGE_FROM_QUANTITY_STALE``) proves nothing was applied and leads to a re-read.
* :class:`RefundCreateWriter` — ``refundCreate @idempotent`` (F3); the order's paid transaction (the refund's
  parent) is read when the attempt is prepared.

Payloads (the plan row's ``payload``):

* order: ``{"variables": {"order", "options"}, "lookup_query": str, "source_identifier": str}``
* inventory adjustment: ``{"changes": [{"inventoryItemId", "locationId", "delta"}], "reason",
  "referenceDocumentUri"}``
* refund: ``{"variables": {"input": RefundInput}, "amount": int}``
"""

from __future__ import annotations

import copy
from typing import Any

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import ShopifyUserError
from smapify_pipeline.push.apply import NothingApplied, PlannedChange
from smapify_pipeline.sync import choices

ORDER_CREATE = """
mutation MirrorSale($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id }
    userErrors { field message code }
  }
}
"""

ORDER_LOOKUP = """
query FindMirroredOrder($query: String!) {
  orders(first: 5, query: $query) { nodes { id sourceIdentifier } }
}
"""

INVENTORY_ADJUST = """
mutation MirrorStock($input: InventoryAdjustQuantitiesInput!, $key: String!) {
  inventoryAdjustQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}
"""

AVAILABLE_AT = """
query Available($item: ID!, $location: ID!) {
  inventoryItem(id: $item) {
    inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }
  }
}
"""

REFUND_CREATE = """
mutation MirrorRefund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}
"""

ORDER_TRANSACTIONS = """
query PaidTransactions($id: ID!) {
  order(id: $id) { id transactions(first: 20) { id kind status gateway } }
}
"""

STALE = "CHANGE_FROM_QUANTITY_STALE"


class OrderCreateWriter:
    idempotent = False

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return copy.deepcopy(dict(change.payload["variables"]))

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        data = self.client.execute(ORDER_CREATE, variables)
        return str(data["orderCreate"]["order"]["id"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        data = self.client.execute(ORDER_LOOKUP, {"query": change.payload["lookup_query"]})
        wanted = change.payload["source_identifier"]
        for node in data["orders"]["nodes"]:
            if node.get("sourceIdentifier") == wanted:
                return str(node["id"])
        return None


def available_at(client: ShopifyClient, inventory_item_id: str, location_id: str) -> int | None:
    """``available`` of an item at a location now, ``None`` when the item is not stocked there."""
    data = client.execute(AVAILABLE_AT, {"item": inventory_item_id, "location": location_id})
    level = (data.get("inventoryItem") or {}).get("inventoryLevel")
    if not level:
        return None
    return next((int(q["quantity"]) for q in level["quantities"] if q["name"] == "available"), None)


class InventoryAdjustWriter:
    idempotent = True

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        changes = []
        for item in change.payload["changes"]:
            observed = available_at(self.client, item["inventoryItemId"], item["locationId"])
            changes.append({**item, "changeFromQuantity": observed})
        return {
            "input": {
                "name": choices.QUANTITY_NAME,
                "reason": change.payload["reason"],
                "referenceDocumentUri": change.payload["referenceDocumentUri"],
                "changes": changes,
            }
        }

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        try:
            data = self.client.execute(
                INVENTORY_ADJUST, {**variables, "key": idempotency_key}, idempotent=True
            )
        except ShopifyUserError as error:
            raise NothingApplied(str(error), retry_fresh=STALE in error.codes) from error
        group = data["inventoryAdjustQuantities"].get("inventoryAdjustmentGroup") or {}
        return str(group.get("id") or "")

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        return None


class RefundCreateWriter:
    idempotent = True

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        variables = copy.deepcopy(dict(change.payload["variables"]))
        refund_input = variables["input"]
        amount = int(change.payload.get("amount") or 0)
        if amount > 0 and not refund_input.get("transactions"):
            data = self.client.execute(ORDER_TRANSACTIONS, {"id": refund_input["orderId"]})
            paid = [
                t
                for t in (data.get("order") or {}).get("transactions") or []
                if t["kind"] in ("SALE", "CAPTURE") and t["status"] == "SUCCESS"
            ]
            if paid:
                refund_input["transactions"] = [
                    {
                        "orderId": refund_input["orderId"],
                        "parentId": paid[0]["id"],
                        "kind": "REFUND",
                        "gateway": paid[0].get("gateway") or choices.PAYMENT_GATEWAY,
                        "amount": str(amount),
                    }
                ]
        return variables

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        try:
            data = self.client.execute(REFUND_CREATE, {**variables, "key": idempotency_key}, idempotent=True)
        except ShopifyUserError as error:
            raise NothingApplied(str(error)) from error
        return str(data["refundCreate"]["refund"]["id"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        return None
