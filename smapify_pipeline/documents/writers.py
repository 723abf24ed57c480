"""Writers (:class:`~smapify_pipeline.sync.apply.Writer`) of the document writes on both platforms; the stock
adds of documents use the one Smaregi stock writer (:class:`smapify_pipeline.stock.writers.SmaregiStockAddWriter`).

* :class:`OrderCreateWriter` — ``orderCreate`` takes no ``@idempotent`` key, so a lost answer is resolved by
  finding the order by its tag (payload ``lookup_query``) and checking its ``sourceIdentifier``.
* :class:`InventoryAdjustWriter` — ``inventoryAdjustQuantities @idempotent``: ``changeFromQuantity`` is read
  just before a fresh attempt and kept in the stored variables, so a resend is identical; a stale one
  (``CHANGE_FROM_QUANTITY_STALE``) proves nothing was applied and leads to a re-read.
* :class:`RefundCreateWriter` — ``refundCreate @idempotent``; the order's paid transaction (the refund's
  parent) is read when the attempt is prepared, and so are the line item ids of an order created in the same
  run (placeholders of :mod:`.same_run`, resolved by one ``order(id:)`` read and stored with the attempt).
* :class:`DisposeWriter` — Smaregi ``POST /transactions/{id}/dispose`` (打消) has no idempotency key either; a
  lost answer is resolved by the sale itself (``disposeDivision`` 1 once reversed) and the reversal record
  listed around the terminal time we sent, found by its ``disposeServerTransactionHeadId``.
* :class:`TransactionPostWriter` — Smaregi ``POST /transactions`` has no idempotency key, so a lost answer is
  resolved by listing the store's transactions around the terminal time we sent (payload ``lookup_params``)
  and matching the memo marker and ``terminalTranId``
  (:func:`~smapify_pipeline.sync.markers.transaction_matches`).

Payloads (the plan row's ``payload``):

* order: ``{"variables": {"order", "options"}, "lookup_query": str, "source_identifier": str}``
* inventory adjustment: ``{"changes": [{"inventoryItemId", "locationId", "delta"}], "reason",
  "referenceDocumentUri"}``
* refund: ``{"variables": {"input": RefundInput}, "amount": int, "order_id", "restock": [changes]}``, and
  for an order created in the same run ``"order_key"`` (the row creating it) and ``"pending_lines"``
* transaction: ``{"body": {...}, "lookup_params": {...}, "marker_kind": "order"|"refund", "shopify_id": gid}``
* dispose: ``{"transaction_head_id": str, "body": {"terminalTranDateTime"}, "lookup_params": {...}}``
"""

from __future__ import annotations

import copy
from typing import Any

from smapify_pipeline.documents import same_run
from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import ShopifyUserError
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.stock.writers import STALE, available_at
from smapify_pipeline.sync import choices, markers
from smapify_pipeline.sync.apply import FOUND_WITHOUT_ID, ClientWriter, NothingApplied, PlannedChange

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


class OrderCreateWriter(ClientWriter[ShopifyClient]):
    idempotent = False

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


class InventoryAdjustWriter(ClientWriter[ShopifyClient]):
    idempotent = True

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


ORDER_LINES = """
query CreatedOrderLines($id: ID!) {
  order(id: $id) { id lineItems(first: 250) { nodes { id sku variant { id } } } }
}
"""


class RefundCreateWriter(ClientWriter[ShopifyClient]):
    idempotent = True

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        variables = copy.deepcopy(dict(change.payload["variables"]))
        refund_input = variables["input"]
        if same_run.is_pending(refund_input.get("orderId")):
            raise same_run.UnresolvedPlaceholder(f"the order of {change.key} was not created")
        wanted = change.payload.get("pending_lines") or {}
        if any(same_run.is_pending(item["lineItemId"]) for item in refund_input["refundLineItems"]):
            data = self.client.execute(ORDER_LINES, {"id": refund_input["orderId"]})
            nodes = ((data.get("order") or {}).get("lineItems") or {}).get("nodes") or []
            line_ids = same_run.resolve_line_ids(wanted, nodes)
            for item in refund_input["refundLineItems"]:
                item["lineItemId"] = line_ids.get(item["lineItemId"], item["lineItemId"])
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


class TransactionPostWriter(ClientWriter[SmaregiClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return copy.deepcopy(dict(change.payload["body"]))

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        answer = self.client.post("/transactions", variables)
        return str(answer["transactionHeadId"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        kind, shopify_id = change.payload["marker_kind"], change.payload["shopify_id"]
        for row in self.client.get_list("/transactions", change.payload["lookup_params"], typed=False):
            if markers.transaction_matches(kind, shopify_id, row.get("memo"), row.get("terminalTranId")):
                return str(row["transactionHeadId"])
        return None


class DisposeWriter(ClientWriter[SmaregiClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return copy.deepcopy(dict(change.payload["body"]))

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        answer = self.client.dispose_transaction(change.payload["transaction_head_id"], variables)
        return str(answer["transactionHeadId"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        sale_id = str(change.payload["transaction_head_id"])
        sale = self.client.get(f"/transactions/{sale_id}")
        if str((sale or {}).get("disposeDivision") or "0") != "1":
            return None
        for row in self.client.get_list("/transactions", change.payload["lookup_params"], typed=False):
            if row.get("disposeDivision") == "2" and row.get("disposeServerTransactionHeadId") == sale_id:
                return str(row["transactionHeadId"])
        return FOUND_WITHOUT_ID
