"""The Smaregi sandbox's state: one contract's stores, categories, products, stock, transactions and tokens.

Everything the API answers is stored as Smaregi sends it (strings, JST timestamps) so reads are cheap:
lists slice presorted id lists and merge each stored row over a template of nulls. Every mutation takes
``lock`` and bumps ``version``, which invalidates the cached filtered/sorted id lists of list endpoints.
Writes report what changed to ``listeners`` as (event, action, body) so webhooks stay out of the model.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.sandbox import credentials
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.smaregi import choices, totals
from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.errors import bad_request, not_found
from smapify_pipeline.sandbox.smaregi.listing import format_date, format_time, parse_time

ALL_SCOPES: tuple[str, ...] = (
    "pos.products:read", "pos.products:write", "pos.stock:read", "pos.stock:write", "pos.stock-changes:read",
    "pos.transactions:read", "pos.transactions:write", "pos.stores:read", "pos.stores:write",
    "pos.customers:read", "pos.customers:write", "pos.staffs:read",
)  # fmt: skip

STOCK_LIMIT = 999_999_999
PRICE_LIMIT = 99_999_999
MONEY_LIMIT = 999_999_999
REDUCED_TAX_ID = "10000001"
"""reduceTaxId the sandbox gives the 8% reduced rate (軽減税率) on categories."""
STANDARD_TAX_RATE = 10
REDUCED_TAX_RATE = 8
SALE_DIVISIONS = frozenset({"1", "2", "3", "4", "5", "6", "7", "13", "14"})

_PRINTABLE_ASCII = re.compile(r"^[ -~]+$")
_INT = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(\.\d{1,5})?$")

Listener = Callable[[str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Token:
    value: str
    scopes: frozenset[str]
    expires_at: float
    """Simulated monotonic seconds."""


def _require_str(body: dict[str, Any], name: str, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"{name}は必須です")
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name}は文字列で指定してください")
    return value


def _int_field(value: str, name: str, low: int, high: int) -> int:
    if not _INT.match(value):
        raise bad_request(f"{name}は整数で指定してください")
    number = int(value)
    if not low <= number <= high:
        raise bad_request(f"{name}は{low}以上{high}以下で指定してください")
    return number


def _code(value: str | None, name: str, allowed: Iterable[str]) -> None:
    if value is not None and value not in set(allowed):
        raise bad_request(f"{name}に指定された値[{value}]は不正です")


def _max_len(value: str | None, name: str, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise bad_request(f"{name}は{limit}文字以下で指定してください")


class SmaregiState:
    """One contract's data. All public methods are thread-safe."""

    def __init__(self, clock: SandboxClock, contract_id: str = credentials.SMAREGI_CONTRACT_ID) -> None:
        self.clock = clock
        self.contract_id = contract_id
        self.client_id = credentials.SMAREGI_CLIENT_ID
        self.client_secret = credentials.SMAREGI_CLIENT_SECRET
        self.enabled_scopes: frozenset[str] = frozenset(ALL_SCOPES)
        self.lock = threading.RLock()
        self.listeners: list[Listener] = []
        self.tokens: dict[str, Token] = {}
        self._list_cache: OrderedDict[Hashable, list[Any]] = OrderedDict()
        self.clear()

    # -- bookkeeping ---------------------------------------------------------------------------------

    def clear(self) -> None:
        with self.lock:
            self.version = 0
            self.stores: dict[str, dict[str, Any]] = {}
            self.categories: dict[str, dict[str, Any]] = {}
            self.products: dict[str, dict[str, Any]] = {}
            self.product_ids_by_code: dict[str, str] = {}
            self.stock: dict[tuple[str, str], dict[str, Any]] = {}
            self.stock_history: dict[tuple[str, str], list[dict[str, Any]]] = {}
            self.transactions: dict[str, dict[str, Any]] = {}
            self.details: dict[str, list[dict[str, Any]]] = {}
            self.next_store_id = 1
            self.next_category_id = 1
            self.next_product_id = choices.FIRST_MASTER_ID
            self.next_stock_history_id = 1
            self.next_transaction_id = choices.FIRST_TRANSACTION_ID
            self._list_cache.clear()

    def _touch(self) -> None:
        self.version += 1

    def now(self) -> str:
        return format_time(self.clock.now())

    def emit(self, event: str, action: str, body: dict[str, Any]) -> None:
        for listener in list(self.listeners):
            listener(event, action, body)

    def cached_ids(self, key: Hashable, build: Callable[[], list[Any]]) -> list[Any]:
        """The filtered, sorted id list of a list query, rebuilt only when the state changed."""
        with self.lock:
            full_key = (self.version, key)
            hit = self._list_cache.get(full_key)
            if hit is None:
                hit = build()
                self._list_cache[full_key] = hit
                while len(self._list_cache) > 64:
                    self._list_cache.popitem(last=False)
            else:
                self._list_cache.move_to_end(full_key)
            return hit

    # -- tokens --------------------------------------------------------------------------------------

    def issue_token(self, scopes: frozenset[str]) -> Token:
        with self.lock:
            token = Token(
                value=secrets.token_urlsafe(32),
                scopes=scopes,
                expires_at=self.clock.monotonic() + choices.TOKEN_LIFETIME_SECONDS,
            )
            self.tokens[token.value] = token
            return token

    def valid_token(self, value: str) -> Token | None:
        token = self.tokens.get(value)
        if token is None or self.clock.monotonic() >= token.expires_at:
            return None
        return token

    # -- stores and categories -----------------------------------------------------------------------

    def add_store(self, name: str, code: str | None = None, division: str = "1") -> dict[str, Any]:
        with self.lock:
            store_id = str(self.next_store_id)
            self.next_store_id += 1
            now = self.now()
            store = {
                "storeId": store_id, "storeCode": code or f"{int(store_id):04d}", "storeName": name,
                "storeAbbr": name[:10], "printReceiptStoreName": name, "printStockReceiptStoreName": name,
                "division": division, "priceChangeFlag": "1", "sellDivision": "0", "sumProcDivision": "1",
                "sumDateChangeTime": "0000", "sumRefColumn": "0", "pointNotApplicable": "0",
                "taxFreeDivision": "0", "carriageDisplayFlag": "1", "roundingDivision": "00",
                "discountRoundingDivision": "0", "taxLabelNormal": "", "taxLabelReduce": "*", "pauseFlag": "0",
                "displaySequence": store_id, "insDateTime": now, "updDateTime": now,
            }  # fmt: skip
            self.stores[store_id] = store
            self._touch()
            return store

    def store(self, store_id: str) -> dict[str, Any]:
        store = self.stores.get(store_id)
        if store is None or store["pauseFlag"] == "1":
            raise bad_request("指定された店舗IDのリソースが見つかりません")
        return store

    def add_category(self, body: dict[str, Any], emit: bool = True) -> dict[str, Any]:
        with self.lock:
            self._validate_category(body, creating=True)
            category_id = str(self.next_category_id)
            self.next_category_id += 1
            now = self.now()
            category = {"categoryId": category_id, "displayFlag": "1", "level": "1", "pointNotApplicable": "0",
                        "taxFreeDivision": "0", **body, "insDateTime": now, "updDateTime": now}  # fmt: skip
            self.categories[category_id] = category
            self._touch()
            if emit:
                self.emit("pos:categories", "created", {"categoryIds": [category_id]})
            return category

    def update_category(self, category_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            category = self.categories.get(category_id)
            if category is None:
                raise not_found()
            self._validate_category(body, creating=False)
            category.update(body)
            category["updDateTime"] = self.now()
            self._touch()
            self.emit("pos:categories", "edited", {"categoryIds": [category_id]})
            return category

    def delete_category(self, category_id: str) -> None:
        with self.lock:
            if category_id not in self.categories:
                raise not_found()
            if any(p["categoryId"] == category_id for p in self.products.values()):
                raise bad_request("商品が登録されている部門は削除できません")
            del self.categories[category_id]
            self._touch()
            self.emit("pos:categories", "deleted", {"categoryIds": [category_id]})

    def _validate_category(self, body: dict[str, Any], creating: bool) -> None:
        unknown = set(body) - F.CATEGORY_WRITABLE
        if unknown:
            raise bad_request(f"不明な項目が指定されています[{','.join(sorted(unknown))}]")
        nullable = {"taxDivision", "reduceTaxId", "color", "categoryGroupId", "parentCategoryId"}
        for name in body:
            if name not in nullable or body[name] is not None:
                _require_str(body, name)
        _require_str(body, "categoryCode", required=creating)
        _require_str(body, "categoryName", required=creating)
        _max_len(body.get("categoryName"), "categoryName", 85)
        _code(body.get("taxDivision"), "taxDivision", ("0", "1", "2"))
        _code(body.get("displayFlag"), "displayFlag", ("0", "1"))

    # -- products ------------------------------------------------------------------------------------

    def product(self, product_id: str) -> dict[str, Any]:
        product = self.products.get(product_id)
        if product is None:
            raise not_found()
        return product

    def product_by_id_or_code(self, key: str) -> dict[str, Any]:
        product = self.products.get(key)
        if product is None and key in self.product_ids_by_code:
            product = self.products[self.product_ids_by_code[key]]
        if product is None:
            raise bad_request(f"指定された商品[{key}]のリソースが見つかりません")
        return product

    def tax_rate_of(self, product: dict[str, Any]) -> int:
        reduce_id = product.get("reduceTaxId")
        if product.get("useCategoryReduceTax", "1") != "0":
            category = self.categories.get(product["categoryId"]) or {}
            reduce_id = category.get("reduceTaxId") or reduce_id
        return REDUCED_TAX_RATE if reduce_id == REDUCED_TAX_ID else STANDARD_TAX_RATE

    def create_product(self, body: dict[str, Any], emit: bool = True) -> dict[str, Any]:
        with self.lock:
            self._validate_product(body, current=None)
            product_id = str(self.next_product_id)
            self.next_product_id += 1
            now = self.now()
            product = {
                "productId": product_id,
                "taxDivision": choices.PRODUCT_DEFAULT_TAX_DIVISION,
                "productPriceDivision": "1", "displayFlag": "1", "division": "0", "salesDivision": "0",
                "stockControlDivision": "0", "pointNotApplicable": "0", "taxFreeDivision": "0",
                "calcDiscount": "1", "useCategoryReduceTax": "1",
                **body,
                "insDateTime": now, "updDateTime": now,
            }  # fmt: skip
            self.products[product_id] = product
            self.product_ids_by_code[product["productCode"]] = product_id
            self._touch()
            if emit:
                self.emit("pos:products", "created", {"productIds": [product_id]})
            return product

    def update_product(self, product_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            product = self.product(product_id)
            self._validate_product(body, current=product)
            if "productCode" in body and body["productCode"] != product["productCode"]:
                del self.product_ids_by_code[product["productCode"]]
                self.product_ids_by_code[body["productCode"]] = product_id
            product.update(body)
            product["updDateTime"] = self.now()
            self._touch()
            self.emit("pos:products", "edited", {"productIds": [product_id]})
            return product

    def delete_product(self, product_id: str) -> None:
        with self.lock:
            product = self.product(product_id)
            del self.products[product_id]
            self.product_ids_by_code.pop(product["productCode"], None)
            for key in [k for k in self.stock if k[0] == product_id]:
                del self.stock[key]
                self.stock_history.pop(key, None)
            self._touch()
            self.emit("pos:products", "deleted", {"productIds": [product_id]})

    def _validate_product(self, body: dict[str, Any], current: dict[str, Any] | None) -> None:
        creating = current is None
        unknown = set(body) - F.PRODUCT_WRITABLE
        if unknown:
            raise bad_request(f"不明な項目が指定されています[{','.join(sorted(unknown))}]")
        for name in body:
            _require_str(body, name)
        for name in ("categoryId", "productCode", "productName", "price"):
            if creating:
                _require_str(body, name, required=True)
            elif name in body and body[name] in (None, ""):
                raise bad_request(f"{name}は必須です")
        if "categoryId" in body and body["categoryId"] not in self.categories:
            raise bad_request("指定された部門IDのリソースが見つかりません")
        code = body.get("productCode")
        if code is not None:
            if len(code) > 20 or not _PRINTABLE_ASCII.match(code):
                raise bad_request("productCodeは20文字以下の半角英数記号で指定してください")
            owner = self.product_ids_by_code.get(code)
            if owner is not None and (current is None or owner != current["productId"]):
                raise bad_request(f"商品コード[{code}]は既に登録されています")
        for name, limit in (("productName", 85), ("productKana", 85), ("size", 85), ("color", 85), ("tag", 85),
                            ("groupCode", 85), ("url", 255), ("printReceiptProductName", 64),
                            ("attribute", 1000), ("description", 1000), ("catchCopy", 1000)):  # fmt: skip
            _max_len(body.get(name), name, limit)
        for name in ("price", "customerPrice", "reduceTaxPrice", "reduceTaxCustomerPrice"):
            if body.get(name):
                _int_field(body[name], name, -PRICE_LIMIT, PRICE_LIMIT)
        if body.get("cost") and not _DECIMAL.match(body["cost"]):
            raise bad_request("costは小数点以下5桁までの数値で指定してください")
        for name, allowed in (("taxDivision", ("0", "1", "2")), ("productPriceDivision", ("1", "2")),
                              ("displayFlag", ("0", "1")), ("division", ("0", "1", "2")),
                              ("salesDivision", ("0", "1")), ("stockControlDivision", ("0", "1")),
                              ("pointNotApplicable", ("0", "1")), ("taxFreeDivision", ("0", "1", "2")),
                              ("calcDiscount", ("0", "1")), ("useCategoryReduceTax", ("0", "1"))):  # fmt: skip
            _code(body.get(name), name, allowed)

    # -- stock ---------------------------------------------------------------------------------------

    def _move_stock(
        self,
        product_id: str,
        store_id: str,
        *,
        delta: int | None = None,
        absolute: int | None = None,
        division: str,
        memo: str | None = None,
        at: str | None = None,
    ) -> dict[str, Any]:
        """Apply one stock change and record its history row; returns the history row."""
        key = (product_id, store_id)
        now = self.now()
        row = self.stock.get(key)
        before = int(row["stockAmount"]) if row else 0
        after = absolute if absolute is not None else before + (delta or 0)
        if after > STOCK_LIMIT:
            raise bad_request(f"更新後の在庫数は[{STOCK_LIMIT}]以下である必要があります")
        if after < -STOCK_LIMIT:
            raise bad_request(f"更新後の在庫数は[{-STOCK_LIMIT}]以上である必要があります")
        if row is None:
            row = self.stock[key] = {"storeId": store_id, "productId": product_id, "layawayStockAmount": "0"}
        row["stockAmount"] = str(after)
        row["updDateTime"] = now
        product = self.products[product_id]
        history = {
            "id": str(self.next_stock_history_id), "updDateTime": now, "targetDateTime": at or now,
            "productId": product_id, "storeId": store_id, "amount": str(after - before), "stockAmount": str(after),
            "layawayStockAmount": row["layawayStockAmount"], "stockDivision": division, "fromStoreId": None,
            "toStoreId": None, "taxDivision": product.get("taxDivision"), "price": product.get("price"),
            "cost": product.get("cost"), "memo": memo, "staffId": None, "staffName": None,
        }  # fmt: skip
        self.next_stock_history_id += 1
        self.stock_history.setdefault(key, []).append(history)
        return history

    def _emit_stock(self, history: list[dict[str, Any]]) -> None:
        if history:
            ids = [{"id": h["id"], "productId": h["productId"], "storeId": h["storeId"]} for h in history]
            self.emit("pos:stock", "edited", {"ids": ids})

    def write_stock(
        self, product_id: str, body: dict[str, Any], *, relative: bool, division: str | None = None
    ) -> dict[str, Any]:
        """PATCH /stock/{id} (absolute) or POST /stock/{id}/add (relative)."""
        with self.lock:
            self.product(product_id)
            store_id = _require_str(body, "storeId", required=True)
            amount_raw = _require_str(body, "stockAmount", required=True)
            assert store_id is not None and amount_raw is not None
            self.store(store_id)
            if relative:
                amount = _int_field(amount_raw, "stockAmount", -2 * STOCK_LIMIT, 2 * STOCK_LIMIT)
            else:
                amount = _int_field(amount_raw, "stockAmount", -STOCK_LIMIT, STOCK_LIMIT)
            history_body = body.get("stockHistory") or {}
            if not isinstance(history_body, dict):
                raise bad_request("stockHistoryはオブジェクトで指定してください")
            memo = _require_str(history_body, "memo")
            _max_len(memo, "stockHistory.memo", 100)
            if division is None:
                division = choices.STOCK_DIVISION_API if relative else choices.STOCK_DIVISION_MANUAL
            history = self._move_stock(
                product_id,
                store_id,
                delta=amount if relative else None,
                absolute=None if relative else amount,
                division=division,
                memo=memo,
            )
            self._touch()
            self._emit_stock([history])
            row = self.stock[(product_id, store_id)]
            return {
                "productId": product_id,
                "storeId": store_id,
                "stockAmount": row["stockAmount"],
                "updDateTime": row["updDateTime"],
                "stockHistory": {"id": history["id"], "memo": memo},
            }

    # -- transactions --------------------------------------------------------------------------------

    def transaction(self, transaction_id: str) -> dict[str, Any]:
        head = self.transactions.get(transaction_id)
        if head is None:
            raise not_found()
        return head

    def create_transaction(self, body: dict[str, Any], emit: bool = True) -> dict[str, Any]:
        """POST /transactions: validate, compute, store, move stock. Returns the stored head."""
        with self.lock:
            head, details = self._build_transaction(body)
            self._store_transaction(head, details, emit=emit)
            return head

    def _build_transaction(self, body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        if not isinstance(body, dict):
            raise bad_request("リクエストボディが不正です")
        unknown = set(body) - _TRANSACTION_INPUTS
        if unknown:
            raise bad_request(f"不明な項目が指定されています[{','.join(sorted(unknown))}]")
        head_in = {k: v for k, v in body.items() if k not in {"details", "taxFree"}}
        for name in head_in:
            if head_in[name] is not None:
                _require_str(head_in, name)
        division = _require_str(body, "transactionHeadDivision", required=True)
        _code(division, "transactionHeadDivision", SALE_DIVISIONS)
        _code(body.get("cancelDivision"), "cancelDivision", ("0", "1"))
        _code(body.get("returnSales"), "returnSales", ("0", "1"))
        store = self.store(_require_str(body, "storeId", required=True) or "")
        terminal_id = _require_str(body, "terminalId", required=True) or ""
        if not re.match(r"^[1-9][0-9]{0,8}$", terminal_id):
            raise bad_request("terminalIdは1〜999999999の数値で指定してください")
        terminal_tran_id = _require_str(body, "terminalTranId", required=True) or ""
        _max_len(terminal_tran_id, "terminalTranId", 10)
        terminal_at = parse_time(
            _require_str(body, "terminalTranDateTime", required=True) or "", "terminalTranDateTime"
        )
        money = {name: _int_field(body[name], name, -MONEY_LIMIT, MONEY_LIMIT) if body.get(name) else 0
                 for name in ("subtotal", "total", "subtotalDiscountPrice", "pointDiscount", "couponDiscount",
                              "roundingPrice", "carriage", "commission", "taxInclude", "taxExclude", "deposit",
                              "depositCash", "depositCredit", "change", "taxFree")}  # fmt: skip
        for name in ("subtotal", "total"):
            _require_str(body, name, required=True)
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
            line, detail = self._build_detail(raw, index, terminal_time)
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
        now = self.now()
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

    def _build_detail(self, raw: Any, index: int, terminal_time: str) -> tuple[totals.Line, dict[str, Any]]:
        if not isinstance(raw, dict):
            raise bad_request("detailsの要素はオブジェクトで指定してください")
        for name in raw:
            if raw[name] is not None:
                _require_str(raw, name)
        detail_division = raw.get("transactionDetailDivision") or "1"
        _code(detail_division, "transactionDetailDivision", ("1", "2", "3"))
        key = raw.get("productId") or raw.get("productCode")
        if not key:
            raise bad_request("details.productIdは必須です")
        product = self.product_by_id_or_code(key)
        category = self.categories.get(product["categoryId"]) or {}
        sales_price = _int_field(
            _require_str(raw, "salesPrice", required=True) or "", "salesPrice", -PRICE_LIMIT, PRICE_LIMIT
        )
        unit_discount = _int_field(
            raw.get("unitDiscountPrice") or "0", "unitDiscountPrice", -PRICE_LIMIT, PRICE_LIMIT
        )
        quantity = _int_field(_require_str(raw, "quantity", required=True) or "", "quantity", -99_999, 99_999)
        if detail_division == "2" and quantity > 0:
            raise bad_request("返品明細(transactionDetailDivision=2)のquantityはマイナスで指定してください")
        price = _int_field(
            raw.get("price") or product.get("price") or "0", "price", -PRICE_LIMIT, PRICE_LIMIT
        )
        tax_division = raw.get("taxDivision") or product.get("taxDivision") or "1"
        _code(tax_division, "taxDivision", ("0", "1", "2"))
        rate = self.tax_rate_of(product)
        detail_id = raw.get("transactionDetailId") or str(index + 1)
        _int_field(detail_id, "transactionDetailId", 0, 999)
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
            "salesDivision": product.get("salesDivision", "0"), "productDivision": "0",
            "taxRate": str(rate), "standardTaxRate": str(STANDARD_TAX_RATE),
            "reduceTaxId": REDUCED_TAX_ID if rate == REDUCED_TAX_RATE else None,
            "reduceTaxRate": str(REDUCED_TAX_RATE) if rate == REDUCED_TAX_RATE else None,
            "terminalTranDateTime": terminal_time,
        }  # fmt: skip
        return line, detail

    def _store_transaction(
        self, head: dict[str, Any], details: list[dict[str, Any]], emit: bool, move_stock: bool = True
    ) -> None:
        transaction_id = str(self.next_transaction_id)
        self.next_transaction_id += 1
        head["transactionHeadId"] = transaction_id
        head.setdefault("transactionUuid", f"{int(transaction_id):016d}")
        for detail in details:
            detail["transactionHeadId"] = transaction_id
        self.transactions[transaction_id] = head
        self.details[transaction_id] = details
        history: list[dict[str, Any]] = []
        if move_stock and head["transactionHeadDivision"] == "1" and head["cancelDivision"] == "0":
            history = self._stock_effect(head, details, sign=-1)
        self._touch()
        if emit:
            self.emit("pos:transactions", "created", {"transactionHeadIds": [transaction_id]})
            self._emit_stock(history)

    def _stock_effect(
        self, head: dict[str, Any], details: list[dict[str, Any]], sign: int
    ) -> list[dict[str, Any]]:
        """Move stock for stock-managed lines: sign −1 books the sale, +1 reverses it."""
        moves: dict[tuple[str, str], int] = {}
        for detail in details:
            product = self.products.get(detail["productId"])
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
                history.append(self._move_stock(product_id, head["storeId"], delta=delta, division=division,
                                                memo=f"取引ID:{head['transactionHeadId']}"))  # fmt: skip
        return history

    def update_transaction(self, transaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            head = self.transaction(transaction_id)
            allowed = {"memo", "receiptMemo", "staffId", "customerId", "customerCode", "tags", "barcode"}
            unknown = set(body) - allowed
            if unknown:
                raise bad_request(f"更新できない項目が指定されています[{','.join(sorted(unknown))}]")
            for name in body:
                _require_str(body, name)
            head.update(body)
            head["updDateTime"] = self.now()
            self._touch()
            self.emit("pos:transactions", "edited", {"transactionHeadIds": [transaction_id]})
            return head

    def cancel_transaction(self, transaction_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """取消: the same row becomes cancelled and its stock effect is reversed."""
        with self.lock:
            head = self.transaction(transaction_id)
            body = body or {}
            if head["cancelDivision"] == "1":
                raise bad_request("既に取消済みの取引です")
            if head["disposeDivision"] != "0":
                raise bad_request("打消済みの取引は取消できません")
            at = body.get("cancelDateTime")
            head["cancelDivision"] = "1"
            head["cancelDateTime"] = format_time(parse_time(at, "cancelDateTime")) if at else self.now()
            head["updDateTime"] = self.now()
            history: list[dict[str, Any]] = []
            if head["transactionHeadDivision"] == "1":
                history = self._stock_effect(head, self.details[transaction_id], sign=+1)
            self._touch()
            self.emit("pos:transactions", "canceled", {"transactionHeadIds": [transaction_id]})
            self._emit_stock(history)
            return head

    def dispose_transaction(self, transaction_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """打消 (返品取消): a negative copy dated now, linked to the original; stock goes back."""
        with self.lock:
            original = self.transaction(transaction_id)
            body = body or {}
            if original["cancelDivision"] == "1":
                raise bad_request("取消済みの取引は打消できません")
            if original["disposeDivision"] != "0":
                raise bad_request("既に打消済みの取引です")
            at = body.get("terminalTranDateTime")
            moment = parse_time(at, "terminalTranDateTime") if at else self.clock.now()
            now = self.now()
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
                for d in self.details[transaction_id]
            ]  # fmt: skip
            original["disposeDivision"] = "1"
            original["updDateTime"] = now
            new_id = str(self.next_transaction_id)
            self.next_transaction_id += 1
            reversal["transactionHeadId"] = new_id
            reversal["transactionUuid"] = f"{int(new_id):016d}"
            for detail in details:
                detail["transactionHeadId"] = new_id
            self.transactions[new_id] = reversal
            self.details[new_id] = details
            history: list[dict[str, Any]] = []
            if original["transactionHeadDivision"] == "1":
                history = self._stock_effect(reversal, self.details[transaction_id], sign=+1)
            self._touch()
            self.emit("pos:transactions", "disposed", {"transactionHeadIds": [transaction_id, new_id]})
            self._emit_stock(history)
            return reversal

    # -- save / load ---------------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        with self.lock:
            return {
                "contractId": self.contract_id,
                "stores": list(self.stores.values()),
                "categories": list(self.categories.values()),
                "products": list(self.products.values()),
                "stock": list(self.stock.values()),
                "stockHistory": [row for rows in self.stock_history.values() for row in rows],
                "transactions": [
                    {**head, "details": self.details[tid]} for tid, head in self.transactions.items()
                ],
                "counters": {
                    "store": self.next_store_id,
                    "category": self.next_category_id,
                    "product": self.next_product_id,
                    "stockHistory": self.next_stock_history_id,
                    "transaction": self.next_transaction_id,
                },  # fmt: skip
            }

    def load(self, data: dict[str, Any]) -> None:
        with self.lock:
            self.clear()
            self.stores = {s["storeId"]: s for s in data["stores"]}
            self.categories = {c["categoryId"]: c for c in data["categories"]}
            self.products = {p["productId"]: p for p in data["products"]}
            self.product_ids_by_code = {p["productCode"]: p["productId"] for p in data["products"]}
            self.stock = {(r["productId"], r["storeId"]): r for r in data["stock"]}
            for row in data["stockHistory"]:
                self.stock_history.setdefault((row["productId"], row["storeId"]), []).append(row)
            for record in data["transactions"]:
                head = {k: v for k, v in record.items() if k != "details"}
                self.transactions[head["transactionHeadId"]] = head
                self.details[head["transactionHeadId"]] = record["details"]
            counters = data["counters"]
            self.next_store_id = counters["store"]
            self.next_category_id = counters["category"]
            self.next_product_id = counters["product"]
            self.next_stock_history_id = counters["stockHistory"]
            self.next_transaction_id = counters["transaction"]
            self._touch()


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
