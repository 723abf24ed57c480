"""What happens at a Smaregi register or in the merchant's admin screen, applied straight to the state.

These are the sandbox's test hooks (a sale rung up, a line return, a void, a 打消, a stock count, a
merchant's product edit): they go through the same validation, totals, stock moves and webhooks as the API,
but without auth, rate limits or faults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from smapify_pipeline.sandbox.smaregi import choices, totals, transactions
from smapify_pipeline.sandbox.smaregi.errors import bad_request
from smapify_pipeline.sandbox.smaregi.listing import format_time
from smapify_pipeline.sandbox.smaregi.state import SmaregiState


@dataclass(frozen=True)
class RegisterLine:
    product: str
    """productId or productCode."""
    quantity: int
    """Negative for a returned line."""
    sales_price: int | None = None
    """Unit selling price; ``None`` = the product's list price."""
    unit_discount_price: int = 0


def transaction_body(
    state: SmaregiState,
    store_id: str,
    lines: list[RegisterLine],
    at: str,
    terminal_tran_id: str,
    terminal_id: str = "1",
    subtotal_discount: int = 0,
) -> dict[str, Any]:
    """A POST /transactions body with subtotal, taxes and total computed by Smaregi's rules (``subtotal_discount``:
    the cashier's 小計値引 in yen)."""
    details = []
    computed = []
    for index, line in enumerate(lines):
        product = state.product_by_id_or_code(line.product)
        price = int(product["price"]) if line.sales_price is None else line.sales_price
        details.append({
            "transactionDetailId": str(index + 1),
            "transactionDetailDivision": "2" if line.quantity < 0 else "1",
            "productId": product["productId"], "salesPrice": str(price),
            "unitDiscountPrice": str(line.unit_discount_price), "quantity": str(line.quantity),
        })  # fmt: skip
        tax_division = product.get("taxDivision") or "1"
        computed.append(
            totals.Line(
                price, line.unit_discount_price, line.quantity, tax_division, state.tax_rate_of(product)
            )
        )
    subtotal = totals.subtotal(computed)
    adjustments = totals.HeadAdjustments(subtotal_discount_price=subtotal_discount)
    tax_include, tax_exclude = totals.taxes(computed, adjustments, choices.TAX_ROUNDING)
    total = totals.total(subtotal, tax_exclude, adjustments)
    paid = str(max(total, 0))
    head_discount = {"subtotalDiscountPrice": str(subtotal_discount)} if subtotal_discount else {}
    return {
        **head_discount,
        "transactionHeadDivision": "1", "storeId": store_id, "terminalId": terminal_id,
        "terminalTranId": terminal_tran_id, "terminalTranDateTime": at, "subtotal": str(subtotal),
        "taxInclude": str(tax_include), "taxExclude": str(tax_exclude), "total": str(total),
        "deposit": paid, "depositCash": paid, "change": "0", "details": details,
    }  # fmt: skip


def _terminal_tran_id(state: SmaregiState) -> str:
    return str(state.next_transaction_id)


def ring_up_sale(
    state: SmaregiState,
    store_id: str,
    lines: list[RegisterLine],
    at: datetime | None = None,
    terminal_id: str = "1",
    subtotal_discount: int = 0,
) -> str:
    """A sale at a register: stock moves, ``pos:transactions created`` and ``pos:stock edited`` fire."""
    with state.lock:
        when = format_time(at or state.clock.now())
        body = transaction_body(
            state, store_id, lines, when, _terminal_tran_id(state), terminal_id, subtotal_discount
        )
        return state.create_transaction(body)["transactionHeadId"]


def register_return(
    state: SmaregiState,
    transaction_id: str,
    lines: list[tuple[str, int]] | None = None,
    at: datetime | None = None,
) -> str:
    """明細単位の返品 of (product, quantity) lines of a past sale (all lines if ``None``), at the sale's store.

    A new ticket whose lines are return lines (division ``"2"``, negative quantity, the sale's unit prices);
    the units go back into stock. See ``choices.LINE_RETURN_LINKS_ORIGINAL`` for the link to the sale.
    """
    with state.lock:
        original = state.transaction(transaction_id)
        sold = state.details[transaction_id]
        wanted = lines if lines is not None else [(d["productId"], int(d["quantity"])) for d in sold]
        register_lines = []
        for key, quantity in wanted:
            product = state.product_by_id_or_code(key)
            line = next((d for d in sold if d["productId"] == product["productId"]), None)
            if line is None or quantity <= 0 or quantity > int(line["quantity"]):
                raise bad_request(f"返品できない明細です[{key} x {quantity}]")
            register_lines.append(
                RegisterLine(
                    product["productId"], -quantity, int(line["salesPrice"]), int(line["unitDiscountPrice"])
                )
            )
        when = format_time(at or state.clock.now())
        body = transaction_body(state, original["storeId"], register_lines, when, _terminal_tran_id(state),
                                original.get("terminalId") or "1")  # fmt: skip
        head, details = transactions.build_transaction(state, body)
        if choices.LINE_RETURN_LINKS_ORIGINAL:
            head["disposeServerTransactionHeadId"] = transaction_id
        transactions.store_transaction(state, head, details, emit=True)
        return head["transactionHeadId"]


def register_void(state: SmaregiState, transaction_id: str) -> dict[str, Any]:
    """取消 at the register: the sale itself becomes cancelled; stock goes back."""
    return state.cancel_transaction(transaction_id)


def register_dispose(state: SmaregiState, transaction_id: str) -> str:
    """返品取消 (消込レコード作成) at the register: a linked negative ticket dated now; stock goes back."""
    return state.dispose_transaction(transaction_id)["transactionHeadId"]


def stock_count(
    state: SmaregiState, product: str, store_id: str, counted: int, memo: str | None = None
) -> str:
    """A manual count (棚卸) setting the absolute quantity; returns the stock-history id."""
    product_id = state.product_by_id_or_code(product)["productId"]
    body: dict[str, Any] = {"storeId": store_id, "stockAmount": str(counted)}
    if memo:
        body["stockHistory"] = {"memo": memo}
    answer = state.write_stock(product_id, body, relative=False, division=choices.STOCK_DIVISION_STOCKTAKING)
    return answer["stockHistory"]["id"]


def product_edit(state: SmaregiState, product: str, changes: dict[str, str]) -> dict[str, Any]:
    """A merchant's edit in the admin screen (fires ``pos:products edited``)."""
    product_id = state.product_by_id_or_code(product)["productId"]
    return state.update_product(product_id, changes)
