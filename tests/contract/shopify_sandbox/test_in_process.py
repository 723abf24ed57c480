"""The same app in-process, through httpx.ASGITransport, faults included."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.faults import DroppedConnection, FaultKind
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox

from .conftest import API_PATH


def test_the_app_answers_in_process_and_drops_a_lost_answer() -> None:
    sandbox = ShopifySandbox.create(seed_size="small")

    async def scenario() -> None:
        transport = httpx.ASGITransport(app=sandbox.app)
        headers = {"X-Shopify-Access-Token": credentials.SHOPIFY_ACCESS_TOKEN}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://shop.test", headers=headers
        ) as client:
            answer = await client.post(API_PATH, json={"query": "{ products(first: 2) { nodes { id } } }"})
            assert len(answer.json()["data"]["products"]["nodes"]) == 2
            sandbox.faults.script("productCreate", FaultKind.ANSWER_LOST)
            with pytest.raises(DroppedConnection):
                await client.post(
                    API_PATH,
                    json={
                        "query": 'mutation { productCreate(product: {title: "在庫外"}) { product { id } } }'
                    },
                )

    try:
        asyncio.run(scenario())
        assert any(p.title == "在庫外" for p in sandbox.state.products.values())
    finally:
        sandbox.close()
