"""``/_sandbox/…`` test hooks: what a register, a merchant or a test harness does, over HTTP.

| method & path | body | answer |
|---|---|---|
| POST /_sandbox/reset | – | ``{}`` |
| POST /_sandbox/seed | ``{size, seed, locations, sales}`` | counts |
| GET /_sandbox/state | – | the full state (as saved) |
| POST /_sandbox/save, /_sandbox/load | ``{path}`` (load also takes ``{state}``) | ``{}`` |
| POST /_sandbox/sales | ``{storeId, lines: [{product, quantity}], at?, terminalId?}`` | ``{transactionHeadId}`` |
| POST /_sandbox/returns | ``{transactionHeadId, lines?: [{product, quantity}]}`` | ``{transactionHeadId}`` |
| POST /_sandbox/voids | ``{transactionHeadId}`` | ``{}`` |
| POST /_sandbox/disposals | ``{transactionHeadId}`` | ``{transactionHeadId}`` |
| POST /_sandbox/stock-counts | ``{product, storeId, stockAmount, memo?}`` | ``{stockHistoryId}`` |
| POST /_sandbox/products | product fields | the product |
| PATCH /_sandbox/products/{product} | changed fields | the product |
| DELETE /_sandbox/products/{product} | – | ``{}`` |
| POST /_sandbox/webhooks | ``{url, secret?, secretHeader?, events?, duplicates?, reorder?, seed?}`` | ``{}`` |
| GET /_sandbox/webhooks | – | deliveries queued so far (secret header removed) |
| POST /_sandbox/faults | ``{plan: "seed=7,throttle=0.1"}`` | ``{}`` |
| POST /_sandbox/rate-limits | ``{readsPerSecond, writesPerSecond, enabled?}`` | ``{}`` |
| POST /_sandbox/clock/advance | ``{seconds}`` | ``{now}`` |

``product`` is a productId or a productCode.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.smaregi.errors import bad_request, not_found
from smapify_pipeline.sandbox.smaregi.listing import format_time

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox

_JSON = [(b"content-type", b"application/json")]
_PRODUCT = re.compile(r"^/products/(?P<product>[^/]+)$")


def _lines(raw: Any) -> list[tuple[str, int]]:
    if not isinstance(raw, list):
        raise bad_request("linesは配列で指定してください")
    return [(str(item["product"]), int(item["quantity"])) for item in raw]


def _at(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


class HookApi:
    def __init__(self, sandbox: SmaregiSandbox) -> None:
        self.sandbox = sandbox

    def handle(self, method: str, path: str, raw_body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        try:
            body = json.loads(raw_body) if raw_body.strip() else {}
        except ValueError as exc:
            raise bad_request("リクエストボディのJSONが不正です") from exc
        if not isinstance(body, dict):
            raise bad_request("リクエストボディはオブジェクトで指定してください")
        try:
            answer = self._dispatch(method, path.rstrip("/"), body)
        except (KeyError, ValueError, TypeError) as exc:
            raise bad_request(f"テスト用フックの引数が不正です: {type(exc).__name__}: {exc}") from exc
        return 200, _JSON, json.dumps(answer, ensure_ascii=False).encode()

    def _dispatch(self, method: str, path: str, body: dict[str, Any]) -> Any:
        sandbox = self.sandbox
        product_path = _PRODUCT.match(path)
        if product_path and method == "PATCH":
            return sandbox.product_edit(product_path.group("product"), body)
        if product_path and method == "DELETE":
            sandbox.product_delete(product_path.group("product"))
            return {}
        if method == "GET" and path == "/state":
            return sandbox.dump()
        if method == "GET" and path == "/webhooks":
            return sandbox.webhooks.sent
        if method != "POST":
            raise not_found()
        handler = getattr(self, "_post_" + path.strip("/").replace("-", "_").replace("/", "_"), None)
        if handler is None:
            raise not_found()
        return handler(body)

    def _post_reset(self, body: dict[str, Any]) -> Any:
        self.sandbox.reset()
        return {}

    def _post_seed(self, body: dict[str, Any]) -> Any:
        seed = int(body.get("seed", 0))
        catalogue = build_catalogue(
            body.get("size", "small"), seed=seed, locations=int(body.get("locations", 2))
        )
        self.sandbox.seed(catalogue, sales=int(body.get("sales", 0)), seed=seed)
        state = self.sandbox.state
        return {
            "stores": len(state.stores),
            "products": len(state.products),
            "transactions": len(state.transactions),
        }

    def _post_save(self, body: dict[str, Any]) -> Any:
        self.sandbox.save(body["path"])
        return {}

    def _post_load(self, body: dict[str, Any]) -> Any:
        if "state" in body:
            self.sandbox.state.load(body["state"])
        else:
            self.sandbox.load(body["path"])
        return {}

    def _post_sales(self, body: dict[str, Any]) -> Any:
        transaction_id = self.sandbox.ring_up_sale(
            str(body["storeId"]), _lines(body["lines"]), _at(body.get("at")), str(body.get("terminalId", "1"))
        )
        return {"transactionHeadId": transaction_id}

    def _post_returns(self, body: dict[str, Any]) -> Any:
        lines = _lines(body["lines"]) if body.get("lines") is not None else None
        return {
            "transactionHeadId": self.sandbox.register_return(
                str(body["transactionHeadId"]), lines, _at(body.get("at"))
            )
        }

    def _post_voids(self, body: dict[str, Any]) -> Any:
        self.sandbox.register_void(str(body["transactionHeadId"]))
        return {}

    def _post_disposals(self, body: dict[str, Any]) -> Any:
        return {"transactionHeadId": self.sandbox.register_dispose(str(body["transactionHeadId"]))}

    def _post_stock_counts(self, body: dict[str, Any]) -> Any:
        history_id = self.sandbox.stock_count(
            str(body["product"]), str(body["storeId"]), int(body["stockAmount"]), body.get("memo")
        )
        return {"stockHistoryId": history_id}

    def _post_products(self, body: dict[str, Any]) -> Any:
        return self.sandbox.product_create(body)

    def _post_webhooks(self, body: dict[str, Any]) -> Any:
        self.sandbox.configure_webhooks(
            body.get("url"), body.get("secret"), body.get("secretHeader"), body.get("events"),
            float(body.get("duplicates", 0.0)), bool(body.get("reorder", False)), int(body.get("seed", 0)),
        )  # fmt: skip
        return {}

    def _post_faults(self, body: dict[str, Any]) -> Any:
        self.sandbox.faults.set_plan(FaultPlan.parse(body.get("plan", "")))
        return {}

    def _post_rate_limits(self, body: dict[str, Any]) -> Any:
        limiter = self.sandbox.rate_limiter
        limiter.configure(float(body.get("readsPerSecond", limiter.reads_per_second)),
                          float(body.get("writesPerSecond", limiter.writes_per_second)))  # fmt: skip
        limiter.enabled = bool(body.get("enabled", True))
        return {}

    def _post_clock_advance(self, body: dict[str, Any]) -> Any:
        self.sandbox.clock.advance(float(body["seconds"]))
        return {"now": format_time(self.sandbox.clock.now())}
