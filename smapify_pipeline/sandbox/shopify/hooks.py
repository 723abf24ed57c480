"""Test hooks under ``/_sandbox/`` — not part of Shopify's API; no token, no faults.

The lifecycle hooks (reset, save, load, state, faults, clock) are the shared ones of :mod:`..lifecycle`.

=================================  ==========================================================================
``POST /_sandbox/reset``           ``{"empty": false}``: back to the seeded shop (or an empty one)
``POST /_sandbox/seed``            ``{"size": "small", "seed": 0, "locations": 2}``: reseed from a new catalogue
``POST /_sandbox/save`` / ``load`` ``{"path": "data/shopify.json"}`` (``load`` also takes ``{"snapshot": …}``)
``GET  /_sandbox/state``           the whole state as JSON (the snapshot ``load`` takes)
``POST /_sandbox/sale``            ``{"lines": [{"sku": …, "quantity": 2}], "location": …, "shipping": 500,
                                   "fulfilled": false}`` → ``{"orderId": gid}`` (a storefront checkout)
``POST /_sandbox/stock``           ``{"sku": …, "location": …, "available": 15}`` (a manual edit in the admin)
``POST /_sandbox/products``        ``{"action": "create"|"update"|"delete", …}`` (admin product edits)
``POST /_sandbox/faults``          ``{"plan": "seed=7,throttle=0.1"}`` and/or ``{"script": {"operation": …,
                                   "kind": "answer_lost", "times": 1}}`` or ``{"clear": true}``;
                                   ``GET`` returns the fault log
``POST /_sandbox/clock/advance``   ``{"seconds": 3600}``
``POST /_sandbox/before``          ``{"operation": "inventorySetQuantities", "hook": "sale", "body": {…}}``: run
                                   that hook right before the next call of the operation
``GET  /_sandbox/webhooks``        deliveries emitted and attempts made; ``POST …/webhooks/drain`` waits;
                                   ``POST …/webhooks/delivery`` ``{"duplicates": 0.2, "reorder": true, "seed": 1}``
=================================  ==========================================================================

Locations are named by gid, numeric id, index or name; products and variants by gid or SKU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from smapify_pipeline.sandbox.lifecycle import hook_routes, lifecycle_hooks, lifecycle_reads
from smapify_pipeline.sandbox.seed import build_catalogue
from smapify_pipeline.sandbox.shopify.common import SandboxError

if TYPE_CHECKING:
    from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

Hook = Callable[["ShopifySandbox", dict[str, Any]], Any]


def _seed(sandbox: ShopifySandbox, body: dict[str, Any]) -> Any:
    catalogue = build_catalogue(
        body.get("size", "small"), seed=int(body.get("seed", 0)), locations=int(body.get("locations", 2))
    )
    sandbox.seed(catalogue)
    return {"variants": catalogue.variant_count, "products": len(catalogue.products)}


def _sale(sandbox: ShopifySandbox, body: dict[str, Any]) -> Any:
    lines = [(line.get("sku") or line["variantId"], int(line.get("quantity", 1))) for line in body["lines"]]
    order_id = sandbox.storefront_sale(
        lines,
        location=body.get("location"),
        shipping=body.get("shipping"),
        fulfilled=bool(body.get("fulfilled")),
    )
    return {"orderId": order_id}


def _stock(sandbox: ShopifySandbox, body: dict[str, Any]) -> Any:
    before = sandbox.manual_stock_edit(body["sku"], body.get("location", 0), int(body["available"]))
    return {"before": before, "available": int(body["available"])}


def _products(sandbox: ShopifySandbox, body: dict[str, Any]) -> Any:
    fields = {k: v for k, v in body.items() if k not in ("action", "ref", "sku", "title", "price", "stock")}
    action = body.get("action", "update")
    if action == "create":
        stock = body.get("stock") or {}
        product_id = sandbox.admin_product_create(
            body["title"],
            body["sku"],
            body["price"],
            {_location_key(k): v for k, v in stock.items()},
            **fields,
        )
        return {"productId": product_id}
    ref = body.get("ref") or body["sku"]
    if action == "delete":
        return {"deletedProductId": sandbox.admin_product_delete(ref)}
    if action == "update":
        changes = dict(fields)
        for key in ("title", "price"):
            if key in body:
                changes[key] = body[key]
        sandbox.admin_product_edit(ref, **changes)
        return {"ok": True}
    raise ValueError(f"unknown product action {action!r}")


def _location_key(key: str) -> str | int:
    return int(key) if key.isdigit() else key


def _before(sandbox: ShopifySandbox, body: dict[str, Any]) -> Any:
    hook = ACTION_HOOKS[body["hook"]]
    payload = body.get("body") or {}
    sandbox.before_next(body["operation"], lambda: hook(sandbox, payload))
    return {"ok": True}


ACTION_HOOKS: dict[str, Hook] = {
    **lifecycle_hooks(),
    "seed": _seed,
    "sale": _sale,
    "stock": _stock,
    "products": _products,
    "before": _before,
}


def _webhooks(sandbox: ShopifySandbox) -> Any:
    return {
        "emitted": [asdict(d) for d in sandbox.webhooks.emitted],
        "attempts": [{k: v for k, v in asdict(a).items() if k != "body"} for a in sandbox.delivery.attempts],
    }


READ_HOOKS: dict[str, Callable[[ShopifySandbox], Any]] = {**lifecycle_reads(), "webhooks": _webhooks}


def _error_answer(exc: Exception) -> Response:
    if isinstance(exc, SandboxError):
        return JSONResponse({"userErrors": exc.errors}, status_code=422)
    if isinstance(exc, KeyError | ValueError | TypeError):
        return JSONResponse({"error": f"{type(exc).__name__}: {exc}"}, status_code=400)
    raise exc


def shopify_hook_routes(sandbox: ShopifySandbox) -> list[BaseRoute]:
    return hook_routes(sandbox, ACTION_HOOKS, READ_HOOKS, _error_answer)
