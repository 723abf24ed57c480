"""Fill a :class:`SmaregiState` from the shared seed catalogue, directly (no HTTP), fast enough for 50,000 sales.

The catalogue's locations become stores ``"1"``, ``"2"``…; categories keep their codes and carry the
reduced-rate tax id when their rate is 8%; each variant becomes one product (productCode = JAN = Shopify
SKU/barcode, productName = product title, shared groupCode, size/color, tax-included price). Seeded stock
counts are on hand *now*: every non-zero count gets a stock row with one 棚卸 history record, zero counts
get no row (never moved). Seeded sales are history: they are stored dated at their sale time and do not
move stock again (the counts already include them).
"""

from __future__ import annotations

from collections.abc import Iterable

from smapify_pipeline.sandbox.seed import Catalogue, SeedSale
from smapify_pipeline.sandbox.smaregi import choices, transactions
from smapify_pipeline.sandbox.smaregi.listing import format_date, format_time
from smapify_pipeline.sandbox.smaregi.register import RegisterLine, transaction_body
from smapify_pipeline.sandbox.smaregi.state import REDUCED_TAX_ID, REDUCED_TAX_RATE, SmaregiState


def seed_catalogue(state: SmaregiState, catalogue: Catalogue) -> None:
    with state.lock:
        state.clear()
        for location in catalogue.locations:
            state.add_store(location.name, code=f"{location.index + 1:04d}")
        category_ids: dict[str, str] = {}
        for category in catalogue.categories:
            body = {
                "categoryCode": category.code,
                "categoryName": category.name,
                "categoryAbbr": category.name[:10],
            }
            if category.tax_rate == REDUCED_TAX_RATE:
                body["reduceTaxId"] = REDUCED_TAX_ID
            category_ids[category.code] = state.add_category(body, emit=False)["categoryId"]
        for product, variant in catalogue.variants():
            body = {
                "categoryId": category_ids[product.category.code],
                "productCode": variant.code,
                "productName": product.title,
                "taxDivision": choices.SEEDED_PRODUCT_TAX_DIVISION,
                "price": str(variant.price),
                "cost": str(variant.cost),
                "description": product.description,
                "groupCode": product.group_code,
                "tag": ",".join(product.tags),
            }
            if variant.size is not None:
                body["size"] = variant.size
            if variant.color is not None:
                body["color"] = variant.color
            created = state.create_product(body, emit=False)
            for location_index, count in enumerate(variant.stock):
                if count:
                    state._move_stock(
                        created["productId"],
                        str(location_index + 1),
                        absolute=count,
                        division=choices.STOCK_DIVISION_STOCKTAKING,
                        memo="初期在庫",
                    )
        state._touch()


def seed_sales(state: SmaregiState, sales: Iterable[SeedSale]) -> int:
    """Store seeded sales as past transactions; returns how many."""
    count = 0
    with state.lock:
        for sale in sales:
            at = format_time(sale.at)
            lines = [RegisterLine(code, quantity) for code, quantity in sale.lines]
            body = transaction_body(
                state, str(sale.location_index + 1), lines, at, str(state.next_transaction_id)
            )
            head, details = transactions.build_transaction(state, body)
            head.update(
                transactionDateTime=at, enterDateTime=at, updDateTime=at, sumDate=format_date(sale.at)
            )
            transactions.store_transaction(state, head, details, emit=False, move_stock=False)
            count += 1
        state._touch()
    return count
