"""Writers (:class:`smapify_pipeline.sync.apply.Writer`) of product creates, updates and deletions.

Choices (the reference does not settle them; kept here):

* Updates (Smaregi ``PATCH /products/{id}``, Shopify ``productUpdate`` + ``productVariantsBulkUpdate``) set
  values, so resending the same variables after an unknown outcome gives the same end state: treated as
  idempotent (resend, no lookup).
* Creates are not: after a lost answer the product is looked up by its code (Smaregi ``product_code``
  filter, Shopify ``sku:`` variant search) before anything is sent again.
* Deletions look first: a product already gone counts as done.
"""

from __future__ import annotations

import contextlib
from typing import Any

from smapify_pipeline.platforms.shopify.client import ShopifyClient
from smapify_pipeline.platforms.smaregi.client import SmaregiClient
from smapify_pipeline.platforms.smaregi.errors import SmaregiNotFound
from smapify_pipeline.sync.apply import FOUND_WITHOUT_ID, ClientWriter, PlannedChange

PRODUCT_UPDATE = """
mutation ProductCopy($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id } userErrors { field message } }
}
"""

VARIANTS_UPDATE = """
mutation VariantCopy($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id } userErrors { field message }
  }
}
"""

PRODUCT_SET = """
mutation ProductCreate($input: ProductSetInput!, $synchronous: Boolean) {
  productSet(input: $input, synchronous: $synchronous) {
    product { id variants(first: 100) { nodes { id sku inventoryItem { id } } } }
    userErrors { field message code }
  }
}
"""

PRODUCT_DELETE = """
mutation ProductRemove($input: ProductDeleteInput!) {
  productDelete(input: $input) { deletedProductId userErrors { field message } }
}
"""

VARIANTS_BY_SKU = """
query VariantsBySku($query: String!) {
  productVariants(first: 10, query: $query) {
    nodes { id sku product { id } inventoryItem { id } }
  }
}
"""

PRODUCT_EXISTS = """
query ProductExists($id: ID!) { product(id: $id) { id status } }
"""


def shopify_variants_by_sku(client: ShopifyClient, sku: str) -> list[dict[str, Any]]:
    data = client.execute(VARIANTS_BY_SKU, {"query": f"sku:'{sku}'"})
    return [n for n in data["productVariants"]["nodes"] if (n.get("sku") or "") == sku]


def smaregi_products_by_code(client: SmaregiClient, code: str) -> list[dict[str, Any]]:
    return [p for p in client.get_list("/products", {"product_code": code}) if p.get("productCode") == code]


class SmaregiPatchWriter(ClientWriter[SmaregiClient]):
    idempotent = True

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"path": change.payload["path"], "body": change.payload["body"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        self.client.patch(variables["path"], variables["body"])
        return variables["path"].rsplit("/", 1)[-1]


class SmaregiDeleteWriter(ClientWriter[SmaregiClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"path": f"/products/{change.payload['target_id']}"}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        with contextlib.suppress(SmaregiNotFound):
            self.client.delete(variables["path"])
        return variables["path"].rsplit("/", 1)[-1]

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        try:
            self.client.get(variables["path"])
        except SmaregiNotFound:
            return variables["path"].rsplit("/", 1)[-1]
        return None


class SmaregiCreateWriter(ClientWriter[SmaregiClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"body": change.payload["body"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        existing = self.find(change, variables)
        if existing is not None:
            return existing
        created = self.client.post("/products", variables["body"])
        return str(created["productId"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        found = smaregi_products_by_code(self.client, variables["body"]["productCode"])
        return str(found[0]["productId"]) if found else None


class ShopifyUpdateWriter(ClientWriter[ShopifyClient]):
    idempotent = True

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"product": change.payload.get("product"), "variants": change.payload.get("variants")}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        remote: str | None = None
        if variables.get("product"):
            data = self.client.execute(PRODUCT_UPDATE, {"product": variables["product"]})
            remote = (data["productUpdate"]["product"] or {}).get("id")
        if variables.get("variants"):
            data = self.client.execute(VARIANTS_UPDATE, variables["variants"])
            remote = remote or variables["variants"]["productId"]
        return remote or FOUND_WITHOUT_ID


class ShopifyCreateWriter(ClientWriter[ShopifyClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return dict(change.payload["variables"])

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        existing = self.find(change, variables)
        if existing is not None:
            return existing
        data = self.client.execute(PRODUCT_SET, variables)
        return str(data["productSet"]["product"]["id"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        for variant in variables["input"]["variants"]:
            sku = (variant.get("inventoryItem") or {}).get("sku") or variant.get("sku")
            if sku:
                found = shopify_variants_by_sku(self.client, sku)
                if found:
                    return str(found[0]["product"]["id"])
        return None


class ShopifyArchiveWriter(ClientWriter[ShopifyClient]):
    idempotent = True

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"product": change.payload["product"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        data = self.client.execute(PRODUCT_UPDATE, variables)
        return str((data["productUpdate"]["product"] or {}).get("id") or FOUND_WITHOUT_ID)


class ShopifyDeleteWriter(ClientWriter[ShopifyClient]):
    idempotent = False

    def prepare(self, change: PlannedChange) -> dict[str, Any]:
        return {"input": change.payload["input"]}

    def send(self, change: PlannedChange, variables: dict[str, Any], idempotency_key: str) -> str | None:
        if self.find(change, variables) is not None:
            return variables["input"]["id"]
        data = self.client.execute(PRODUCT_DELETE, variables)
        return str(data["productDelete"]["deletedProductId"] or variables["input"]["id"])

    def find(self, change: PlannedChange, variables: dict[str, Any]) -> str | None:
        data = self.client.execute(PRODUCT_EXISTS, {"id": variables["input"]["id"]})
        return variables["input"]["id"] if data.get("product") is None else None
