"""The Smaregi sandbox's state: one contract's stores, categories, products, stock, transactions and tokens.

Everything the API answers is stored as Smaregi sends it (strings, JST timestamps) so reads are cheap:
lists slice presorted id lists and merge each stored row over a template of nulls. Every mutation takes
``lock`` and bumps ``version``, which invalidates the cached filtered/sorted id lists of list endpoints.
Writes report what changed to ``listeners`` as (event, action, body) so webhooks stay out of the model.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.clock import SandboxClock
from smapify_pipeline.sandbox.smaregi import choices, transactions
from smapify_pipeline.sandbox.smaregi import fields as F
from smapify_pipeline.sandbox.smaregi.errors import bad_request, not_found
from smapify_pipeline.sandbox.smaregi.listing import format_time
from smapify_pipeline.sandbox.smaregi.stores import new_store
from smapify_pipeline.sandbox.smaregi.transactions import (
    PRICE_LIMIT,
    REDUCED_TAX_ID,
    REDUCED_TAX_RATE,
    STANDARD_TAX_RATE,
)
from smapify_pipeline.sandbox.smaregi.validation import (
    DECIMAL,
    PRINTABLE_ASCII,
    code_in,
    int_field,
    max_len,
    require_str,
)

ALL_SCOPES: tuple[str, ...] = (
    "pos.products:read", "pos.products:write", "pos.stock:read", "pos.stock:write", "pos.stock-changes:read",
    "pos.transactions:read", "pos.transactions:write", "pos.stores:read", "pos.stores:write",
    "pos.customers:read", "pos.customers:write", "pos.staffs:read",
)  # fmt: skip

STOCK_LIMIT = 999_999_999

Listener = Callable[[str, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Token:
    value: str
    scopes: frozenset[str]
    expires_at: float
    """Simulated monotonic seconds."""


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

    def apply_edit(
        self, row: dict[str, Any], body: dict[str, Any], event: str, ids: dict[str, Any]
    ) -> dict[str, Any]:
        """An accepted edit of a stored row: the new values, a new ``updDateTime``, an ``edited`` webhook."""
        row.update(body)
        row["updDateTime"] = self.now()
        self._touch()
        self.emit(event, "edited", ids)
        return row

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
            store = new_store(store_id, name, code, division, now)
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
            return self.apply_edit(category, body, "pos:categories", {"categoryIds": [category_id]})

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
                require_str(body, name)
        require_str(body, "categoryCode", required=creating)
        require_str(body, "categoryName", required=creating)
        max_len(body.get("categoryName"), "categoryName", 85)
        code_in(body.get("taxDivision"), "taxDivision", ("0", "1", "2"))
        code_in(body.get("displayFlag"), "displayFlag", ("0", "1"))

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
            return self.apply_edit(product, body, "pos:products", {"productIds": [product_id]})

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
            require_str(body, name)
        for name in ("categoryId", "productCode", "productName", "price"):
            if creating:
                require_str(body, name, required=True)
            elif name in body and body[name] in (None, ""):
                raise bad_request(f"{name}は必須です")
        if "categoryId" in body and body["categoryId"] not in self.categories:
            raise bad_request("指定された部門IDのリソースが見つかりません")
        code = body.get("productCode")
        if code is not None:
            if len(code) > 20 or not PRINTABLE_ASCII.match(code):
                raise bad_request("productCodeは20文字以下の半角英数記号で指定してください")
            owner = self.product_ids_by_code.get(code)
            if owner is not None and (current is None or owner != current["productId"]):
                raise bad_request(f"商品コード[{code}]は既に登録されています")
        for name, limit in (("productName", 85), ("productKana", 85), ("size", 85), ("color", 85), ("tag", 85),
                            ("groupCode", 85), ("url", 255), ("printReceiptProductName", 64),
                            ("attribute", 1000), ("description", 1000), ("catchCopy", 1000)):  # fmt: skip
            max_len(body.get(name), name, limit)
        for name in ("price", "customerPrice", "reduceTaxPrice", "reduceTaxCustomerPrice"):
            if body.get(name):
                int_field(body[name], name, -PRICE_LIMIT, PRICE_LIMIT)
        if body.get("cost") and not DECIMAL.match(body["cost"]):
            raise bad_request("costは小数点以下5桁までの数値で指定してください")
        for name, allowed in (("taxDivision", ("0", "1", "2")), ("productPriceDivision", ("1", "2")),
                              ("displayFlag", ("0", "1")), ("division", ("0", "1", "2")),
                              ("salesDivision", ("0", "1")), ("stockControlDivision", ("0", "1")),
                              ("pointNotApplicable", ("0", "1")), ("taxFreeDivision", ("0", "1", "2")),
                              ("calcDiscount", ("0", "1")), ("useCategoryReduceTax", ("0", "1"))):  # fmt: skip
            code_in(body.get(name), name, allowed)

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
            store_id = require_str(body, "storeId", required=True)
            amount_raw = require_str(body, "stockAmount", required=True)
            assert store_id is not None and amount_raw is not None
            self.store(store_id)
            if relative:
                amount = int_field(amount_raw, "stockAmount", -2 * STOCK_LIMIT, 2 * STOCK_LIMIT)
            else:
                amount = int_field(amount_raw, "stockAmount", -STOCK_LIMIT, STOCK_LIMIT)
            history_body = body.get("stockHistory") or {}
            if not isinstance(history_body, dict):
                raise bad_request("stockHistoryはオブジェクトで指定してください")
            memo = require_str(history_body, "memo")
            max_len(memo, "stockHistory.memo", 100)
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

    # -- transactions (smaregi/transactions.py) ------------------------------------------------------

    def transaction(self, transaction_id: str) -> dict[str, Any]:
        return transactions.get_transaction(self, transaction_id)

    def create_transaction(self, body: dict[str, Any], emit: bool = True) -> dict[str, Any]:
        return transactions.create_transaction(self, body, emit)

    def update_transaction(self, transaction_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return transactions.update_transaction(self, transaction_id, body)

    def cancel_transaction(self, transaction_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return transactions.cancel_transaction(self, transaction_id, body)

    def dispose_transaction(self, transaction_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return transactions.dispose_transaction(self, transaction_id, body)

    # -- snapshots -----------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Everything the contract holds, as saved and loaded (tokens are not kept)."""
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
