"""The ``query:`` search syntax on products, variants, inventory items and orders."""

from __future__ import annotations

from datetime import UTC

from .conftest import Shopify


def _ids(shopify: Shopify, field: str, query: str, extra: str = "") -> set[int]:
    document = f"query($q: String) {{ {field}(first: 250, query: $q{extra}) {{ nodes {{ id }} }} }}"
    nodes = shopify.data(document, {"q": query})[field]["nodes"]
    return {int(n["id"].rsplit("/", 1)[1]) for n in nodes}


def _stamp(moment) -> str:  # type: ignore[no-untyped-def]
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_updated_at_with_every_comparator(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    before = state.now()
    shopify.sandbox.clock.advance(3600)
    target = next(iter(state.products.values()))
    shopify.sandbox.admin_product_edit(f"gid://shopify/Product/{target.id}", title="改題した商品")
    edited_at = state.products[target.id].updated_at
    everyone = set(state.products)
    assert _ids(shopify, "products", f"updated_at:>'{_stamp(before)}'") == {target.id}
    assert _ids(shopify, "products", f"updated_at:>={_stamp(edited_at)}") == {target.id}
    assert _ids(shopify, "products", f"updated_at:<{_stamp(edited_at)}") == everyone - {target.id}
    assert _ids(shopify, "products", f"updated_at:<='{_stamp(edited_at)}'") == everyone


def test_created_at_and_a_bare_date_means_that_day(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    shopify.sandbox.clock.advance(3 * 86400)
    created = shopify.sandbox.admin_product_create("新作マグ", "4999999999994", 1500)
    number = int(created.rsplit("/", 1)[1])
    created_at = state.products[number].created_at
    assert _ids(shopify, "products", f'created_at:>"{_stamp(created_at.replace(hour=0, minute=0))}"') >= {
        number
    }
    assert number not in _ids(shopify, "products", f"created_at:<{_stamp(created_at)}")
    tokyo_day = created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d")
    assert number in _ids(shopify, "products", f"created_at:{tokyo_day}")


def test_sku_and_barcode_exact_and_prefix(shopify: Shopify) -> None:
    variant = next(iter(shopify.sandbox.state.variants.values()))
    sku = shopify.sandbox.state.items[variant.inventory_item_id].sku
    assert _ids(shopify, "productVariants", f"sku:{sku}") == {variant.id}
    assert _ids(shopify, "productVariants", f"barcode:'{variant.barcode}'") == {variant.id}
    assert _ids(shopify, "products", f"sku:{sku}") == {variant.product_id}
    assert _ids(shopify, "inventoryItems", f"sku:{sku}") == {variant.inventory_item_id}
    every = set(shopify.sandbox.state.variants)
    assert _ids(shopify, "productVariants", f"sku:{sku[:6]}*") == every


def test_tag_status_and_boolean_connectives(shopify: Shopify) -> None:
    state = shopify.sandbox.state
    gifts = {p.id for p in state.products.values() if "ギフト" in p.tags}
    food = {p.id for p in state.products.values() if "食品" in p.tags}
    assert gifts and food
    assert _ids(shopify, "products", "tag:ギフト") == gifts
    assert _ids(shopify, "products", "tag:'ギフト' OR tag:\"食品\"") == gifts | food
    assert _ids(shopify, "products", "tag:ギフト AND tag:食品") == gifts & food
    assert _ids(shopify, "products", "-tag:ギフト") == set(state.products) - gifts
    assert _ids(shopify, "products", "NOT tag:ギフト") == set(state.products) - gifts
    assert _ids(shopify, "products", "tag_not:ギフト") == set(state.products) - gifts
    archived = next(iter(gifts))
    shopify.sandbox.admin_product_edit(f"gid://shopify/Product/{archived}", status="ARCHIVED")
    assert _ids(shopify, "products", "status:archived") == {archived}
    assert _ids(shopify, "products", "status:active tag:ギフト") == gifts - {archived}
    assert _ids(shopify, "products", "(status:archived OR tag:食品) AND -tag:ギフト") == food - gifts


def test_orders_by_source_name_tag_and_updated_at(shopify: Shopify) -> None:
    sku = next(iter(shopify.sandbox.state.items.values())).sku
    shopify.sandbox.storefront_sale([(sku, 1)])
    answer = shopify.data(
        """mutation($order: OrderCreateOrderInput!) { orderCreate(order: $order) { order { id } userErrors { message } } }""",
        {
            "order": {
                "sourceName": "smapify",
                "sourceIdentifier": "smaregi:1:txn:42",
                "tags": ["smaregi-txn-42"],
                "lineItems": [
                    {
                        "title": "手入力商品",
                        "sku": "X1",
                        "quantity": 1,
                        "priceSet": {"shopMoney": {"amount": "1100", "currencyCode": "JPY"}},
                    }
                ],
            }
        },
    )
    ours = int(answer["orderCreate"]["order"]["id"].rsplit("/", 1)[1])
    assert _ids(shopify, "orders", "source_name:smapify") == {ours}
    assert _ids(shopify, "orders", "tag:'smaregi-txn-42'") == {ours}
    assert len(_ids(shopify, "orders", "source_name:web")) == 1
    assert _ids(shopify, "orders", "source_name:smapify AND tag:smaregi-txn-42", ", sortKey: UPDATED_AT") == {
        ours
    }


def test_an_unknown_search_field_is_ignored_with_a_warning(shopify: Shopify) -> None:
    answer = shopify.gql('{ products(first: 250, query: "colour:red") { nodes { id } } }')
    assert len(answer["data"]["products"]["nodes"]) == len(shopify.sandbox.state.products)
    warning = answer["extensions"]["search"][0]
    assert warning["path"] == ["products"]
    assert warning["warnings"][0]["field"] == "colour"
