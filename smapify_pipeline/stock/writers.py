"""Writers (:class:`smapify_pipeline.sync.apply.Writer`) of stock writes, the stock push's and the documents'
(docs/architecture.md, "Stock principle").

* :class:`ShopifyStockSetWriter` — ``inventorySetQuantities`` ``@idempotent`` with ``changeFromQuantity`` = the
  count observed at extract time. A ``CHANGE_FROM_QUANTITY_STALE`` answer proves nothing was applied; the count
  is re-read, and if it already equals the target (a mirrored document brought it there) the change is done,
  otherwise it is left ``failed`` for the next run, which first mirrors whatever moved the count. It is
  never retried with the re-read count: that would overwrite a sale not yet mirrored to the primary.
* :class:`ShopifyActivateWriter` — ``inventoryActivate`` with ``available`` for an item not stocked at the
  location: Shopify only applies the quantity when the level is new, so a resend cannot apply it twice.
* :class:`SmaregiStockAddWriter` — ``POST /stock/{productId}/add``, the one Smaregi stock writer: the stock
  push's (target − observed), relative so a sale that lands in between is kept, and the stock effects of
  mirrored documents. Not idempotent: after a lost answer the add is looked up by its memo marker (unique per
  write) in ``GET /stock/changes/{productId}/{storeId}`` before anything is sent again. Payload:
  :func:`stock_add_payload`.
"""

from __future__ import annotations

from typing import Any

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.shopify.errors import ShopifyUserError
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.sync.apply import FOUND_WITHOUT_ID, ClientWriter, NothingApplied, PlannedChange
from smapify_pipeline.sync.writes import SmaregiStockAdd

STALE = "CHANGE_FROM_QUANTITY_STALE"
AT_TARGET = "(at target)"
"""Remote id recorded when a stale compare-and-set finds the count already at the target."""

SET_QUANTITIES = """
mutation StockPush($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}
"""

ACTIVATE = """
mutation StockActivate($inventoryItemId: ID!, $locationId: ID!, $available: Int) {
  inventoryActivate(inventoryItemId: $inventoryItemId, locationId: $locationId, available: $available) {
    inventoryLevel { id }
    userErrors { field message }
  }
}
"""

LEVEL = """
query StockLevel($item: ID!, $location: ID!) {
  inventoryItem(id: $item) {
    inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } }
  }
}
"""


def stock_add_payload(add: SmaregiStockAdd) -> dict[str, Any]:
    """The plan payload of a Smaregi stock add: its exact request."""
    return {"path": add.path(), "body": add.body()}


def available_at(client: ShopifyClient, item: str, location: str) -> int | None:
    """``available`` of ``item`` at ``location`` now; ``None`` when it is not stocked there."""
    data = client.execute(LEVEL, {"item": item, "location": location})
    level = (data.get("inventoryItem") or {}).get("inventoryLevel")
    if not level:
        return None
    return next((int(q["quantity"]) for q in level["quantities"] if q["name"] == "available"), None)


class ShopifyStockSetWriter(ClientWriter[ShopifyClient]):
    idempotent = True

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"input": change.payload["input"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        try:
            data = self.client.execute(SET_QUANTITIES, {**variables, "key": idempotency_key}, idempotent=True)
        except ShopifyUserError as error:
            if STALE not in error.codes:
                raise
            quantity = variables["input"]["quantities"][0]
            now = available_at(self.client, quantity["inventoryItemId"], quantity["locationId"])
            if now == quantity["quantity"]:
                return AT_TARGET
            raise NothingApplied(
                f"{STALE}: observed {quantity['changeFromQuantity']}, now {now}; left for the next run, "
                "which mirrors what moved it first"
            ) from error
        group = data["inventorySetQuantities"]["inventoryAdjustmentGroup"]
        return group["id"] if group else AT_TARGET


class ShopifyActivateWriter(ClientWriter[ShopifyClient]):
    idempotent = True
    """``inventoryActivate`` applies ``available`` only to a new level: resending it is harmless."""

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        payload = change.payload
        return {
            "inventoryItemId": payload["inventoryItemId"],
            "locationId": payload["locationId"],
            "available": payload["available"],
        }

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        now = available_at(self.client, variables["inventoryItemId"], variables["locationId"])
        if now is not None:
            if now == variables["available"]:
                return AT_TARGET
            raise NothingApplied(f"already stocked with {now}; left for the next run's stock push")
        data = self.client.execute(ACTIVATE, variables)
        level = data["inventoryActivate"]["inventoryLevel"]
        return level["id"] if level else FOUND_WITHOUT_ID

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        now = available_at(self.client, variables["inventoryItemId"], variables["locationId"])
        return AT_TARGET if now is not None else None


class SmaregiStockAddWriter(ClientWriter[SmaregiClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"path": change.payload["path"], "body": change.payload["body"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        answer = self.client.post(variables["path"], variables["body"])
        history = (answer or {}).get("stockHistory") or {}
        return str(history.get("id") or FOUND_WITHOUT_ID)

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        product_id = variables["path"].split("/")[2]
        store_id = variables["body"]["storeId"]
        memo = variables["body"]["stockHistory"]["memo"]
        for row in self.client.get_list(f"/stock/changes/{product_id}/{store_id}", typed=False):
            if (row.get("memo") or "") == memo:
                return str(row.get("id") or FOUND_WITHOUT_ID)
        return None
