"""DuckDB rows → the frozen records of :mod:`smapify_pipeline.sync.records` (no rules here, only adaptation).

Money columns are whole yen already (the extract converts Shopify's decimals); timestamps come back aware.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from smapify_pipeline.documents.smaregi_totals import TaxDivision
from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyRefund,
    ShopifyRefundLine,
    SmaregiLine,
    SmaregiTransaction,
    VariantLink,
)


def load_links(conn: duckdb.DuckDBPyConnection) -> Links:
    rows = conn.execute(
        "SELECT smaregi_product_id, product_code, shopify_variant_id, inventory_item_id, stock_managed "
        "FROM core.product_links"
    ).fetchall()
    return Links.of(
        VariantLink(
            smaregi_product_id=str(product_id),
            product_code=str(code),
            shopify_variant_id=str(variant_id),
            inventory_item_id=str(item_id or ""),
            stock_managed=bool(managed) and bool(item_id),
        )
        for product_id, code, variant_id, item_id, managed in rows
    )


def _int(value: Any, default: int = 0) -> int:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return default
    return int(value)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return str(value)


def _moment(value: Any) -> datetime:
    if value is None or value is pd.NaT:
        return datetime.now(UTC)
    moment = pd.Timestamp(value).to_pydatetime()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tax_division(value: Any) -> TaxDivision:
    try:
        return TaxDivision(str(value)) if value is not None else TaxDivision.INCLUDED
    except ValueError:
        return TaxDivision.INCLUDED


def smaregi_transactions(conn: duckdb.DuckDBPyConnection) -> list[SmaregiTransaction]:
    """Every extracted Smaregi transaction with its detail lines, oldest first."""
    details: dict[str, list[SmaregiLine]] = defaultdict(list)
    for row in conn.execute(
        "SELECT transaction_head_id, transaction_detail_id, product_id, product_code, product_name, sales_price, "
        "quantity, tax_rate, unit_discount_price, transaction_detail_division, tax_division, category_id "
        "FROM raw.smaregi_transaction_details ORDER BY transaction_head_id, try_cast(transaction_detail_id AS INTEGER)"
    ).fetchall():
        (
            head_id,
            detail_id,
            product_id,
            code,
            name,
            price,
            quantity,
            rate,
            discount,
            division,
            tax,
            category,
        ) = row
        details[str(head_id)].append(
            SmaregiLine(
                detail_id=str(detail_id),
                product_id=_text(product_id),
                product_code=_text(code),
                product_name=_text(name) or "",
                sales_price=_int(price),
                quantity=_int(quantity),
                tax_rate=_int(rate),
                unit_discount=_int(discount),
                detail_division=_text(division) or "1",
                tax_division=_tax_division(tax),
                category_id=_text(category),
            )
        )
    result = []
    for row in conn.execute(
        "SELECT transaction_head_id, store_id, terminal_tran_date_time, subtotal, total, tax_include, "
        "subtotal_discount_price, point_discount, coupon_discount, carriage, commission, tax_exclude, "
        "transaction_head_division, cancel_division, dispose_division, dispose_server_transaction_head_id, "
        "return_sales, memo, terminal_tran_id FROM raw.smaregi_transactions "
        "ORDER BY try_cast(transaction_head_id AS BIGINT), transaction_head_id"
    ).fetchall():
        (head_id, store, at, subtotal, total, tax_include, sub_discount, point, coupon, carriage, commission,
         tax_exclude, division, cancel, dispose, disposed_of, return_sales, memo, tran_id) = row  # fmt: skip
        result.append(
            SmaregiTransaction(
                transaction_head_id=str(head_id),
                store_id=str(store),
                terminal_tran_date_time=_moment(at),
                lines=tuple(details.get(str(head_id), ())),
                subtotal=_int(subtotal),
                total=_int(total),
                tax_include=None if tax_include is None else _int(tax_include),
                subtotal_discount=_int(sub_discount),
                point_discount=_int(point),
                coupon_discount=_int(coupon),
                carriage=_int(carriage),
                commission=_int(commission),
                tax_exclude=_int(tax_exclude),
                transaction_head_division=_text(division) or "1",
                cancel_division=_text(cancel) or "0",
                dispose_division=_text(dispose) or "0",
                dispose_server_transaction_head_id=_text(disposed_of),
                return_sales=_text(return_sales) or "0",
                memo=_text(memo),
                terminal_tran_id=_text(tran_id),
            )
        )
    return result


def _rate(tax_lines: Any) -> int:
    lines = json.loads(tax_lines) if isinstance(tax_lines, str) else tax_lines
    rates = [int(line["rate_percent"]) for line in lines or [] if line.get("rate_percent") is not None]
    return max(rates) if rates else 0


def _placements(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[tuple[str, int], ...]]:
    """Line item → (location, units) over its fulfilment orders (every status: a move reassigns or shrinks
    them, a cancel leaves them where the units were)."""
    placed: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for line_id, location, units in conn.execute(
        "SELECT l.line_item_id, f.location_id, sum(l.total_quantity) FROM raw.shopify_fulfillment_order_lines AS l "
        "JOIN raw.shopify_fulfillment_orders AS f USING (fulfillment_order_id) "
        "WHERE f.location_id IS NOT NULL AND l.total_quantity > 0 GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall():
        placed[str(line_id)].append((str(location), _int(units)))
    return {line: tuple(where) for line, where in placed.items()}


def shopify_orders(conn: duckdb.DuckDBPyConnection) -> dict[str, ShopifyOrder]:
    """Every extracted Shopify order with its lines, by order GID."""
    placements = _placements(conn)
    lines: dict[str, list[ShopifyOrderLine]] = defaultdict(list)
    for row in conn.execute(
        "SELECT line_item_id, order_id, variant_id, sku, title, quantity, current_quantity, unit_price, "
        "total_discount, order_discount, tax_lines FROM raw.shopify_order_lines ORDER BY order_id, line_item_id"
    ).fetchall():
        line_id, order_id, variant_id, sku, title, quantity, current, unit, discount, order_level, taxes = row
        quantity = _int(quantity)
        unit_price = _int(unit)
        placed = placements.get(str(line_id), ())
        lines[str(order_id)].append(
            ShopifyOrderLine(
                line_item_id=str(line_id),
                variant_id=_text(variant_id),
                sku=_text(sku),
                title=_text(title) or "",
                quantity=quantity,
                unit_price=unit_price,
                discounted_total=unit_price * quantity - _int(discount),
                tax_rate=_rate(taxes),
                refundable_quantity=None if current is None else _int(current),
                stock_location_id=placed[0][0] if len(placed) == 1 else None,
                order_discount=_int(order_level),
                stock_placements=placed,
            )
        )
    shipping_charged = dict(
        conn.execute(
            "SELECT order_id, sum(discounted_price) FROM raw.shopify_shipping_lines GROUP BY order_id"
        ).fetchall()
    )
    orders = {}
    for row in conn.execute(
        "SELECT o.order_id, o.processed_at, o.created_at, o.total_shipping_price, o.taxes_included, o.source_name, "
        "o.source_identifier, o.tags, o.cancelled_at, o.total_price - coalesce(r.refunded, 0) AS refundable, "
        "o.cancel_reason "
        "FROM raw.shopify_orders AS o LEFT JOIN (SELECT order_id, sum(total_refunded) AS refunded "
        "FROM raw.shopify_refunds GROUP BY order_id) AS r USING (order_id) ORDER BY o.created_at, o.order_id"
    ).fetchall():
        (order_id, processed, created, shipping, included, source, identifier, tags, cancelled, refundable,
         cancel_reason) = row  # fmt: skip
        charged = shipping_charged.get(order_id)
        orders[str(order_id)] = ShopifyOrder(
            order_id=str(order_id),
            processed_at=_moment(processed if processed is not None else created),
            lines=tuple(lines.get(str(order_id), ())),
            shipping=_int(charged if charged is not None else shipping),
            taxes_included=included is not False,
            source_name=_text(source),
            source_identifier=_text(identifier),
            tags=tuple(str(t) for t in (tags or ())),
            cancelled=cancelled is not None,
            cancelled_at=None if cancelled is None else _moment(cancelled),
            cancel_reason=_text(cancel_reason),
            refundable_amount=None if refundable is None else max(_int(refundable), 0),
        )
    return orders


def applied_order_stock_adds(conn: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, int]]:
    """Ledger key → (Smaregi product, store, delta) of every applied stock add of an online order, from the
    request stored before it was sent (what Smaregi really received)."""
    found = {}
    for key, payload in conn.execute(
        "SELECT l.key, w.payload FROM sync.ledger AS l JOIN sync.write_payloads AS w USING (key) "
        "WHERE l.status = 'applied' AND l.key LIKE 'shopify:order:%:stock:%'"
    ).fetchall():
        request = json.loads(payload) if isinstance(payload, str) else payload
        product = str(request["path"]).rstrip("/").split("/")[-2]
        body = request["body"]
        found[str(key)] = (product, str(body["storeId"]), int(body["stockAmount"]))
    return found


def shopify_refunds(conn: duckdb.DuckDBPyConnection) -> list[ShopifyRefund]:
    """Every extracted Shopify refund with its lines, oldest first."""
    lines: dict[str, list[ShopifyRefundLine]] = defaultdict(list)
    for row in conn.execute(
        "SELECT refund_id, line_item_id, quantity, restock_type, location_id, subtotal "
        "FROM raw.shopify_refund_lines ORDER BY refund_id, line_item_id"
    ).fetchall():
        refund_id, line_id, quantity, restock, location, subtotal = row
        restock_type = _text(restock) or "NO_RESTOCK"
        lines[str(refund_id)].append(
            ShopifyRefundLine(
                line_item_id=str(line_id),
                quantity=_int(quantity),
                restock_type="RETURN" if restock_type == "LEGACY_RESTOCK" else restock_type,
                location_id=_text(location),
                subtotal=_int(subtotal),
            )
        )
    return [
        ShopifyRefund(
            refund_id=str(refund_id),
            order_id=str(order_id),
            created_at=_moment(created),
            lines=tuple(lines.get(str(refund_id), ())),
            shipping=_int(shipping),
            note=_text(note),
            money=None if money is None else _int(money),
            adjustments=_int(adjustments),
        )
        for refund_id, order_id, created, note, money, shipping, adjustments in conn.execute(
            "SELECT refund_id, order_id, created_at, note, refunded_money, shipping_refunded, order_adjustments "
            "FROM raw.shopify_refunds ORDER BY created_at, refund_id"
        ).fetchall()
    ]
