"""Writers (:class:`~smapify_pipeline.push.apply.Writer`) for the Smaregi writes. Smaregi has no idempotency key,
so every lost answer is resolved by looking for our marker:

* :class:`TransactionPostWriter` — ``POST /transactions``; found again by listing the store's transactions
  around the terminal time we sent (payload ``lookup_params``) and matching the memo marker and
  ``terminalTranId`` (:func:`~smapify_pipeline.sync.markers.transaction_matches`).
* :class:`StockAddWriter` — ``POST /stock/{productId}/add``; found again in the product×store stock change
  history by its memo, which must name the write uniquely (one add per document, product and store).

Payloads:

* transaction: ``{"body": {...}, "lookup_params": {...}, "marker_kind": "order"|"refund", "shopify_id": gid}``
* stock add: ``{"product_id", "store_id", "delta", "memo"}``
"""

from __future__ import annotations

import copy
from typing import Any

from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.push.apply import FOUND_WITHOUT_ID, PlannedChange
from smapify_pipeline.sync import markers


class TransactionPostWriter:
    idempotent = False

    def __init__(self, client: SmaregiClient) -> None:
        self.client = client

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


class StockAddWriter:
    idempotent = False

    def __init__(self, client: SmaregiClient) -> None:
        self.client = client

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        payload = change.payload
        return {
            "storeId": str(payload["store_id"]),
            "stockAmount": str(int(payload["delta"])),
            "stockHistory": {"memo": str(payload["memo"])[:100]},
        }

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        answer = self.client.post(f"/stock/{change.payload['product_id']}/add", variables)
        history = (answer or {}).get("stockHistory") or {}
        return str(history.get("id") or FOUND_WITHOUT_ID)

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        payload = change.payload
        path = f"/stock/changes/{payload['product_id']}/{payload['store_id']}"
        memo = str(payload["memo"])[:100]
        for row in self.client.get_list(path, typed=False):
            if (row.get("memo") or "") == memo:
                return str(row.get("id") or FOUND_WITHOUT_ID)
        return None
