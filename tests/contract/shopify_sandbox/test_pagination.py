"""Cursor connections: page limits, walking forwards and backwards, sort keys, reverse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

from .conftest import Shopify, serve

WALK = """
query Walk($after: String) {
  productVariants(first: 250, after: $after) {
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id sku } }
  }
}
"""


@pytest.fixture(scope="module")
def big_shop() -> Iterator[Shopify]:
    yield from serve(ShopifySandbox.create(seed_size=1000, seed=1))


def test_walking_1000_variants_page_by_page_sees_each_exactly_once(big_shop: Shopify) -> None:
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        connection = big_shop.data(WALK, {"after": after})["productVariants"]
        pages += 1
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        assert connection["pageInfo"]["hasPreviousPage"] is (pages > 1)
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 4
    assert len(seen) == len(set(seen)) == 1000 == len(big_shop.sandbox.state.variants)


def test_backwards_with_last_and_before_gives_the_previous_page(big_shop: Shopify) -> None:
    first_two = big_shop.data("{ productVariants(first: 20) { edges { cursor node { id } } } }")[
        "productVariants"
    ]
    ids = [e["node"]["id"] for e in first_two["edges"]]
    before = first_two["edges"][10]["cursor"]
    back = big_shop.data(
        "query($b: String) { productVariants(last: 5, before: $b) { nodes { id } pageInfo { hasNextPage hasPreviousPage } } }",
        {"b": before},
    )["productVariants"]
    assert [n["id"] for n in back["nodes"]] == ids[5:10]
    assert back["pageInfo"] == {"hasNextPage": True, "hasPreviousPage": True}


def test_a_page_over_250_is_refused(big_shop: Shopify) -> None:
    answer = big_shop.gql("{ products(first: 251) { nodes { id } } }")
    assert answer["errors"] and answer["data"] is None


def test_a_connection_without_first_or_last_is_refused(big_shop: Shopify) -> None:
    answer = big_shop.gql("{ products { nodes { id } } }")
    assert "first or last" in answer["errors"][0]["message"]


def test_sort_key_and_reverse(big_shop: Shopify) -> None:
    titles = [
        n["title"]
        for n in big_shop.data("{ products(first: 50, sortKey: TITLE) { nodes { title } } }")["products"][
            "nodes"
        ]
    ]
    assert titles == sorted(titles, key=str.lower)
    ids = [
        n["id"]
        for n in big_shop.data("{ products(first: 5, reverse: true) { nodes { id } } }")["products"]["nodes"]
    ]
    numbers = [int(i.rsplit("/", 1)[1]) for i in ids]
    assert numbers == sorted(numbers, reverse=True)
    assert numbers[0] == max(big_shop.sandbox.state.products)


def test_reverse_pages_continue_in_reverse_order(big_shop: Shopify) -> None:
    query = "query($a: String) { products(first: 3, reverse: true, sortKey: UPDATED_AT, after: $a) { nodes { id } pageInfo { endCursor } } }"
    first = big_shop.data(query)["products"]
    second = big_shop.data(query, {"a": first["pageInfo"]["endCursor"]})["products"]
    numbers = [int(n["id"].rsplit("/", 1)[1]) for n in first["nodes"] + second["nodes"]]
    assert len(set(numbers)) == 6
    assert numbers == sorted(numbers, reverse=True)


def test_objects_added_between_pages_do_not_shift_the_walk(shopify: Shopify) -> None:
    query = "query($a: String) { products(first: 2, after: $a) { nodes { id } pageInfo { endCursor hasNextPage } } }"
    page = shopify.data(query)["products"]
    shopify.sandbox.admin_product_create("新商品テスト", "4999999999994", 500)
    seen = [n["id"] for n in page["nodes"]]
    while page["pageInfo"]["hasNextPage"]:
        page = shopify.data(query, {"a": page["pageInfo"]["endCursor"]})["products"]
        seen += [n["id"] for n in page["nodes"]]
    assert len(seen) == len(set(seen)) == len(shopify.sandbox.state.products)
