"""Transactions in the Smaregi sandbox state: create (totals checked), edit, cancel (取消), dispose (打消).

Functions of a :class:`~smapify_pipeline.sandbox.smaregi.state.SmaregiState` (which exposes the public ones
as methods); they rely on the state's masters, stock moves and listeners.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from smapify_pipeline.sandbox.smaregi import choices, totals
from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.errors import bad_request, not_found
from smapify_pipeline.sandbox.smaregi.listing import format_date, format_time, parse_time
from smapify_pipeline.sandbox.smaregi.validation import code_in, int_field, max_len, require_str

if TYPE_CHECKING:  # the state imports this module
    from smapify_pipeline.sandbox.smaregi.state import SmaregiState

MONEY_LIMIT = 999_999_999
PRICE_LIMIT = 99_999_999
STANDARD_TAX_RATE = 10
REDUCED_TAX_RATE = 8
REDUCED_TAX_ID = "10000001"
"""reduceTaxId the sandbox gives the 8% reduced rate (軽減税率) on categories."""
SALE_DIVISIONS = frozenset({"1", "2", "3", "4", "5", "6", "7", "13", "14"})


def get_transaction(state: SmaregiState, transaction_id: str) -> dict[str, Any]:
    head = state.transactions.get(transaction_id)
    if head is None:
        raise not_found()
    return head


def create_transaction(state: SmaregiState, body: dict[str, Any], emit: bool = True) -> dict[str, Any]:
    """POST /transactions: validate, compute, store, move stock. Returns the stored head."""
    with state.lock:
        head, details = build_transaction(state, body)
        store_transaction(state, head, details, emit=emit)
        return head


def build_transaction(
    state: SmaregiState, body: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if not isinstance(body, dict):
        raise bad_request("リクエストボディが不正です")
    unknown = set(body) - _TRANSACTION_INPUTS
    if unknown:
        raise bad_request(f"不明な項目が指定されています[{','.join(sorted(unknown))}]")
    head_in = {k: v for k, v in body.items() if k not in {"details", "taxFree"}}
    for name in head_in:
        if head_in[name] is not None:
            require_str(head_in, name)
    division = require_str(body, "transactionHeadDivision", required=True)
    code_in(division, "transactionHeadDivision", SALE_DIVISIONS)
    code_in(body.get("cancelDivision"), "cancelDivision", ("0", "1"))
    code_in(body.get("returnSales"), "returnSales", ("0", "1"))
    store = state.store(require_str(body, "storeId", required=True) or "")
    terminal_id = require_str(body, "terminalId", required=True) or ""
    if not re.match(r"^[1-9][0-9]{0,8}$", terminal_id):
        raise bad_request("terminalIdは1〜999999999の数値で指定してください")
    terminal_tran_id = require_str(body, "terminalTranId", required=True) or ""
    max_len(terminal_tran_id, "terminalTranId", 10)
    terminal_at = parse_time(
        require_str(body, "terminalTranDateTime", required=True) or "", "terminalTranDateTime"
    )
    money = {name: int_field(body[name], name, -MONEY_LIMIT, MONEY_LIMIT) if body.get(name) else 0
             for name in ("subtotal", "total", "subtotalDiscountPrice", "pointDiscount", "couponDiscount",
                          "roundingPrice", "carriage", "commission", "taxInclude", "taxExclude", "deposit",
                          "depositCash", "depositCredit", "change", "taxFree")}  # fmt: skip
    for name in ("subtotal", "total"):
        require_str(body, name, required=True)
    if body.get("subtotalDiscountRate") and not body.get("subtotalDiscountPrice"):
        raise bad_request("subtotalDiscountRateを指定する場合はsubtotalDiscountPriceも指定してください")
    raw_details = body.get("details") or []
    if not isinstance(raw_details, list):
        raise bad_request("detailsは配列で指定してください")
    if division == "1" and not raw_details:
        raise bad_request("detailsは必須です")
    lines: list[totals.Line] = []
    details: list[dict[str, Any]] = []
    terminal_time = format_time(terminal_at)
    for index, raw in enumerate(raw_details):
        line, detail = build_detail(state, raw, index, terminal_time)
        lines.append(line)
        details.append(detail)
    if len({d["transactionDetailId"] for d in details}) != len(details):
        raise bad_request("transactionDetailIdが重複しています")
    computed_subtotal = totals.subtotal(lines)
    if computed_subtotal != money["subtotal"]:
        raise bad_request(
            f"小計(subtotal)が明細の合計と一致しません。明細の合計[{computed_subtotal}] 小計[{money['subtotal']}]"
        )
    if (
        computed_subtotal < 0
        and choices.NEGATIVE_SUBTOTAL_NEEDS_RETURN_LINES
        and any(
            line.amount < 0
            for line, d in zip(lines, details, strict=True)
            if d["transactionDetailDivision"] != "2"
        )
    ):
        raise bad_request("小計(subtotal)にマイナスは指定できません")
    adjustments = totals.HeadAdjustments(
        subtotal_discount_price=money["subtotalDiscountPrice"], point_discount=money["pointDiscount"],
        coupon_discount=money["couponDiscount"], rounding_price=money["roundingPrice"],
        commission=money["commission"], carriage=money["carriage"], tax_free=money["taxFree"],
    )  # fmt: skip
    tax_include, tax_exclude = totals.taxes(lines, adjustments, choices.TAX_ROUNDING)
    if choices.CLIENT_TAX_FIGURES_TRUSTED:
        tax_include = money["taxInclude"] if body.get("taxInclude") else tax_include
        tax_exclude = money["taxExclude"] if body.get("taxExclude") else tax_exclude
    expected_total = totals.total(computed_subtotal, tax_exclude, adjustments)
    if expected_total != money["total"]:
        raise bad_request(f"合計(total)が不正です。計算上の合計[{expected_total}] 合計[{money['total']}]")
    now = state.now()
    returned = [d for d in details if d["transactionDetailDivision"] == "2"]
    head = {
        **head_in,
        "transactionDateTime": now, "transactionHeadDivision": division,
        "cancelDivision": body.get("cancelDivision") or "0",
        "unitNonDiscountsubtotal": str(sum(int(d["unitNonDiscountSum"]) for d in details)),
        "unitDiscountsubtotal": str(sum(int(d["unitDiscountSum"]) for d in details)),
        "subtotal": str(computed_subtotal), "subtotalForDiscount": str(computed_subtotal),
        "subtotalDiscountPrice": str(money["subtotalDiscountPrice"]),
        "subtotalDiscountRate": body.get("subtotalDiscountRate") or "0.00",
        "pointDiscount": str(money["pointDiscount"]), "couponDiscount": str(money["couponDiscount"]),
        "total": str(expected_total), "taxInclude": str(tax_include), "taxExclude": str(tax_exclude),
        "roundingDivision": body.get("roundingDivision") or "00", "roundingPrice": str(money["roundingPrice"]),
        "deposit": str(money["deposit"]), "depositCash": str(money["depositCash"]),
        "depositCredit": str(money["depositCredit"]), "change": str(money["change"]),
        "amount": str(sum(int(d["quantity"]) for d in details if d["transactionDetailDivision"] != "2")),
        "returnAmount": str(-sum(int(d["quantity"]) for d in returned)),
        "costTotal": f"{sum(float(d['costSum'] or 0) for d in details):.5f}",
        "inTaxSalesTotal": str(sum(line.amount for line in lines if line.tax_division == totals.TAX_INCLUDED)),
        "outTaxSalesTotal": str(sum(line.amount for line in lines if line.tax_division == totals.TAX_EXCLUDED)),
        "nonTaxSalesTotal": str(sum(line.amount for line in lines if line.tax_division == totals.TAX_EXEMPT)),
        "storeId": store["storeId"], "storeCode": store["storeCode"], "terminalId": terminal_id,
        "terminalTranId": terminal_tran_id, "terminalTranDateTime": terminal_time,
        "sumDivision": body.get("sumDivision") or "2", "sumDate": body.get("sumDate") or format_date(terminal_at),
        "carriage": str(money["carriage"]), "commission": str(money["commission"]),
        "enterDateTime": now, "returnSales": body.get("returnSales") or "0",
        "disposeDivision": "0", "disposeServerTransactionHeadId": None,
        "sellDivision": store["sellDivision"], "taxRate": str(STANDARD_TAX_RATE),
        "taxRounding": choices.TAX_ROUNDING_CODE, "discountRoundingDivision": store["discountRoundingDivision"],
        "updDateTime": now,
    }  # fmt: skip
    if head["cancelDivision"] == "1":
        head["cancelDateTime"] = now
    return head, details


def build_detail(
    state: SmaregiState, raw: Any, index: int, terminal_time: str
) -> tuple[totals.Line, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise bad_request("detailsの要素はオブジェクトで指定してください")
    for name in raw:
        if raw[name] is not None:
            require_str(raw, name)
    detail_division = raw.get("transactionDetailDivision") or "1"
    code_in(detail_division, "transactionDetailDivision", ("1", "2", "3"))
    key = raw.get("productId") or raw.get("productCode")
    product = state.product_by_id_or_code(key) if key else _category_sale_product(state, raw, detail_division)
    category = state.categories.get(product["categoryId"]) or {}
    sales_price = int_field(
        require_str(raw, "salesPrice", required=True) or "", "salesPrice", -PRICE_LIMIT, PRICE_LIMIT
    )
    unit_discount = int_field(
        raw.get("unitDiscountPrice") or "0", "unitDiscountPrice", -PRICE_LIMIT, PRICE_LIMIT
    )
    quantity = int_field(require_str(raw, "quantity", required=True) or "", "quantity", -99_999, 99_999)
    if detail_division == "2" and quantity > 0:
        raise bad_request("返品明細(transactionDetailDivision=2)のquantityはマイナスで指定してください")
    price = int_field(
        raw.get("price") or product.get("price") or str(sales_price), "price", -PRICE_LIMIT, PRICE_LIMIT
    )
    tax_division = raw.get("taxDivision") or product.get("taxDivision") or "1"
    code_in(tax_division, "taxDivision", ("0", "1", "2"))
    rate = state.tax_rate_of(product)
    is_category_sale = product.get("productId") is None
    detail_id = raw.get("transactionDetailId") or str(index + 1)
    int_field(detail_id, "transactionDetailId", 0, 999)
    cost = product.get("cost")
    line = totals.Line(sales_price, unit_discount, quantity, tax_division, rate)
    detail = {
        "transactionDetailId": detail_id, "transactionDetailDivision": detail_division,
        "productId": product["productId"], "productCode": product["productCode"],
        "productName": product["productName"],
        "printReceiptProductName": product.get("printReceiptProductName") or product["productName"],
        "color": product.get("color"), "size": product.get("size"), "groupCode": product.get("groupCode"),
        "taxDivision": tax_division, "price": str(price), "salesPrice": str(sales_price),
        "unitDiscountPrice": str(unit_discount), "unitDiscountRate": "0.00", "cost": cost,
        "quantity": str(quantity), "unitNonDiscountSum": str(price * quantity),
        "unitDiscountSum": str(unit_discount * quantity), "unitDiscountedSum": str(line.amount),
        "costSum": f"{float(cost) * quantity:.5f}" if cost else None,
        "categoryId": product["categoryId"], "categoryName": category.get("categoryName"),
        "salesDivision": product.get("salesDivision", "0"), "productDivision": "3" if is_category_sale else "0",
        "taxRate": str(rate), "standardTaxRate": str(STANDARD_TAX_RATE),
        "reduceTaxId": REDUCED_TAX_ID if rate == REDUCED_TAX_RATE else None,
        "reduceTaxRate": str(REDUCED_TAX_RATE) if rate == REDUCED_TAX_RATE else None,
        "terminalTranDateTime": terminal_time,
    }  # fmt: skip
    return line, detail


def _category_sale_product(state: SmaregiState, raw: dict[str, Any], division: str) -> dict[str, Any]:
    """The master fields of a 部門売り line (no product): its category, name and tax division."""
    if division not in {"2", "3"}:
        raise bad_request("details.productIdは必須です")
    category_id = raw.get("categoryId")
    if not category_id:
        raise bad_request("部門売りの明細にはcategoryIdを指定してください")
    category = state.categories.get(category_id)
    if category is None:
        raise bad_request("指定された部門IDのリソースが見つかりません")
    name = raw.get("productName") or category["categoryName"]
    max_len(name, "details.productName", 85)
    return {
        "productId": None, "productCode": None, "productName": name, "categoryId": category_id,
        "taxDivision": category.get("taxDivision") or choices.CATEGORY_SALE_TAX_DIVISION, "price": None,
        "cost": None, "useCategoryReduceTax": "1",
    }  # fmt: skip


def store_transaction(
    state: SmaregiState,
    head: dict[str, Any],
    details: list[dict[str, Any]],
    emit: bool,
    move_stock: bool = True,
) -> None:
    transaction_id = str(state.next_transaction_id)
    state.next_transaction_id += 1
    head["transactionHeadId"] = transaction_id
    head.setdefault("transactionUuid", f"{int(transaction_id):016d}")
    for detail in details:
        detail["transactionHeadId"] = transaction_id
    state.transactions[transaction_id] = head
    state.details[transaction_id] = details
    history: list[dict[str, Any]] = []
    if move_stock and head["transactionHeadDivision"] == "1" and head["cancelDivision"] == "0":
        history = stock_effect(state, head, details, sign=-1)
    state._touch()
    if emit:
        state.emit("pos:transactions", "created", {"transactionHeadIds": [transaction_id]})
        state._emit_stock(history)


def stock_effect(
    state: SmaregiState, head: dict[str, Any], details: list[dict[str, Any]], sign: int
) -> list[dict[str, Any]]:
    """Move stock for stock-managed lines: sign −1 books the sale, +1 reverses it."""
    moves: dict[tuple[str, str], int] = {}
    for detail in details:
        product = state.products.get(detail["productId"])
        if product is None or product.get("stockControlDivision") != "0":
            continue
        division = (
            choices.STOCK_DIVISION_RETURN
            if detail["transactionDetailDivision"] == "2"
            else choices.STOCK_DIVISION_SALE
        )
        if division == choices.STOCK_DIVISION_RETURN and not choices.RETURN_LINES_RESTOCK:
            continue
        key = (detail["productId"], division)
        moves[key] = moves.get(key, 0) + sign * int(detail["quantity"])
    history = []
    for (product_id, division), delta in moves.items():
        if delta:
            history.append(state._move_stock(product_id, head["storeId"], delta=delta, division=division,
                                            memo=f"取引ID:{head['transactionHeadId']}"))  # fmt: skip
    return history


def update_transaction(state: SmaregiState, transaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        head = get_transaction(state, transaction_id)
        allowed = {"memo", "receiptMemo", "staffId", "customerId", "customerCode", "tags", "barcode"}
        unknown = set(body) - allowed
        if unknown:
            raise bad_request(f"更新できない項目が指定されています[{','.join(sorted(unknown))}]")
        for name in body:
            require_str(body, name)
        return state.apply_edit(head, body, "pos:transactions", {"transactionHeadIds": [transaction_id]})


def cancel_transaction(
    state: SmaregiState, transaction_id: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """取消: the same row becomes cancelled and its stock effect is reversed."""
    with state.lock:
        head = get_transaction(state, transaction_id)
        body = body or {}
        if head["cancelDivision"] == "1":
            raise bad_request("既に取消済みの取引です")
        if head["disposeDivision"] != "0":
            raise bad_request("打消済みの取引は取消できません")
        at = body.get("cancelDateTime")
        head["cancelDivision"] = "1"
        head["cancelDateTime"] = format_time(parse_time(at, "cancelDateTime")) if at else state.now()
        head["updDateTime"] = state.now()
        history: list[dict[str, Any]] = []
        if head["transactionHeadDivision"] == "1":
            history = stock_effect(state, head, state.details[transaction_id], sign=+1)
        state._touch()
        state.emit("pos:transactions", "canceled", {"transactionHeadIds": [transaction_id]})
        state._emit_stock(history)
        return head


def dispose_transaction(
    state: SmaregiState, transaction_id: str, body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """打消 (返品取消): a negative copy dated now, linked to the original; stock goes back."""
    with state.lock:
        original = get_transaction(state, transaction_id)
        body = body or {}
        if original["cancelDivision"] == "1":
            raise bad_request("取消済みの取引は打消できません")
        if original["disposeDivision"] != "0":
            raise bad_request("既に打消済みの取引です")
        at = body.get("terminalTranDateTime")
        moment = parse_time(at, "terminalTranDateTime") if at else state.clock.now()
        now = state.now()
        negated = {name: _negate(original.get(name)) for name in _NEGATED_HEAD_FIELDS}
        reversal = {
            **original, **negated, "transactionDateTime": now, "terminalTranDateTime": format_time(moment),
            "sumDate": format_date(moment), "enterDateTime": now, "updDateTime": now,
            "disposeDivision": "2", "disposeServerTransactionHeadId": transaction_id,
        }  # fmt: skip
        reversal.pop("transactionUuid", None)
        details = [
            {**d, **{name: _negate(d.get(name)) for name in _NEGATED_DETAIL_FIELDS},
             "terminalTranDateTime": reversal["terminalTranDateTime"]}
            for d in state.details[transaction_id]
        ]  # fmt: skip
        original["disposeDivision"] = "1"
        original["updDateTime"] = now
        new_id = str(state.next_transaction_id)
        state.next_transaction_id += 1
        reversal["transactionHeadId"] = new_id
        reversal["transactionUuid"] = f"{int(new_id):016d}"
        for detail in details:
            detail["transactionHeadId"] = new_id
        state.transactions[new_id] = reversal
        state.details[new_id] = details
        history: list[dict[str, Any]] = []
        if original["transactionHeadDivision"] == "1":
            history = stock_effect(state, reversal, state.details[transaction_id], sign=+1)
        state._touch()
        state.emit("pos:transactions", "disposed", {"transactionHeadIds": [transaction_id, new_id]})
        state._emit_stock(history)
        return reversal


_TRANSACTION_INPUTS = frozenset(F.TRANSACTION_HEAD_FIELDS) - {
    "transactionHeadId", "transactionDateTime", "updDateTime", "enterDateTime", "disposeDivision",
    "disposeServerTransactionHeadId", "cancelDateTime", "transactionUuid",
} | {"details", "taxFree"}  # fmt: skip
_NEGATED_HEAD_FIELDS = (
    "unitNonDiscountsubtotal", "unitDiscountsubtotal", "subtotal", "subtotalForDiscount", "subtotalDiscountPrice",
    "pointDiscount", "couponDiscount", "total", "taxInclude", "taxExclude", "roundingPrice", "deposit",
    "depositCash", "depositCredit", "change", "amount", "returnAmount", "costTotal", "inTaxSalesTotal",
    "outTaxSalesTotal", "nonTaxSalesTotal", "carriage", "commission",
)  # fmt: skip
_NEGATED_DETAIL_FIELDS = ("quantity", "unitNonDiscountSum", "unitDiscountSum", "unitDiscountedSum", "costSum")


def _negate(value: Any) -> Any:
    if value is None or value == "":
        return value
    text = str(value)
    if text.startswith("-"):
        return text[1:]
    return text if set(text) <= {"0", "."} else "-" + text
