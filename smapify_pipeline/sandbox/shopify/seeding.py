"""Load a :class:`~smapify_pipeline.sandbox.seed.Catalogue` into the Shopify state.

One product per seed product (handle = its group code in lower case; options Size / Color when its variants have them), one variant per seed
variant (SKU = barcode = JAN code, tax-included price, tracked inventory item with the unit cost), one
location per seed location, and an inventory level per variant and location with ``available`` (= on hand)
from the seed stock. Seeding fires no webhooks: it is the shop as it already was.
"""

from __future__ import annotations

from decimal import Decimal

from smapify_pipeline.sandbox.seed import Catalogue, SeedProduct
from smapify_pipeline.sandbox.shopify.products import set_options
from smapify_pipeline.sandbox.shopify.state import Product, ShopState

LOCATION_ADDRESSES = (
    {"address1": "神南1-1-1", "city": "渋谷区", "province": "東京都", "zip": "150-0041"},
    {"address1": "梅田3-1-1", "city": "大阪市北区", "province": "大阪府", "zip": "530-0001"},
    {"address1": "流通センター2-2", "city": "大田区", "province": "東京都", "zip": "143-0006"},
)


def seed_catalogue(state: ShopState, catalogue: Catalogue) -> None:
    with state.lock:
        location_ids = []
        for seed_location in catalogue.locations:
            address = LOCATION_ADDRESSES[seed_location.index % len(LOCATION_ADDRESSES)]
            location_ids.append(state.add_location(seed_location.name, **address).id)
        for seed_product in catalogue.products:
            _seed_product(state, seed_product, location_ids)


def _option_names(seed_product: SeedProduct) -> list[tuple[str, list[str]]]:
    sizes = list(dict.fromkeys(v.size for v in seed_product.variants if v.size))
    colors = list(dict.fromkeys(v.color for v in seed_product.variants if v.color))
    return [(name, values) for name, values in (("Size", sizes), ("Color", colors)) if values]


def _seed_product(state: ShopState, seed_product: SeedProduct, location_ids: list[int]) -> None:
    now = state.now()
    product = Product(
        id=state.new_id("Product"),
        title=seed_product.title,
        handle=seed_product.group_code.lower(),
        status="ACTIVE",
        tags=list(seed_product.tags),
        product_type=seed_product.category.product_type,
        vendor=state.shop.name,
        description_html=seed_product.description,
        created_at=now,
        updated_at=now,
        published_at=now,
    )
    state.products[product.id] = product
    options = _option_names(seed_product)
    set_options(state.new_id, product, options)
    for seed_variant in seed_product.variants:
        pairs = [
            (name, value)
            for name, value in (("Size", seed_variant.size), ("Color", seed_variant.color))
            if value and any(name == option for option, _ in options)
        ]
        variant = state.add_variant(
            product,
            Decimal(seed_variant.price),
            seed_variant.code,
            option_values=pairs,
            barcode=seed_variant.code,
            unit_cost=Decimal(seed_variant.cost),
        )
        for location_id, stock in zip(location_ids, seed_variant.stock, strict=False):
            level = state.activate(variant.inventory_item_id, location_id)
            level.quantities["available"] = stock
