"""The product cases as far as pure product rules decide them (docs/architecture.md, "Products")."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from smapify_pipeline.documents.orders import sale_to_order
from smapify_pipeline.products.bodies import (
    plan_delete,
    shopify_create_for,
    shopify_product_update,
    smaregi_creates_for,
    smaregi_product_patch,
)
from smapify_pipeline.products.fields import ShopifyVariantSnapshot, SmaregiProductSnapshot
from smapify_pipeline.products.merge import (
    is_excluded,
    match_code,
    merge_product,
    shopify_fields,
    smaregi_fields,
)
from smapify_pipeline.sync.records import SmaregiLine, UnmappableDocument
from tests.unit.scenario import CTX, LINKS, LOCATION_L, X_CODE, X_PRODUCT, X_VARIANT, sale

SHOPIFY_X = ShopifyVariantSnapshot(
    product_id="gid://shopify/Product/601",
    variant_id=X_VARIANT,
    inventory_item_id="gid://shopify/InventoryItem/301",
    title="定番Tシャツ",
    product_type="トップス",
    description_html="<p>定番</p>",
    status="ACTIVE",
    price=1_100,
    sku=X_CODE,
    barcode=X_CODE,
    cost=Decimal("480.00"),
    options=(("サイズ", "M"), ("カラー", "ホワイト")),
    tags=("定番",),
)
SMAREGI_X = SmaregiProductSnapshot(
    product_id=X_PRODUCT,
    product_code=X_CODE,
    product_name="定番Tシャツ",
    price=1_100,
    category_id="1",
    category_name="トップス",
    description="<p>定番</p>",
    cost=Decimal("480.00000"),
    display_flag="1",
    size="M",
    color="ホワイト",
    group_code="G000001",
)
BASE = smaregi_fields(SMAREGI_X)


def test_the_linked_pair_maps_to_equal_fields() -> None:
    assert shopify_fields(SHOPIFY_X, "sku") == smaregi_fields(SMAREGI_X)
    merge = merge_product(BASE, shopify_fields(SHOPIFY_X, "sku"), smaregi_fields(SMAREGI_X), "smaregi")
    assert (merge.to_shopify, merge.to_smaregi, merge.conflicts) == ({}, {}, ())


def test_p1_shopify_product_becomes_tax_included_smaregi_products_in_one_group() -> None:
    y = replace(SHOPIFY_X, variant_id="gid://shopify/ProductVariant/299", sku="4901234567917", barcode=None)
    (create,) = smaregi_creates_for([y], "sku", category_id="1")
    assert create.body["productCode"] == "4901234567917"
    assert create.body["productName"] == "定番Tシャツ M ホワイト", "the title and the variant's option values"
    assert (create.body["price"], create.body["taxDivision"], create.body["categoryId"]) == ("1100", "0", "1")
    assert create.body["groupCode"] == "SHOPIFY-601"
    assert (create.body["size"], create.body["color"], create.body["cost"]) == ("M", "ホワイト", "480")
    assert all(isinstance(v, str) for v in create.body.values())
    assert create.key == "shopify:product:299:create"


def test_p2_smaregi_product_becomes_a_shopify_product_with_its_stock() -> None:
    z = replace(
        SMAREGI_X, product_id="8000050", product_code="4901234567924", size=None, color=None, group_code=None
    )
    create = shopify_create_for([z], stock={"8000050": {LOCATION_L: 4}})
    product = create.variables["input"]
    (variant,) = product["variants"]
    assert create.variables["synchronous"] is True
    assert (
        product["title"] == "定番Tシャツ"
        and product["productType"] == "トップス"
        and product["status"] == "ACTIVE"
    )
    assert variant["inventoryItem"]["sku"] == variant["barcode"] == "4901234567924"
    assert variant["price"] == "1100"
    assert variant["inventoryQuantities"] == [{"locationId": LOCATION_L, "name": "available", "quantity": 4}]
    assert product["productOptions"] == [{"name": "Title", "values": [{"name": "Default Title"}]}]


def test_group_of_smaregi_products_becomes_one_product_with_options() -> None:
    black = replace(SMAREGI_X, product_id="8000003", product_code="4901234567931", color="ブラック")
    create = shopify_create_for([SMAREGI_X, black])
    product = create.variables["input"]
    assert product["productOptions"] == [
        {"name": "サイズ", "values": [{"name": "M"}]},
        {"name": "カラー", "values": [{"name": "ホワイト"}, {"name": "ブラック"}]},
    ]
    assert [v["optionValues"][1]["name"] for v in product["variants"]] == ["ホワイト", "ブラック"]
    assert create.key == "smaregi:product:G000001:create"


def test_p3_price_changed_on_smaregi_goes_to_the_shopify_variant() -> None:
    smaregi = smaregi_fields(replace(SMAREGI_X, price=1_320))
    merge = merge_product(BASE, shopify_fields(SHOPIFY_X, "sku"), smaregi, "shopify")
    assert merge.to_shopify == {"price": 1_320} and merge.to_smaregi == {} and merge.conflicts == ()
    update = shopify_product_update(SHOPIFY_X, merge.to_shopify)
    assert update.product is None
    assert update.variants == {
        "productId": SHOPIFY_X.product_id,
        "variants": [{"id": X_VARIANT, "price": "1320"}],
    }
    assert merge.result.price == 1_320


def test_p4_title_changed_on_shopify_goes_to_smaregi_product_name() -> None:
    shopify = shopify_fields(replace(SHOPIFY_X, title="新定番Tシャツ"), "sku")
    merge = merge_product(BASE, shopify, smaregi_fields(SMAREGI_X), "smaregi")
    assert merge.to_smaregi == {"title": "新定番Tシャツ"}
    key, body = smaregi_product_patch(X_PRODUCT, merge.to_smaregi, category_ids={})
    assert body == {"productName": "新定番Tシャツ"}
    assert key.startswith("smaregi:product:8000001:update:")


@pytest.mark.parametrize("primary", ["smaregi", "shopify"])
def test_p5_both_sides_changed_the_primary_wins_and_a_conflict_is_recorded(primary: str) -> None:
    shopify = shopify_fields(replace(SHOPIFY_X, title="Shopify側"), "sku")
    smaregi = smaregi_fields(replace(SMAREGI_X, product_name="スマレジ側"))
    merge = merge_product(BASE, shopify, smaregi, primary)
    winner = "Shopify側" if primary == "shopify" else "スマレジ側"
    assert merge.result.title == winner
    assert (merge.to_shopify or merge.to_smaregi) == {"title": winner}
    (conflict,) = merge.conflicts
    assert conflict.kind == "product_conflict"
    assert conflict.old_value == {"field": "title", "shopify": "Shopify側", "smaregi": "スマレジ側"}
    assert conflict.new_value == {"field": "title", "value": winner}


def test_same_change_on_both_sides_is_no_conflict() -> None:
    shopify = shopify_fields(replace(SHOPIFY_X, price=1_320), "sku")
    smaregi = smaregi_fields(replace(SMAREGI_X, price=1_320))
    assert merge_product(BASE, shopify, smaregi, "smaregi").conflicts == ()


def test_first_link_takes_the_primary_without_conflict() -> None:
    shopify = shopify_fields(replace(SHOPIFY_X, title="A"), "sku")
    merge = merge_product(None, shopify, smaregi_fields(SMAREGI_X), "smaregi")
    assert merge.to_shopify == {"title": "定番Tシャツ"} and merge.conflicts == ()


def test_status_and_cost_and_category_patches() -> None:
    key, body = smaregi_product_patch(
        X_PRODUCT,
        {"visible": False, "cost": Decimal("500"), "category": "ボトムス", "price": 990},
        {"ボトムス": "2"},
    )
    assert body == {"displayFlag": "0", "cost": "500", "categoryId": "2", "price": "990", "taxDivision": "0"}
    with pytest.raises(UnmappableDocument):
        smaregi_product_patch(X_PRODUCT, {"category": "未知"}, {})
    update = shopify_product_update(SHOPIFY_X, {"visible": False, "size": "L"})
    assert update.product == {"id": SHOPIFY_X.product_id, "status": "DRAFT"}
    assert update.variants is not None
    assert update.variants["variants"][0]["optionValues"] == [
        {"optionName": "サイズ", "name": "L"},
        {"optionName": "カラー", "name": "ホワイト"},
    ], "every option of the variant, the changed one replaced"


@pytest.mark.parametrize(
    ("policy", "kind", "payload"),
    [("archive", "hide", {"displayFlag": "0"}), ("delete", "delete", {}), ("ignore", None, None)],
)
def test_p6_deleted_on_shopify(policy: str, kind: str | None, payload: dict[str, str] | None) -> None:
    action = plan_delete("shopify", policy, X_PRODUCT)
    if kind is None:
        assert action is None
    else:
        assert action is not None
        assert (action.target, action.kind, action.target_id, action.payload) == (
            "smaregi",
            kind,
            X_PRODUCT,
            payload,
        )


@pytest.mark.parametrize(
    ("policy", "kind"), [("archive", "archive"), ("delete", "delete_product"), ("ignore", None)]
)
def test_p7_deleted_on_smaregi(policy: str, kind: str | None) -> None:
    action = plan_delete("smaregi", policy, X_VARIANT, shopify_product_id=SHOPIFY_X.product_id)
    if kind is None:
        assert action is None
        return
    assert action is not None and action.kind == kind
    if kind == "archive":
        assert action.payload == {"product": {"id": SHOPIFY_X.product_id, "status": "ARCHIVED"}}


def test_p7_variant_with_siblings_is_deleted_alone_or_unlinked() -> None:
    delete = plan_delete("smaregi", "delete", X_VARIANT, SHOPIFY_X.product_id, siblings=2)
    archive = plan_delete("smaregi", "archive", X_VARIANT, SHOPIFY_X.product_id, siblings=2)
    assert delete is not None and delete.kind == "delete_variant"
    assert delete.payload == {"productId": SHOPIFY_X.product_id, "variantsIds": [X_VARIANT]}
    assert archive is not None and archive.kind == "unlink"


def test_p8_duplicate_codes_are_not_created_and_their_sales_are_custom_lines() -> None:
    q1 = replace(SHOPIFY_X, variant_id="gid://shopify/ProductVariant/501", sku="Q")
    q2 = replace(SHOPIFY_X, variant_id="gid://shopify/ProductVariant/502", sku="Q")
    assert smaregi_creates_for([q1, q2], "sku", "1", skip_codes=frozenset({"Q"})) == ()
    q_sale = sale(SmaregiLine("1", "8000077", "Q", "Qの商品", 1_100, 1, 10))
    (line,) = sale_to_order(q_sale, CTX, LINKS).variables["order"]["lineItems"]
    assert "variantId" not in line and line["sku"] == "Q"


def test_p9_blank_match_key_is_never_created() -> None:
    blank = replace(SHOPIFY_X, sku="  ", barcode=None)
    assert match_code(blank, "sku") is None
    assert smaregi_creates_for([blank], "sku", "1") == ()
    with pytest.raises(UnmappableDocument):
        shopify_fields(blank, "sku")


def test_match_key_barcode_uses_the_barcode() -> None:
    variant = replace(SHOPIFY_X, sku="INTERNAL-1", barcode=X_CODE)
    assert match_code(variant, "barcode") == X_CODE
    assert match_code(variant, "sku") == "INTERNAL-1"


def test_p10_exclude_tag_on_either_side() -> None:
    assert is_excluded(("定番", "Smapify-Exclude"), "smapify-exclude")
    assert is_excluded("セール, smapify-exclude", "smapify-exclude")
    assert not is_excluded(("定番",), "smapify-exclude")
    assert not is_excluded(None, "smapify-exclude")
    assert not is_excluded("smapify-exclude-not", "smapify-exclude")


def test_tax_excluded_smaregi_product_is_refused() -> None:
    with pytest.raises(UnmappableDocument):
        smaregi_fields(replace(SMAREGI_X, tax_division="1"))
