"""The raw tables: one column list per table drives the DuckDB DDL, the normalizers and the model tests.

Conventions: snake_case columns; ids are VARCHAR (Shopify GIDs kept whole, Smaregi ids as their digit strings);
yen is BIGINT; timestamps are TIMESTAMPTZ; Smaregi codes are VARCHAR as the API spells them; every table has
``extracted_at``; records that can disappear (products, variants, Smaregi products) have ``deleted_at``, NULL
while present. The quarantine table is not defined here: it is ``quarantine.records`` from the warehouse
migrations (``warehouse/sql/0004_quarantine_records.sql``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

QUARANTINE_TABLE = "quarantine.records"
"""Defined by the warehouse migrations; the quarantine frames of ``validate.split_valid`` fit its columns."""


class Kind(StrEnum):
    """How a raw API value becomes a column value (see ``parse.py``)."""

    TEXT = "text"
    TEXT_LIST = "text_list"
    JSON = "json"
    YEN = "yen"
    INT = "int"
    DECIMAL = "decimal"
    BOOL = "bool"
    TIMESTAMP = "timestamp"
    DATE = "date"


_SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "VARCHAR",
    Kind.TEXT_LIST: "VARCHAR[]",
    Kind.JSON: "JSON",
    Kind.YEN: "BIGINT",
    Kind.INT: "INTEGER",
    Kind.DECIMAL: "DECIMAL(15, 5)",
    Kind.BOOL: "BOOLEAN",
    Kind.TIMESTAMP: "TIMESTAMPTZ",
    Kind.DATE: "DATE",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind

    @property
    def sql_type(self) -> str:
        return _SQL_TYPES[self.kind]


@dataclass(frozen=True)
class RawTable:
    name: str
    """Qualified, e.g. ``raw.shopify_products``."""
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def create_sql(self) -> str:
        lines = []
        for column in self.columns:
            not_null = " NOT NULL" if column.name in self.primary_key or column.name == "extracted_at" else ""
            lines.append(f'    "{column.name}" {column.sql_type}{not_null}')
        key = ", ".join(f'"{name}"' for name in self.primary_key)
        lines.append(f"    PRIMARY KEY ({key})")
        body = ",\n".join(lines)
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n{body}\n);"


def _table(name: str, key: tuple[str, ...], *columns: tuple[str, Kind], deletable: bool = False) -> RawTable:
    cols = [Column(column, kind) for column, kind in columns]
    if deletable:
        cols.append(Column("deleted_at", Kind.TIMESTAMP))
    cols.append(Column("extracted_at", Kind.TIMESTAMP))
    table = RawTable(name, tuple(cols), key)
    missing = set(key) - set(table.column_names)
    if missing:
        raise ValueError(f"{name}: primary key columns {sorted(missing)} are not columns")
    return table


_T, _L, _J, _Y, _N, _D, _B, _TS, _DT = (
    Kind.TEXT,
    Kind.TEXT_LIST,
    Kind.JSON,
    Kind.YEN,
    Kind.INT,
    Kind.DECIMAL,
    Kind.BOOL,
    Kind.TIMESTAMP,
    Kind.DATE,
)

SHOPIFY_PRODUCTS = _table(
    "raw.shopify_products",
    ("product_id",),
    ("product_id", _T),
    ("title", _T),
    ("handle", _T),
    ("description_html", _T),
    ("product_type", _T),
    ("vendor", _T),
    ("status", _T),
    ("tags", _L),
    ("created_at", _TS),
    ("updated_at", _TS),
    deletable=True,
)
SHOPIFY_VARIANTS = _table(
    "raw.shopify_variants",
    ("variant_id",),
    ("variant_id", _T),
    ("product_id", _T),
    ("title", _T),
    ("position", _N),
    ("sku", _T),
    ("barcode", _T),
    ("price", _Y),
    ("compare_at_price", _Y),
    ("taxable", _B),
    ("inventory_policy", _T),
    ("inventory_item_id", _T),
    ("tracked", _B),
    ("unit_cost", _Y),
    ("size", _T),
    ("color", _T),
    ("selected_options", _J),
    ("created_at", _TS),
    ("updated_at", _TS),
    deletable=True,
)
SHOPIFY_LOCATIONS = _table(
    "raw.shopify_locations",
    ("location_id",),
    ("location_id", _T),
    ("name", _T),
    ("is_active", _B),
    ("fulfills_online_orders", _B),
    ("created_at", _TS),
    ("updated_at", _TS),
)
SHOPIFY_INVENTORY = _table(
    "raw.shopify_inventory",
    ("inventory_item_id", "location_id"),
    ("inventory_item_id", _T),
    ("location_id", _T),
    ("inventory_level_id", _T),
    ("available", _N),
    ("on_hand", _N),
    ("committed", _N),
    ("incoming", _N),
    ("updated_at", _TS),
)
SHOPIFY_ORDERS = _table(
    "raw.shopify_orders",
    ("order_id",),
    ("order_id", _T),
    ("name", _T),
    ("created_at", _TS),
    ("updated_at", _TS),
    ("processed_at", _TS),
    ("cancelled_at", _TS),
    ("display_financial_status", _T),
    ("display_fulfillment_status", _T),
    ("source_name", _T),
    ("source_identifier", _T),
    ("tags", _L),
    ("currency_code", _T),
    ("taxes_included", _B),
    ("test", _B),
    ("subtotal_price", _Y),
    ("total_shipping_price", _Y),
    ("total_discounts", _Y),
    ("total_tax", _Y),
    ("total_price", _Y),
    ("tax_lines", _J),
)
SHOPIFY_ORDER_LINES = _table(
    "raw.shopify_order_lines",
    ("line_item_id",),
    ("line_item_id", _T),
    ("order_id", _T),
    ("variant_id", _T),
    ("product_id", _T),
    ("sku", _T),
    ("title", _T),
    ("variant_title", _T),
    ("quantity", _N),
    ("current_quantity", _N),
    ("unit_price", _Y),
    ("total_discount", _Y),
    ("taxable", _B),
    ("tax_lines", _J),
)
SHOPIFY_REFUNDS = _table(
    "raw.shopify_refunds",
    ("refund_id",),
    ("refund_id", _T),
    ("order_id", _T),
    ("note", _T),
    ("total_refunded", _Y),
    ("created_at", _TS),
    ("updated_at", _TS),
)
SHOPIFY_REFUND_LINES = _table(
    "raw.shopify_refund_lines",
    ("refund_id", "line_item_id"),
    ("refund_id", _T),
    ("line_item_id", _T),
    ("refund_line_item_id", _T),
    ("order_id", _T),
    ("sku", _T),
    ("quantity", _N),
    ("restock_type", _T),
    ("restocked", _B),
    ("location_id", _T),
    ("unit_price", _Y),
    ("subtotal", _Y),
    ("total_tax", _Y),
)

SMAREGI_STORES = _table(
    "raw.smaregi_stores",
    ("store_id",),
    ("store_id", _T),
    ("store_code", _T),
    ("store_name", _T),
    ("store_abbr", _T),
    ("division", _T),
    ("sell_division", _T),
    ("pause_flag", _T),
    ("display_sequence", _N),
    ("ins_date_time", _TS),
    ("upd_date_time", _TS),
)
SMAREGI_CATEGORIES = _table(
    "raw.smaregi_categories",
    ("category_id",),
    ("category_id", _T),
    ("category_code", _T),
    ("category_name", _T),
    ("category_abbr", _T),
    ("display_flag", _T),
    ("tax_division", _T),
    ("parent_category_id", _T),
    ("level", _T),
    ("display_sequence", _N),
    ("ins_date_time", _TS),
    ("upd_date_time", _TS),
)
SMAREGI_PRODUCTS = _table(
    "raw.smaregi_products",
    ("product_id",),
    ("product_id", _T),
    ("category_id", _T),
    ("product_code", _T),
    ("product_name", _T),
    ("product_kana", _T),
    ("tax_division", _T),
    ("product_price_division", _T),
    ("price", _Y),
    ("customer_price", _Y),
    ("cost", _D),
    ("description", _T),
    ("size", _T),
    ("color", _T),
    ("tag", _T),
    ("group_code", _T),
    ("supplier_product_no", _T),
    ("display_flag", _T),
    ("division", _T),
    ("sales_division", _T),
    ("stock_control_division", _T),
    ("display_sequence", _N),
    ("ins_date_time", _TS),
    ("upd_date_time", _TS),
    deletable=True,
)
SMAREGI_STOCK = _table(
    "raw.smaregi_stock",
    ("product_id", "store_id"),
    ("product_id", _T),
    ("store_id", _T),
    ("stock_amount", _N),
    ("layaway_stock_amount", _N),
    ("upd_date_time", _TS),
)
SMAREGI_TRANSACTIONS = _table(
    "raw.smaregi_transactions",
    ("transaction_head_id",),
    ("transaction_head_id", _T),
    ("transaction_date_time", _TS),
    ("transaction_head_division", _T),
    ("cancel_division", _T),
    ("dispose_division", _T),
    ("dispose_server_transaction_head_id", _T),
    ("return_sales", _T),
    ("store_id", _T),
    ("terminal_id", _T),
    ("terminal_tran_id", _T),
    ("terminal_tran_date_time", _TS),
    ("transaction_uuid", _T),
    ("customer_code", _T),
    ("subtotal", _Y),
    ("subtotal_discount_price", _Y),
    ("point_discount", _Y),
    ("coupon_discount", _Y),
    ("carriage", _Y),
    ("commission", _Y),
    ("tax_include", _Y),
    ("tax_exclude", _Y),
    ("total", _Y),
    ("amount", _N),
    ("return_amount", _N),
    ("cost_total", _D),
    ("tax_rate", _N),
    ("memo", _T),
    ("tags", _T),
    ("sum_date", _DT),
    ("cancel_date_time", _TS),
    ("upd_date_time", _TS),
)
SMAREGI_TRANSACTION_DETAILS = _table(
    "raw.smaregi_transaction_details",
    ("transaction_head_id", "transaction_detail_id"),
    ("transaction_head_id", _T),
    ("transaction_detail_id", _T),
    ("parent_transaction_detail_id", _T),
    ("transaction_detail_division", _T),
    ("product_id", _T),
    ("product_code", _T),
    ("product_name", _T),
    ("category_id", _T),
    ("group_code", _T),
    ("size", _T),
    ("color", _T),
    ("tax_division", _T),
    ("sales_division", _T),
    ("price", _Y),
    ("sales_price", _Y),
    ("unit_discount_price", _Y),
    ("quantity", _N),
    ("unit_discounted_sum", _Y),
    ("cost", _D),
    ("tax_rate", _N),
)

TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        SHOPIFY_PRODUCTS,
        SHOPIFY_VARIANTS,
        SHOPIFY_LOCATIONS,
        SHOPIFY_INVENTORY,
        SHOPIFY_ORDERS,
        SHOPIFY_ORDER_LINES,
        SHOPIFY_REFUNDS,
        SHOPIFY_REFUND_LINES,
        SMAREGI_STORES,
        SMAREGI_CATEGORIES,
        SMAREGI_PRODUCTS,
        SMAREGI_STOCK,
        SMAREGI_TRANSACTIONS,
        SMAREGI_TRANSACTION_DETAILS,
    )
}
"""Qualified table name -> its column list, in creation order."""

RAW_TABLES: dict[str, str] = {name: table.create_sql for name, table in TABLES.items()}
"""Qualified table name -> ``CREATE TABLE IF NOT EXISTS`` statement (needs ``CREATE SCHEMA raw`` first)."""


def raw_columns(table: str) -> list[str]:
    """Column names of a raw table, in DDL order."""
    return TABLES[table].column_names


def primary_key(table: str) -> tuple[str, ...]:
    return TABLES[table].primary_key
