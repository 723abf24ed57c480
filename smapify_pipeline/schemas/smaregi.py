"""The raw Smaregi tables, one declaration each (columns, types and rules; see ``raw_table.py``).

Ids are digit strings; codes stay the strings the API sends and are checked against the API's code tables;
money is whole yen within the API's ±999,999,999 (product prices ±99,999,999 and, for the sync, never
negative); timestamps are UTC-aware (the API sends ``+09:00``). Each column's API field is the camelCase of its
name (``transaction_head_id`` <- ``transactionHeadId``).
"""

from __future__ import annotations

from smapify_pipeline.schemas import choices, patterns
from smapify_pipeline.schemas.raw_table import (
    Column,
    Kind,
    code,
    column,
    integer,
    matching,
    percent,
    smaregi_id,
    table,
    text,
    texts,
    timestamp,
    yen,
)

FLAG = ("0", "1")
TAX_DIVISIONS = ("0", "1", "2")
"""0 tax-included, 1 tax-excluded, 2 tax-exempt."""
TRANSACTION_HEAD_DIVISIONS = tuple(str(number) for number in (*range(1, 12), 13, 14, 15, 16))
"""1 sale … 16 receipt; there is no 12 and no 'return' or 'cancel' division."""
DISPOSE_DIVISIONS = ("0", "1", "2")
"""0 normal, 1 a sale that was reversed, 2 the reversing (negative) record."""
TRANSACTION_DETAIL_DIVISIONS = ("1", "2", "3")
"""1 normal, 2 returned line, 3 category sale without a product."""
MONEY = choices.SMAREGI_MONEY_LIMIT


def _store_id(name: str = "store_id") -> Column:
    return smaregi_id(name, pattern=patterns.SMAREGI_STORE_ID)


def _money(*names: str) -> list[Column]:
    """Optional signed amounts within the API's money range."""
    return [yen(name, ge=None, limit=MONEY) for name in names]


def _registered(*, updated_nullable: bool = True) -> list[Column]:
    """Display order and the record's registration and update times, which close most master tables."""
    return [
        integer("display_sequence", nullable=True),
        timestamp("ins_date_time", nullable=True),
        timestamp("upd_date_time", nullable=updated_nullable),
    ]


STORES = table(
    "raw.smaregi_stores",
    ("store_id",),
    _store_id(),
    text("store_code", nullable=False),
    text("store_name", nullable=False),
    text("store_abbr"),
    code("division", ("1", "2"), nullable=True),
    code("sell_division", FLAG, nullable=True),
    code("pause_flag", FLAG, nullable=True),
    _registered(),
)
CATEGORIES = table(
    "raw.smaregi_categories",
    ("category_id",),
    smaregi_id("category_id"),
    text("category_code", nullable=False),
    text("category_name", nullable=False),
    text("category_abbr"),
    code("display_flag", FLAG, nullable=True),
    code("tax_division", TAX_DIVISIONS, nullable=True),
    smaregi_id("parent_category_id", nullable=True),
    code("level", ("1", "2", "3"), nullable=True),
    _registered(),
)
PRODUCTS = table(
    "raw.smaregi_products",
    ("product_id",),
    smaregi_id("product_id"),
    smaregi_id("category_id"),
    matching("product_code", patterns.PRODUCT_CODE, unique=True),
    text("product_name", nullable=False, max_length=85),
    text("product_kana"),
    code("tax_division", TAX_DIVISIONS),
    code("product_price_division", ("1", "2"), nullable=True),
    yen("price", nullable=False, limit=choices.SMAREGI_PRICE_LIMIT),
    yen("customer_price", ge=None, limit=choices.SMAREGI_PRICE_LIMIT),
    column("cost", Kind.DECIMAL, nullable=True, ge=0),
    texts("description", "size", "color", "tag", "group_code", "supplier_product_no"),
    code("display_flag", FLAG, nullable=True),
    code("division", ("0", "1", "2"), nullable=True),
    code("sales_division", FLAG, nullable=True),
    code("stock_control_division", FLAG, nullable=True),
    _registered(updated_nullable=False),
    deletable=True,
)
STOCK = table(
    "raw.smaregi_stock",
    ("product_id", "store_id"),
    smaregi_id("product_id"),
    _store_id(),
    integer("stock_amount", limit=MONEY),
    integer("layaway_stock_amount", nullable=True, limit=MONEY),
    timestamp("upd_date_time", nullable=True),
)
TRANSACTIONS = table(
    "raw.smaregi_transactions",
    ("transaction_head_id",),
    smaregi_id("transaction_head_id"),
    timestamp("transaction_date_time"),
    code("transaction_head_division", TRANSACTION_HEAD_DIVISIONS),
    code("cancel_division", FLAG),
    code("dispose_division", DISPOSE_DIVISIONS, nullable=True),
    smaregi_id("dispose_server_transaction_head_id", nullable=True),
    code("return_sales", FLAG, nullable=True),
    _store_id(),
    smaregi_id("terminal_id", nullable=True, pattern=patterns.SMAREGI_TERMINAL_ID),
    text("terminal_tran_id", max_length=10),
    timestamp("terminal_tran_date_time"),
    texts("transaction_uuid", "customer_code"),
    yen("subtotal", nullable=False, ge=None, limit=MONEY),
    _money(
        "subtotal_discount_price",
        "point_discount",
        "coupon_discount",
        "carriage",
        "commission",
        "tax_include",
    ),
    _money("tax_exclude"),
    yen("total", nullable=False, ge=None, limit=MONEY),
    integer("amount", nullable=True),
    integer("return_amount", nullable=True),
    column("cost_total", Kind.DECIMAL, nullable=True),
    percent("tax_rate"),
    texts("memo", "tags"),
    column("sum_date", Kind.DATE, nullable=True),
    timestamp("cancel_date_time", nullable=True),
    timestamp("upd_date_time"),
)
TRANSACTION_DETAILS = table(
    "raw.smaregi_transaction_details",
    ("transaction_head_id", "transaction_detail_id"),
    smaregi_id("transaction_head_id"),
    matching("transaction_detail_id", r"^\d{1,4}$"),
    text("parent_transaction_detail_id"),
    code("transaction_detail_division", TRANSACTION_DETAIL_DIVISIONS),
    smaregi_id("product_id", nullable=True),
    texts("product_code", "product_name"),
    smaregi_id("category_id", nullable=True),
    texts("group_code", "size", "color"),
    code("tax_division", TAX_DIVISIONS, nullable=True),
    code("sales_division", FLAG, nullable=True),
    _money("price"),
    yen("sales_price", nullable=False, ge=None, limit=MONEY),
    _money("unit_discount_price"),
    integer("quantity", limit=MONEY),
    _money("unit_discounted_sum"),
    column("cost", Kind.DECIMAL, nullable=True),
    percent("tax_rate"),
)

TABLES = (STORES, CATEGORIES, PRODUCTS, STOCK, TRANSACTIONS, TRANSACTION_DETAILS)
