"""A merchant's day, catalogue: match keys, variant names, impossible counts and limits (docs/scenarios.md
M30–M36), for both primaries, over both sandboxes on real HTTP.

Every test drives the merchant's action through the sandboxes' hooks, runs one full sync, reads both sandboxes
back (names, option values, prices and tax division, stock, and that no document appeared), checks the sync's
invariants and that a second run plans nothing.
"""

from __future__ import annotations

import json
from typing import Any

import dagster as dg

from smapify_pipeline.link.match_keys import normalise_match_key
from smapify_pipeline.products.limits import SMAREGI_NAME_LIMIT
from tests.e2e.scenario_harness import (
    PRIMARIES,
    X_CODE,
    X_PRICE,
    ScenarioFactory,
    ScenarioHarness,
    make_scenario,
)

__all__ = ["make_scenario"]

SIZES = ("S", "M", "L")
COLORS = ("白", "黒")
TEE = "オーガニックコットン Tシャツ"
TEE_PRICE = 2_200
TEE_GROUP = "TEE-2026"


# --- reading both sandboxes ---------------------------------------------------------------------------------


def _smaregi_products(h: ScenarioHarness, key: str) -> list[dict[str, Any]]:
    """Smaregi products whose code reads as the match key ``key``."""
    with h.smaregi.state.lock:
        return [
            dict(p)
            for p in h.smaregi.state.products.values()
            if normalise_match_key(p.get("productCode")) == key
        ]


def _shopify_variants(h: ScenarioHarness, key: str) -> list[Any]:
    """Shopify variants whose SKU reads as the match key ``key``."""
    state = h.shopify.state
    return [
        v for v in state.variants.values() if normalise_match_key(state.items[v.inventory_item_id].sku) == key
    ]


def _smaregi_product(h: ScenarioHarness, product_id: str) -> dict[str, Any]:
    with h.smaregi.state.lock:
        return dict(h.smaregi.state.products[product_id])


def _links(h: ScenarioHarness) -> dict[str, str]:
    return dict(h.query("SELECT smaregi_product_id, shopify_variant_id FROM core.product_links"))  # type: ignore[arg-type]


def _documents(h: ScenarioHarness) -> tuple[int, int, int]:
    return len(h.shopify_orders()), len(h.shopify_refunds()), len(h.smaregi_transactions())


def _quarantined(h: ScenarioHarness, source: str) -> dict[str, str]:
    rows = h.query("SELECT record_key, reason FROM quarantine.records WHERE source_table = ?", [source])
    return dict(rows)  # type: ignore[arg-type]


def _check(result: dg.ExecuteInProcessResult, name: str) -> Any:
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return evaluation


def _assert_priced(h: ScenarioHarness, smaregi: dict[str, Any], variant: Any, price: int) -> None:
    """Both sides carry the price tax-included (Smaregi taxDivision 0), to the yen."""
    assert (int(smaregi["price"]), smaregi["taxDivision"]) == (price, "0")
    assert variant.price == price


# --- M30, M31: spellings of one code link -------------------------------------------------------------------


def _one_pair_from_two_spellings(h: ScenarioHarness, shopify_sku: str, smaregi_code: str) -> None:
    """Both products are new and spelled differently: one link, nothing created, stock and money as one pair."""
    key = normalise_match_key(smaregi_code)
    assert key is not None
    h.shopify.admin_product_create("和紙 ノート", shopify_sku, 660, {0: 3})
    product_id = h.add_unlinked_smaregi_product(smaregi_code, "和紙 ノート", 660)
    documents = _documents(h)
    h.run_full_sync()
    [smaregi] = _smaregi_products(h, key)
    [variant] = _shopify_variants(h, key)
    variant_id = f"gid://shopify/ProductVariant/{variant.id}"
    assert _links(h)[product_id] == variant_id
    assert smaregi["productCode"] == smaregi_code, "the link key is never copied"
    assert h.shopify.state.items[variant.inventory_item_id].sku == shopify_sku
    _assert_priced(h, smaregi, variant, 660)
    assert h.linked_stock(product_id, variant_id) == (3, 3)
    assert _quarantined(h, "core.product_links") == {}
    assert _documents(h) == documents
    h.assert_settled()


@PRIMARIES
def test_m30_sku_with_spaces_and_lower_case_links_to_its_product_code(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    _one_pair_from_two_spellings(make_scenario(primary), " abc-777 ", "ABC-777")


@PRIMARIES
def test_m31_full_width_sku_links_to_its_ascii_product_code(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    _one_pair_from_two_spellings(make_scenario(primary), "ＡＢＣ－７７８", "ABC-778")


# --- M32: keys colliding after normalisation ----------------------------------------------------------------


@PRIMARIES
def test_m32_codes_colliding_after_normalisation_are_quarantined_and_never_created(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    first = h.shopify.admin_product_create("帆布 ポーチ 小", "abc-779", 990, {0: 2})
    second = h.shopify.admin_product_create("帆布 ポーチ 大", "ABC-779 ", 990, {0: 2})
    h.run_full_sync()
    assert _smaregi_products(h, "ABC-779") == [], "nothing created on Smaregi"
    assert len(_shopify_variants(h, "ABC-779")) == 2
    variants = [
        f"gid://shopify/ProductVariant/{h.shopify.product(p).variant_ids[0]}" for p in (first, second)
    ]
    reasons = _quarantined(h, "core.product_links")
    for variant in variants:
        reason = reasons[f"shopify:{variant}"]
        assert reason.startswith("duplicate match key after normalisation: ABC-779 held by ")
        assert all(v in reason for v in variants), "the reason names both records"
    smaregi_first = h.add_unlinked_smaregi_product("abc-780", "帆布 ポーチ 中", 990)
    smaregi_second = h.add_unlinked_smaregi_product("ABC-780", "帆布 ポーチ 特大", 990)
    shopify_products = len(h.shopify.state.products)
    h.run_full_sync()
    reasons = _quarantined(h, "core.product_links")
    for product_id in (smaregi_first, smaregi_second):
        assert reasons[f"smaregi:{product_id}"].startswith("duplicate match key after normalisation: ABC-780")
    assert len(h.shopify.state.products) == shopify_products, "nothing created on Shopify"
    sale = h.pos_sale([(smaregi_first, 1)])
    h.run_full_sync()
    [order] = h.orders_mirroring(sale)
    [line] = order.line_items
    assert (line.variant_id, line.sku, line.quantity) == (None, "abc-780", 1), "a custom line of the code"
    assert line.unit_price * line.quantity == int(h.smaregi.state.transactions[sale]["total"]) == 990
    smaregi_tax = int(h.smaregi.state.transactions[sale]["taxInclude"])
    assert sum(tax.amount for tax in line.tax_lines) == smaregi_tax == 90
    assert _smaregi_products(h, "ABC-779") == [] and len(_shopify_variants(h, "ABC-780")) == 0
    h.assert_settled()


# --- M33, M34: variant names -----------------------------------------------------------------------------------


def _six_variant_group(h: ScenarioHarness) -> dict[tuple[str, str], str]:
    """Six Smaregi products of one groupCode (size × color, named title + size + color), synced once so they
    are one Shopify product with six variants; (size, color) → Smaregi productId."""
    category_id = next(
        c["categoryId"] for c in h.smaregi.state.categories.values() if c["categoryCode"] == "03"
    )
    members = {}
    for number, (size, color) in enumerate((s, c) for c in COLORS for s in SIZES):
        product = h.smaregi.product_create(
            {
                "categoryId": category_id,
                "productCode": f"TEE-{number + 1:02d}",
                "productName": f"{TEE} {size} {color}",
                "price": str(TEE_PRICE),
                "taxDivision": "0",
                "groupCode": TEE_GROUP,
                "size": size,
                "color": color,
            }
        )
        members[(size, color)] = str(product["productId"])
    h.smaregi.stock_count(members[("M", "白")], h.store_id(0), 4)
    h.run_full_sync()
    product = _tee_product(h)
    assert product.title == TEE and len(product.variant_ids) == 6
    h.assert_invariants()
    h.assert_second_run_plans_nothing()
    return members


def _tee_product(h: ScenarioHarness) -> Any:
    [variant] = _shopify_variants(h, "TEE-01")
    return h.shopify.state.products[variant.product_id]


def _options(
    h: ScenarioHarness, members: dict[tuple[str, str], str]
) -> dict[tuple[str, str], dict[str, str]]:
    """(size, color) member → its Shopify variant's option values by option name."""
    links = _links(h)
    found = {}
    for member, product_id in members.items():
        variant = h.shopify.variant(links[product_id])
        found[member] = dict(variant.option_values)
    return found


def _names(h: ScenarioHarness, members: dict[tuple[str, str], str]) -> dict[tuple[str, str], str]:
    return {member: _smaregi_product(h, product_id)["productName"] for member, product_id in members.items()}


def _assert_group_money(h: ScenarioHarness, members: dict[tuple[str, str], str]) -> None:
    links = _links(h)
    for product_id in members.values():
        _assert_priced(h, _smaregi_product(h, product_id), h.shopify.variant(links[product_id]), TEE_PRICE)


@PRIMARIES
def test_m33_renaming_one_smaregi_member_changes_only_that_variant(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    members = _six_variant_group(h)
    names_before, options_before = _names(h, members), _options(h, members)
    documents = _documents(h)
    h.smaregi.product_edit(members[("M", "白")], {"productName": f"{TEE} M 生成り"})
    h.smaregi.product_edit(members[("L", "黒")], {"productName": f"限定 {TEE} L 黒"})
    h.run_full_sync()
    assert _tee_product(h).title == TEE, "neither rename renames the Shopify product"
    options = _options(h, members)
    assert options[("M", "白")] == {"サイズ": "M", "カラー": "生成り"}
    assert {m: o for m, o in options.items() if m != ("M", "白")} == {
        m: o for m, o in options_before.items() if m != ("M", "白")
    }
    renamed = _smaregi_product(h, members[("M", "白")])
    assert (renamed["productName"], renamed["color"], renamed["size"]) == (f"{TEE} M 生成り", "生成り", "M")
    names = _names(h, members)
    assert names[("L", "黒")] == f"限定 {TEE} L 黒", "a one-member rename stays on that member"
    assert {m: n for m, n in names.items() if m not in (("M", "白"), ("L", "黒"))} == {
        m: n for m, n in names_before.items() if m not in (("M", "白"), ("L", "黒"))
    }
    [kept] = h.audit_rows("name_kept")
    assert kept["entity_key"] == members[("L", "黒")]
    assert json.loads(kept["old_value"])["value"] == f"限定 {TEE} L 黒"
    _assert_group_money(h, members)
    assert _documents(h) == documents
    h.assert_settled()
    assert len(h.audit_rows("name_kept")) == 1, "recorded once, not on every run"


VARIANT_OPTION_UPDATE = """
mutation MerchantVariantEdit($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id }
    userErrors { field message }
  }
}
"""


@PRIMARIES
def test_m34_shopify_title_renames_every_member_and_an_option_value_only_its_member(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    members = _six_variant_group(h)
    documents = _documents(h)
    product = _tee_product(h)
    h.shopify.admin_product_edit(f"gid://shopify/Product/{product.id}", title="定番 Tシャツ 2026")
    h.run_full_sync()
    assert _names(h, members) == {(s, c): f"定番 Tシャツ 2026 {s} {c}" for s, c in members}
    assert _tee_product(h).title == "定番 Tシャツ 2026"
    h.assert_invariants()
    variant_id = _links(h)[members[("S", "黒")]]
    answer = h.shopify.graphql(
        VARIANT_OPTION_UPDATE,
        {
            "productId": f"gid://shopify/Product/{product.id}",
            "variants": [
                {
                    "id": variant_id,
                    "optionValues": [
                        {"optionName": "サイズ", "name": "S"},
                        {"optionName": "カラー", "name": "墨黒"},
                    ],
                }
            ],
        },
    )
    assert (
        not answer.body.get("errors") and not answer.body["data"]["productVariantsBulkUpdate"]["userErrors"]
    )
    h.run_full_sync()
    expected = {(s, c): f"定番 Tシャツ 2026 {s} {c}" for s, c in members}
    expected[("S", "黒")] = "定番 Tシャツ 2026 S 墨黒"
    assert _names(h, members) == expected
    assert _smaregi_product(h, members[("S", "黒")])["color"] == "墨黒"
    assert _tee_product(h).title == "定番 Tシャツ 2026"
    assert h.audit_rows("product_conflict") == [] and h.audit_rows("name_kept") == []
    _assert_group_money(h, members)
    assert _documents(h) == documents
    h.assert_settled()


# --- M35: impossible counts ------------------------------------------------------------------------------------


@PRIMARIES
def test_m35_negative_stock_on_the_primary_is_reported_not_copied(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    h = make_scenario(primary)
    documents = _documents(h)
    h.manual_edit(primary, X_CODE, -5)
    result = h.run_full_sync()
    smaregi, shopify = h.stock(X_CODE)
    assert (smaregi, shopify) == ((-5, 10) if primary == "smaregi" else (10, -5)), (
        "the secondary is left as is"
    )
    [(record, reason)] = _quarantined(h, "plan.inventory_plan").items()
    assert reason == "negative stock on the primary" and record.endswith("@1")
    check = _check(result, "impossible_primary_counts")
    assert not check.passed and check.metadata["withheld_pairs"].value == 1
    assert _check(result, "stock_drift").passed, "reported once, by its own check"
    h.assert_second_run_plans_nothing()
    assert h.stock(X_CODE) == (smaregi, shopify)
    h.manual_edit(primary, X_CODE, 3)
    result = h.run_full_sync()
    h.assert_stock(X_CODE, 0, 3)
    assert _check(result, "impossible_primary_counts").passed
    [variant] = _shopify_variants(h, X_CODE)
    [product] = _smaregi_products(h, X_CODE)
    _assert_priced(h, product, variant, X_PRICE)
    assert _documents(h) == documents
    h.assert_settled()


# --- M36: a value longer than Smaregi holds ---------------------------------------------------------------------

LONG_TITLE = " ".join(
    ["Handmade", "Kyoto", "indigo", "dyed", "cotton", "furoshiki", "wrapping", "cloth", "for", "gifts", "and"]
    * 4
)[:280]


@PRIMARIES
def test_m36_a_long_title_is_cut_at_a_word_boundary_and_audited_once(
    make_scenario: ScenarioFactory, primary: str
) -> None:
    assert len(LONG_TITLE) == 280
    h = make_scenario(primary)
    documents = _documents(h)
    h.shopify.admin_product_edit(X_CODE, title=LONG_TITLE)
    h.shopify.admin_product_create(LONG_TITLE, "FUROSHIKI-1", 1_650, {0: 2}, productType="雑貨")
    h.run_full_sync()
    for code in (X_CODE, "FUROSHIKI-1"):
        [product] = _smaregi_products(h, code)
        name = product["productName"]
        assert len(name) <= SMAREGI_NAME_LIMIT and LONG_TITLE.startswith(name)
        assert LONG_TITLE[len(name)] == " ", f"cut mid-word: {name!r}"
        assert len(name) > SMAREGI_NAME_LIMIT - 20, "cut near the limit"
        [variant] = _shopify_variants(h, code)
        assert h.shopify.state.products[variant.product_id].title == LONG_TITLE, "Shopify keeps its title"
    cuts = h.audit_rows("value_cut")
    assert len(cuts) == 2
    for cut in cuts:
        value = json.loads(cut["new_value"])
        assert (value["field"], value["full_length"], value["platform"]) == ("title", 280, "smaregi")
        assert LONG_TITLE.startswith(value["kept"])
    [x_variant] = _shopify_variants(h, X_CODE)
    [x_product] = _smaregi_products(h, X_CODE)
    _assert_priced(h, x_product, x_variant, X_PRICE)
    h.expect_stock("FUROSHIKI-1", 0, 2)
    assert _documents(h) == documents
    h.assert_settled()
    assert len(h.audit_rows("value_cut")) == 2, "audited once per change, not on every run"
