"""Pandera models of the raw Smaregi tables (one per table, columns exactly as in ``ddl.py``).

Ids are digit strings; codes stay the strings the API sends and are checked against the code tables of
``reference/smaregi.md`` §3; money is whole yen within the API's ±999,999,999 (product prices ±99,999,999 and,
for the sync, never negative); timestamps are UTC-aware (the API sends ``+09:00``).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from smapify_pipeline.schemas import choices, patterns
from smapify_pipeline.schemas.fields import code, field, integer, smaregi_id, text, timestamp, yen

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


class _Raw(pa.DataFrameModel):
    class Config:
        strict = True


class SmaregiStore(_Raw):
    store_id: Series[str] = smaregi_id(pattern=patterns.SMAREGI_STORE_ID)
    store_code: Series[str] = text(nullable=False)
    store_name: Series[str] = text(nullable=False)
    store_abbr: Series[str] = field(nullable=True)
    division: Series[str] = code(("1", "2"), nullable=True)
    sell_division: Series[str] = code(FLAG, nullable=True)
    pause_flag: Series[str] = code(FLAG, nullable=True)
    display_sequence: Series[pd.Int64Dtype] = integer(nullable=True)
    ins_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    upd_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_stores"
        unique = ["store_id"]


class SmaregiCategory(_Raw):
    category_id: Series[str] = smaregi_id()
    category_code: Series[str] = text(nullable=False)
    category_name: Series[str] = text(nullable=False)
    category_abbr: Series[str] = field(nullable=True)
    display_flag: Series[str] = code(FLAG, nullable=True)
    tax_division: Series[str] = code(TAX_DIVISIONS, nullable=True)
    parent_category_id: Series[str] = smaregi_id(nullable=True)
    level: Series[str] = code(("1", "2", "3"), nullable=True)
    display_sequence: Series[pd.Int64Dtype] = integer(nullable=True)
    ins_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    upd_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_categories"
        unique = ["category_id"]


class SmaregiProduct(_Raw):
    product_id: Series[str] = smaregi_id()
    category_id: Series[str] = smaregi_id()
    product_code: Series[str] = field(str_matches=patterns.PRODUCT_CODE, unique=True)
    product_name: Series[str] = text(nullable=False, max_length=85)
    product_kana: Series[str] = field(nullable=True)
    tax_division: Series[str] = code(TAX_DIVISIONS)
    product_price_division: Series[str] = code(("1", "2"), nullable=True)
    price: Series[pd.Int64Dtype] = yen(nullable=False, limit=choices.SMAREGI_PRICE_LIMIT)
    customer_price: Series[pd.Int64Dtype] = yen(ge=None, limit=choices.SMAREGI_PRICE_LIMIT)
    cost: Series[float] = field(nullable=True, ge=0)
    description: Series[str] = field(nullable=True)
    size: Series[str] = field(nullable=True)
    color: Series[str] = field(nullable=True)
    tag: Series[str] = field(nullable=True)
    group_code: Series[str] = field(nullable=True)
    supplier_product_no: Series[str] = field(nullable=True)
    display_flag: Series[str] = code(FLAG, nullable=True)
    division: Series[str] = code(("0", "1", "2"), nullable=True)
    sales_division: Series[str] = code(FLAG, nullable=True)
    stock_control_division: Series[str] = code(FLAG, nullable=True)
    display_sequence: Series[pd.Int64Dtype] = integer(nullable=True)
    ins_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    upd_date_time: Series[pd.DatetimeTZDtype] = timestamp()
    deleted_at: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_products"
        unique = ["product_id"]


class SmaregiStock(_Raw):
    product_id: Series[str] = smaregi_id()
    store_id: Series[str] = smaregi_id(pattern=patterns.SMAREGI_STORE_ID)
    stock_amount: Series[pd.Int64Dtype] = integer(limit=MONEY)
    layaway_stock_amount: Series[pd.Int64Dtype] = integer(nullable=True, limit=MONEY)
    upd_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_stock"
        unique = ["product_id", "store_id"]


class SmaregiTransaction(_Raw):
    transaction_head_id: Series[str] = smaregi_id()
    transaction_date_time: Series[pd.DatetimeTZDtype] = timestamp()
    transaction_head_division: Series[str] = code(TRANSACTION_HEAD_DIVISIONS)
    cancel_division: Series[str] = code(FLAG)
    dispose_division: Series[str] = code(DISPOSE_DIVISIONS, nullable=True)
    dispose_server_transaction_head_id: Series[str] = smaregi_id(nullable=True)
    return_sales: Series[str] = code(FLAG, nullable=True)
    store_id: Series[str] = smaregi_id(pattern=patterns.SMAREGI_STORE_ID)
    terminal_id: Series[str] = smaregi_id(nullable=True, pattern=patterns.SMAREGI_TERMINAL_ID)
    terminal_tran_id: Series[str] = text(max_length=10)
    terminal_tran_date_time: Series[pd.DatetimeTZDtype] = timestamp()
    transaction_uuid: Series[str] = field(nullable=True)
    customer_code: Series[str] = field(nullable=True)
    subtotal: Series[pd.Int64Dtype] = yen(nullable=False, ge=None, limit=MONEY)
    subtotal_discount_price: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    point_discount: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    coupon_discount: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    carriage: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    commission: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    tax_include: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    tax_exclude: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    total: Series[pd.Int64Dtype] = yen(nullable=False, ge=None, limit=MONEY)
    amount: Series[pd.Int64Dtype] = integer(nullable=True)
    return_amount: Series[pd.Int64Dtype] = integer(nullable=True)
    cost_total: Series[float] = field(nullable=True)
    tax_rate: Series[pd.Int64Dtype] = field(nullable=True, in_range={"min_value": 0, "max_value": 100})
    memo: Series[str] = field(nullable=True)
    tags: Series[str] = field(nullable=True)
    sum_date: Series[pa.DateTime] = field(nullable=True)
    cancel_date_time: Series[pd.DatetimeTZDtype] = timestamp(nullable=True)
    upd_date_time: Series[pd.DatetimeTZDtype] = timestamp()
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_transactions"
        unique = ["transaction_head_id"]


class SmaregiTransactionDetail(_Raw):
    transaction_head_id: Series[str] = smaregi_id()
    transaction_detail_id: Series[str] = field(str_matches=r"^\d{1,4}$")
    parent_transaction_detail_id: Series[str] = field(nullable=True)
    transaction_detail_division: Series[str] = code(TRANSACTION_DETAIL_DIVISIONS)
    product_id: Series[str] = smaregi_id(nullable=True)
    product_code: Series[str] = field(nullable=True)
    product_name: Series[str] = field(nullable=True)
    category_id: Series[str] = smaregi_id(nullable=True)
    group_code: Series[str] = field(nullable=True)
    size: Series[str] = field(nullable=True)
    color: Series[str] = field(nullable=True)
    tax_division: Series[str] = code(TAX_DIVISIONS, nullable=True)
    sales_division: Series[str] = code(FLAG, nullable=True)
    price: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    sales_price: Series[pd.Int64Dtype] = yen(nullable=False, ge=None, limit=MONEY)
    unit_discount_price: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    quantity: Series[pd.Int64Dtype] = integer(limit=MONEY)
    unit_discounted_sum: Series[pd.Int64Dtype] = yen(ge=None, limit=MONEY)
    cost: Series[float] = field(nullable=True)
    tax_rate: Series[pd.Int64Dtype] = field(nullable=True, in_range={"min_value": 0, "max_value": 100})
    extracted_at: Series[pd.DatetimeTZDtype] = timestamp()

    class Config:
        name = "raw.smaregi_transaction_details"
        unique = ["transaction_head_id", "transaction_detail_id"]
