"""``/_sandbox/…`` test hooks: what a register, a merchant or a test harness does, over HTTP.

| method & path | body | answer |
|---|---|---|
| POST /_sandbox/reset | ``{empty?}`` | ``{}`` (back to the seeded state, or an empty one) |
| POST /_sandbox/seed | ``{size, seed, locations, sales}`` | counts |
| GET /_sandbox/state | – | the full state (the snapshot ``load`` takes) |
| POST /_sandbox/save, /_sandbox/load | ``{path}`` (load also takes ``{snapshot}``) | ``{path}`` |
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
| POST /_sandbox/webhooks/delivery, /_sandbox/webhooks/drain | ``{duplicates?, reorder?, seed?}``, ``{timeout?}`` | ``{}``, ``{drained}`` |
| POST /_sandbox/faults | ``{plan?: "seed=7,throttle=0.1", script?, clear?}`` | ``{}`` (``GET``: the fault log) |
| POST /_sandbox/rate-limits | ``{readsPerSecond, writesPerSecond, enabled?}`` | ``{}`` |
| POST /_sandbox/clock/advance | ``{seconds}`` | ``{now, monotonic}`` |

``product`` is a productId or a productCode. The lifecycle hooks (reset, save, load, state, faults, clock)
are the shared ones of :mod:`..lifecycle`. Bad arguments are a 400 problem, unknown hooks a 404 one.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from smapify_pipeline.sandbox.lifecycle import Hook, hook_routes, lifecycle_hooks, lifecycle_reads
from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.smaregi.errors import ApiProblem, bad_request

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox


def _lines(raw: Any) -> list[tuple[str, int]]:
    if not isinstance(raw, list):
        raise bad_request("linesは配列で指定してください")
    return [(str(item["product"]), int(item["quantity"])) for item in raw]


def _at(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


def _seed(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    seed = int(body.get("seed", 0))
    catalogue = build_catalogue(body.get("size", "small"), seed=seed, locations=int(body.get("locations", 2)))
    sandbox.seed(catalogue, sales=int(body.get("sales", 0)), seed=seed)
    state = sandbox.state
    return {
        "stores": len(state.stores),
        "products": len(state.products),
        "transactions": len(state.transactions),
    }


def _sales(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    transaction_id = sandbox.ring_up_sale(
        str(body["storeId"]), _lines(body["lines"]), _at(body.get("at")), str(body.get("terminalId", "1"))
    )
    return {"transactionHeadId": transaction_id}


def _returns(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    lines = _lines(body["lines"]) if body.get("lines") is not None else None
    return {
        "transactionHeadId": sandbox.register_return(
            str(body["transactionHeadId"]), lines, _at(body.get("at"))
        )
    }


def _voids(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    sandbox.register_void(str(body["transactionHeadId"]))
    return {}


def _disposals(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    return {"transactionHeadId": sandbox.register_dispose(str(body["transactionHeadId"]))}


def _stock_counts(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    history_id = sandbox.stock_count(
        str(body["product"]), str(body["storeId"]), int(body["stockAmount"]), body.get("memo")
    )
    return {"stockHistoryId": history_id}


def _webhooks(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    sandbox.configure_webhooks(
        body.get("url"), body.get("secret"), body.get("secretHeader"), body.get("events"),
        float(body.get("duplicates", 0.0)), bool(body.get("reorder", False)), int(body.get("seed", 0)),
    )  # fmt: skip
    return {}


def _rate_limits(sandbox: SmaregiSandbox, body: dict[str, Any]) -> Any:
    limiter = sandbox.rate_limiter
    limiter.configure(float(body.get("readsPerSecond", limiter.reads_per_second)),
                      float(body.get("writesPerSecond", limiter.writes_per_second)))  # fmt: skip
    limiter.enabled = bool(body.get("enabled", True))
    return {}


POSTS: dict[str, Hook] = {
    **lifecycle_hooks(),
    "seed": _seed,
    "sales": _sales,
    "returns": _returns,
    "voids": _voids,
    "disposals": _disposals,
    "stock-counts": _stock_counts,
    "products": lambda sandbox, body: sandbox.product_create(body),
    "webhooks": _webhooks,
    "rate-limits": _rate_limits,
}
READS = {**lifecycle_reads(), "webhooks": lambda sandbox: sandbox.webhooks.sent}


def _error_answer(exc: Exception) -> Response:
    if isinstance(exc, json.JSONDecodeError):
        exc = bad_request("リクエストボディのJSONが不正です")
    elif isinstance(exc, KeyError | ValueError | TypeError):
        exc = bad_request(f"テスト用フックの引数が不正です: {type(exc).__name__}: {exc}")
    if not isinstance(exc, ApiProblem):
        raise exc
    status, headers, body = exc.render()
    return Response(body, status_code=status, headers={k.decode(): v.decode() for k, v in headers})


def smaregi_hook_routes(sandbox: SmaregiSandbox) -> list[BaseRoute]:
    """The hooks, plus a merchant's edit and deletion of one product (``PATCH``/``DELETE``)."""

    async def product(request: Request) -> Response:
        key = request.path_params["product"]
        try:
            if request.method == "DELETE":
                sandbox.product_delete(key)
                return JSONResponse({})
            raw = await request.body()
            changes = json.loads(raw) if raw.strip() else {}
            if not isinstance(changes, dict):
                raise TypeError("the body must be a JSON object")
            return JSONResponse(sandbox.product_edit(key, changes))
        except Exception as exc:
            return _error_answer(exc)

    return [
        *hook_routes(sandbox, POSTS, READS, _error_answer),
        Route("/_sandbox/products/{product}", product, methods=["PATCH", "DELETE"]),
    ]
