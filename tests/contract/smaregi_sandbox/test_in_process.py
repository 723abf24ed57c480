"""The same app answers in-process through ``httpx.ASGITransport`` (no server) as it does over HTTP."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from smapify_pipeline.sandbox.faults import DroppedConnection, FaultKind
from smapify_pipeline.sandbox.smaregi import SmaregiSandbox

from .conftest import CONTRACT, basic_auth


async def _exercise(sandbox: SmaregiSandbox) -> tuple[int, int, str]:
    transport = httpx.ASGITransport(app=sandbox.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://smaregi.sandbox") as client:
        token = await client.post(
            f"/app/{CONTRACT}/token",
            headers={"Authorization": basic_auth()},
            data={"grant_type": "client_credentials", "scope": "pos.products:read pos.stock:write"},
        )
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        products = await client.get(f"/{CONTRACT}/pos/products", headers=bearer)
        product_id = products.json()[0]["productId"]
        sandbox.faults.script("POST /stock/{productId}/add", FaultKind.ANSWER_LOST)
        with pytest.raises(DroppedConnection):
            await client.post(f"/{CONTRACT}/pos/stock/{product_id}/add", headers=bearer,
                              json={"storeId": "1", "stockAmount": "1"})  # fmt: skip
        return token.status_code, len(products.json()), product_id


def test_asgi_transport_serves_the_api_and_faults() -> None:
    sandbox = SmaregiSandbox.create()
    try:
        product = next(iter(sandbox.state.products))
        before = sandbox.stock_of(product, "1") or 0
        status, count, product_id = asyncio.run(_exercise(sandbox))
        assert (status, count, product_id) == (200, len(sandbox.state.products), product)
        assert sandbox.stock_of(product, "1") == before + 1  # the lost answer's write was applied
    finally:
        sandbox.close()
