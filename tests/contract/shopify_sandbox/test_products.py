"""Product and variant mutations, the deletion log, and node lookups."""

from __future__ import annotations

from .conftest import Shopify

CREATE = """
mutation($product: ProductCreateInput!) {
  productCreate(product: $product) {
    product { id title handle status tags productType vendor descriptionHtml options { name values }
              variants(first: 5) { nodes { id title price sku selectedOptions { name value } } } }
    userErrors { field message }
  }
}
"""
BULK_CREATE = """
mutation($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkCreate(productId: $productId, variants: $variants, strategy: REMOVE_STANDALONE_VARIANT) {
    productVariants { id title price barcode sku inventoryQuantity inventoryItem { unitCost { amount } tracked } }
    userErrors { field message code }
  }
}
"""


def test_create_then_add_variants_with_stock(shopify: Shopify) -> None:
    product = shopify.data(
        CREATE,
        {
            "product": {
                "title": "京都ベーシックTシャツ",
                "productType": "トップス",
                "tags": ["新商品", "トップス"],
                "descriptionHtml": "<p>定番</p>",
                "productOptions": [{"name": "Size", "values": [{"name": "M"}, {"name": "L"}]}],
            }
        },
    )["productCreate"]["product"]
    assert product["status"] == "ACTIVE"
    assert product["options"] == [{"name": "Size", "values": ["M", "L"]}]
    assert [v["selectedOptions"] for v in product["variants"]["nodes"]] == [[{"name": "Size", "value": "M"}]]
    location = f"gid://shopify/Location/{next(iter(shopify.sandbox.state.locations))}"
    variants = [
        {
            "optionValues": [{"optionName": "Size", "name": size}],
            "price": "2200",
            "barcode": code,
            "inventoryItem": {"sku": code, "cost": "900", "tracked": True},
            "inventoryQuantities": [{"locationId": location, "availableQuantity": 5}],
        }
        for size, code in (("M", "4999999999901"), ("L", "4999999999918"))
    ]
    created = shopify.data(BULK_CREATE, {"productId": product["id"], "variants": variants})[
        "productVariantsBulkCreate"
    ]
    assert created["userErrors"] == []
    assert [(v["title"], v["sku"], v["inventoryQuantity"]) for v in created["productVariants"]] == [
        ("M", "4999999999901", 5),
        ("L", "4999999999918", 5),
    ]
    assert created["productVariants"][0]["inventoryItem"] == {
        "unitCost": {"amount": "900.0"},
        "tracked": True,
    }
    again = shopify.data(BULK_CREATE, {"productId": product["id"], "variants": variants[:1]})[
        "productVariantsBulkCreate"
    ]
    assert again["userErrors"][0]["code"] == "VARIANT_ALREADY_EXISTS"


def test_variants_bulk_update_changes_price_and_refuses_quantities(shopify: Shopify) -> None:
    variant = next(iter(shopify.sandbox.state.variants.values()))
    product_id = f"gid://shopify/Product/{variant.product_id}"
    update = """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) { productVariantsBulkUpdate(productId: $p, variants: $v) {
                productVariants { price compareAtPrice } userErrors { code field } } }"""
    ok = shopify.data(
        update,
        {
            "p": product_id,
            "v": [
                {
                    "id": f"gid://shopify/ProductVariant/{variant.id}",
                    "price": "1320",
                    "compareAtPrice": "1500",
                }
            ],
        },
    )
    assert ok["productVariantsBulkUpdate"]["productVariants"] == [
        {"price": "1320.00", "compareAtPrice": "1500.00"}
    ]
    location = f"gid://shopify/Location/{next(iter(shopify.sandbox.state.locations))}"
    refused = shopify.data(
        update,
        {
            "p": product_id,
            "v": [
                {
                    "id": f"gid://shopify/ProductVariant/{variant.id}",
                    "inventoryQuantities": [{"locationId": location, "availableQuantity": 1}],
                }
            ],
        },
    )
    assert (
        refused["productVariantsBulkUpdate"]["userErrors"][0]["code"]
        == "NO_INVENTORY_QUANTITIES_ON_VARIANTS_UPDATE"
    )


def test_product_set_replaces_the_variant_list(shopify: Shopify) -> None:
    query = """mutation($input: ProductSetInput!) { productSet(input: $input, synchronous: true) {
               product { id title variants(first: 10) { nodes { sku price } } } userErrors { code message } } }"""
    base = {
        "title": "静岡緑茶ティーバッグ",
        "productType": "飲料",
        "productOptions": [{"name": "Title", "values": [{"name": "Default Title"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Title", "name": "Default Title"}],
                "sku": "4999999999925",
                "price": "540",
            }
        ],
    }
    created = shopify.data(query, {"input": base})["productSet"]["product"]
    assert created["variants"]["nodes"] == [{"sku": "4999999999925", "price": "540.00"}]
    resized = {
        **base,
        "id": created["id"],
        "productOptions": [{"name": "Size", "values": [{"name": "20袋"}, {"name": "50袋"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Size", "name": "20袋"}],
                "sku": "4999999999932",
                "price": "540",
            },
            {
                "optionValues": [{"optionName": "Size", "name": "50袋"}],
                "sku": "4999999999949",
                "price": "1200",
            },
        ],
    }
    updated = shopify.data(query, {"input": resized})["productSet"]["product"]
    assert updated["id"] == created["id"]
    assert [v["sku"] for v in updated["variants"]["nodes"]] == ["4999999999932", "4999999999949"]
    assert shopify.sandbox.state.variant_by_sku("4999999999925") is None


def test_a_deleted_product_disappears_and_is_logged(shopify: Shopify) -> None:
    product = next(iter(shopify.sandbox.state.products.values()))
    product_gid = f"gid://shopify/Product/{product.id}"
    deleted = shopify.data(
        "mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { message } } }",
        {"id": product_gid},
    )["productDelete"]
    assert deleted == {"deletedProductId": product_gid, "userErrors": []}
    assert shopify.data("query($id: ID!) { product(id: $id) { id } }", {"id": product_gid})["product"] is None
    assert shopify.data("query($id: ID!) { node(id: $id) { id } }", {"id": product_gid})["node"] is None
    listed = shopify.data("{ products(first: 250) { nodes { id } } }")["products"]["nodes"]
    assert product_gid not in {n["id"] for n in listed}
    events = shopify.data(
        "{ deletionEvents(first: 10, subjectTypes: [PRODUCT]) { nodes { subjectId subjectType occurredAt } } }"
    )
    assert events["deletionEvents"]["nodes"][0]["subjectId"] == product_gid
    again = shopify.data(
        "mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field message } } }",
        {"id": product_gid},
    )["productDelete"]
    assert again == {
        "deletedProductId": None,
        "userErrors": [{"field": ["id"], "message": "Product does not exist"}],
    }


def test_node_and_nodes_resolve_every_kind(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    variant = next(iter(state.variants.values()))
    ids = [
        f"gid://shopify/Product/{variant.product_id}",
        f"gid://shopify/ProductVariant/{variant.id}",
        f"gid://shopify/InventoryItem/{variant.inventory_item_id}",
        f"gid://shopify/Location/{next(iter(state.locations))}",
        "gid://shopify/Product/1",
    ]
    nodes = shopify.data("query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids})["nodes"]
    assert [n and n["__typename"] for n in nodes] == [
        "Product",
        "ProductVariant",
        "InventoryItem",
        "Location",
        None,
    ]


def test_product_by_handle_and_count(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    product = next(iter(state.products.values()))
    found = shopify.data("query($h: String!) { productByHandle(handle: $h) { id } }", {"h": product.handle})
    assert found["productByHandle"]["id"] == f"gid://shopify/Product/{product.id}"
    count = shopify.data('{ productsCount(query: "status:active") { count precision } }')["productsCount"]
    assert count == {"count": len(state.products), "precision": "EXACT"}
