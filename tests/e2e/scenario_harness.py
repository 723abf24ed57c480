"""The starting point of every end-to-end sync case, for either primary, and the checks every case ends with.

``make_scenario(primary=...)`` serves two tiny sandboxes seeded from one catalogue:

* X — the linked pair: productCode = SKU = barcode ``4901234567894``, ¥1,100 tax-included, 10%;
* R — a reduced-rate (8%) linked product for D10, ¥540;
* stock 10 of each at every location; store "1" ↔ the first Shopify location (S ↔ L), and with
  ``two_pairs=True`` store "2" ↔ the second location (S6); ``online_store_id`` = S.

It builds the pipeline's resources (``SyncSettings`` with the primary, the location pairs from the
sandboxes' ids, the online store and the delete policy) and runs one baseline ``full_sync`` so each scenario
starts linked with nothing pending.

Actions go through the sandboxes' own hooks (a register sale, a storefront checkout, a merchant refund in the
admin…) and are *recorded*, so that :meth:`ScenarioHarness.assert_invariants` can check the sync's four
invariants against what really happened: exactly once (every recorded source document has exactly one mirror,
found by its marker), no lost sale (both sides hold the initial count minus every sale plus every restock),
no echo (nothing we created is mirrored back) and convergence (secondary == primary for every linked pair).

Plan tables convention (shared by every plan asset): each ``plan.*`` table holds the changes planned by the
latest run only (replaced on every run), one row per change. So "a second run plans nothing" is: every
``plan.*_plan`` table is empty after it, and the ledger gained no row.

``run_full_sync()`` materializes every asset list that exists (extract, link, plans, pushes, sync checks)
in-process; the official job is the lead's ``jobs.full_sync``.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest

from smapify_pipeline import warehouse
from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.resources import ShopifyResource
from smapify_pipeline.sandbox.faults import FaultPlan
from smapify_pipeline.sandbox.pair import SandboxPair, ServingPair
from smapify_pipeline.sandbox.seed import (
    CATEGORIES,
    Catalogue,
    SeedLocation,
    SeedProduct,
    SeedVariant,
    jan_check_digit,
)
from smapify_pipeline.sandbox.shopify.app import ShopifySandbox
from smapify_pipeline.sandbox.smaregi.app import SmaregiSandbox
from smapify_pipeline.sync import markers
from tests.e2e.conftest import make_resources

X_CODE = "4901234567894"
X_TITLE = "定番 トートバッグ"
X_PRICE = 1100
R_CODE = "490123456790" + str(jan_check_digit("490123456790"))
R_TITLE = "国産 ほうじ茶クッキー"
R_PRICE = 540
W_CODE = "490123456791" + str(jan_check_digit("490123456791"))
W_TITLE = "手作り 箸置き"
W_PRICE = 330
INITIAL_STOCK = 10
TIME_SCALE = 20.0
"""Bulk operations and rate-limit refills run 20× faster than on the real platforms."""
BULK_POLL_SECONDS = 0.05
"""A tiny shop's bulk read finishes in well under a second at this time scale: poll early."""

PIPELINE_MODULES: tuple[tuple[str, str], ...] = (
    ("smapify_pipeline.extract.assets", "EXTRACT_ASSETS"),
    ("smapify_pipeline.link.assets", "LINK_ASSETS"),
    ("smapify_pipeline.products.assets", "PRODUCT_ASSETS"),
    ("smapify_pipeline.documents.assets", "DOCUMENT_ASSETS"),
    ("smapify_pipeline.stock.assets", "STOCK_ASSETS"),
    ("smapify_pipeline.documents.checks", "DOCUMENT_CHECKS"),
    ("smapify_pipeline.stock.checks", "STOCK_CHECKS"),
)
"""(module, list name) of every asset and check list of a full sync, in data-flow order."""

RESTOCKING = ("RETURN", "CANCEL")
REPO_ROOT = Path(__file__).resolve().parents[2]

REFUND_MUTATION = """
mutation MerchantRefund($input: RefundInput!, $key: String!) {
  refundCreate(input: $input) @idempotent(key: $key) {
    refund { id }
    userErrors { field message }
  }
}
"""


def pipeline_definitions() -> list[Any]:
    """Every asset and asset check of a full sync that exists in the package (missing modules are skipped,
    so the harness runs while the sync is being built; a module that exists but fails to import raises)."""
    found: list[Any] = []
    for module_name, attribute in PIPELINE_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        found.extend(getattr(module, attribute))
    return found


def scenario_catalogue(locations: int) -> Catalogue:
    """X (10%) and R (8%), one variant each, ``INITIAL_STOCK`` at every location."""
    by_code = {c.code: c for c in CATEGORIES}
    stock = (INITIAL_STOCK,) * locations
    x = SeedProduct(
        group_code="SCENARIO-X",
        title=X_TITLE,
        description="帆布のトートバッグ",
        category=by_code["03"],
        tags=(),
        variants=(SeedVariant(X_CODE, None, None, X_PRICE, 500, stock),),
    )
    r = SeedProduct(
        group_code="SCENARIO-R",
        title=R_TITLE,
        description="静岡産ほうじ茶のクッキー",
        category=by_code["04"],
        tags=(),
        variants=(SeedVariant(R_CODE, None, None, R_PRICE, 200, stock),),
    )
    names = ("渋谷本店", "梅田店")
    return Catalogue(
        seed=0,
        locations=tuple(SeedLocation(i, names[i]) for i in range(locations)),
        categories=CATEGORIES,
        products=(x, r),
    )


@dataclass
class Recorded:
    """Source documents the scenario made on a platform, by id (what invariant 1 counts mirrors of)."""

    pos_sales: list[str] = field(default_factory=list)
    smaregi_refunds: list[tuple[str, str]] = field(default_factory=list)
    """(transactionHeadId of the return record / voided sale / reversal record, event)."""
    online_orders: list[str] = field(default_factory=list)
    shopify_refunds: list[str] = field(default_factory=list)


@dataclass
class ScenarioHarness:
    primary: str
    pair: SandboxPair
    servers: ServingPair
    instance: dg.DagsterInstance
    data_dir: Path
    rules: dict[str, Any]
    pair_count: int
    linked_codes: tuple[str, ...] = (X_CODE, R_CODE)
    expected: dict[tuple[str, int], int] = field(default_factory=dict)
    """(product code, pair index) → the count both sides must hold (invariant 2)."""
    recorded: Recorded = field(default_factory=Recorded)
    runs: list[dg.ExecuteInProcessResult] = field(default_factory=list)

    # ---------------------------------------------------------------------------------------- basics

    @property
    def shopify(self) -> ShopifySandbox:
        return self.pair.shopify

    @property
    def smaregi(self) -> SmaregiSandbox:
        return self.pair.smaregi

    @property
    def secondary(self) -> str:
        return "shopify" if self.primary == "smaregi" else "smaregi"

    @property
    def contract_id(self) -> str:
        return credentials.SMAREGI_CONTRACT_ID

    def store_id(self, pair: int = 0) -> str:
        return str(pair + 1)

    def location_id(self, pair: int = 0) -> str:
        return f"gid://shopify/Location/{self.shopify.location(pair).id}"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "smapify.duckdb"

    def resources(self, **overrides: Any) -> dict[str, dg.ConfigurableResource]:
        resources = make_resources(self.servers, self.data_dir, **{**self.rules, **overrides})
        resources["shopify"] = ShopifyResource(
            base_url=self.servers.shopify_url,
            access_token=credentials.SHOPIFY_ACCESS_TOKEN,
            bulk_poll_seconds=BULK_POLL_SECONDS,
        )
        return resources

    def run_full_sync(
        self, *, raise_on_error: bool = True, **rule_overrides: Any
    ) -> dg.ExecuteInProcessResult:
        """One full sync in-process (extract → link → plans → pushes), sync rules optionally overridden
        (e.g. ``dry_run=True``)."""
        result = dg.materialize(
            pipeline_definitions(),
            resources=self.resources(**rule_overrides),
            instance=self.instance,
            raise_on_error=raise_on_error,
        )
        self.runs.append(result)
        return result

    def run_full_sync_killed_at(self, platform: str, operation: str, timeout: float = 180.0) -> int:
        """A full sync in a subprocess, SIGKILLed right before its first call of ``operation`` on ``platform``
        reaches the sandbox (the call itself is still applied, its answer goes nowhere): F6. Returns the exit
        code (negative: killed)."""
        spec = {
            "shopify_url": self.servers.shopify_url,
            "smaregi_url": self.servers.smaregi_url,
            "data_dir": str(self.data_dir),
            "rules": self.rules,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.sync_process", json.dumps(spec)],
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        killed = threading.Event()

        def kill() -> None:
            process.kill()
            process.wait()
            killed.set()

        sandbox = self.shopify if platform == "shopify" else self.smaregi
        sandbox.before_next(operation, kill)
        code = process.wait(timeout)
        assert killed.is_set(), f"the run ended (exit {code}) before it called {operation}"
        return code

    @contextmanager
    def db(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working DuckDB file, between runs (never while a run is going)."""
        conn = warehouse.connect(str(self.warehouse_path))
        try:
            yield conn
        finally:
            conn.close()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, params or []).fetchall()

    # ---------------------------------------------------------------------------------------- reads

    def shopify_stock(self, code: str, pair: int = 0) -> int | None:
        """``available`` of the variant with SKU ``code`` at the pair's location (``None``: not stocked there)."""
        variant = self.shopify.state.variant_by_sku(code)
        if variant is None:
            return None
        level = self.shopify.state.level(variant.inventory_item_id, self.shopify.location(pair).id)
        return None if level is None else level.quantities["available"]

    def smaregi_stock(self, code: str, pair: int = 0) -> int | None:
        return self.smaregi.stock_of(code, self.store_id(pair))

    def stock(self, code: str, pair: int = 0) -> tuple[int | None, int | None]:
        """(Smaregi, Shopify) counts at one pair."""
        return self.smaregi_stock(code, pair), self.shopify_stock(code, pair)

    def shopify_orders(self) -> list[Any]:
        """The sandbox's orders (state objects: ``source_name``, ``source_identifier``, ``tags``,
        ``line_items``, ``refund_ids``, ``financial_status``…), oldest first."""
        with self.shopify.state.lock:
            return sorted(self.shopify.state.orders.values(), key=lambda o: o.id)

    def shopify_order(self, gid: str) -> Any:
        return self.shopify.state.orders[int(gid.rsplit("/", 1)[1])]

    def orders_mirroring(self, transaction_head_id: str) -> list[Any]:
        identifier = markers.order_source_identifier(self.contract_id, transaction_head_id)
        return [o for o in self.shopify_orders() if o.source_identifier == identifier]

    def shopify_refunds(self, order: Any | None = None) -> list[Any]:
        with self.shopify.state.lock:
            refunds = sorted(self.shopify.state.refunds.values(), key=lambda r: r.id)
        return [r for r in refunds if order is None or r.order_id == order.id]

    def smaregi_transactions(self) -> list[dict[str, Any]]:
        """Every transaction head with its ``details``, oldest first."""
        state = self.smaregi.state
        with state.lock:
            heads = [
                {**head, "details": list(state.details.get(tid, []))}
                for tid, head in state.transactions.items()
            ]
        return sorted(heads, key=lambda h: int(h["transactionHeadId"]))

    def transactions_with_memo(self, kind: str, shopify_gid: str) -> list[dict[str, Any]]:
        memo = markers.transaction_memo(kind, shopify_gid)
        return [t for t in self.smaregi_transactions() if (t.get("memo") or "") == memo]

    def audit_rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.db() as conn:
            frame = conn.execute(
                "SELECT * FROM sync.audit WHERE ? IS NULL OR kind = ? ORDER BY 1", [kind, kind]
            ).fetchdf()
        return frame.to_dict("records")  # type: ignore[return-value]

    def ledger_counts(self) -> dict[str, int]:
        return dict(self.query("SELECT status, count(*) FROM sync.ledger GROUP BY status"))  # type: ignore[arg-type]

    def plan_row_counts(self) -> dict[str, int]:
        """Rows of every ``plan.*_plan`` table (the changes planned by the latest run)."""
        tables = [
            name
            for (name,) in self.query(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'plan' AND table_name LIKE '%\\_plan' ESCAPE '\\' ORDER BY 1"
            )
        ]
        return {name: int(self.query(f'SELECT count(*) FROM plan."{name}"')[0][0]) for name in tables}

    # ---------------------------------------------------------------------------------------- actions

    def _tracked(self, code: str) -> bool:
        return code in self.linked_codes

    def _move(self, code: str, pair: int, delta: int) -> None:
        if self._tracked(code) and pair < self.pair_count:
            self.expected[(code, pair)] += delta

    def pos_sale(self, lines: list[tuple[str, int]], pair: int = 0) -> str:
        """A register sale at the pair's store; returns its transactionHeadId."""
        head_id = self.smaregi.ring_up_sale(self.store_id(pair), lines)
        self.recorded.pos_sales.append(head_id)
        for code, quantity in lines:
            self._move(code, pair, -quantity)
        return head_id

    def smaregi_return(self, sale_id: str, lines: list[tuple[str, int]] | None = None) -> str:
        """A line return at the register from a sale's receipt (all lines when ``lines`` is None)."""
        pair = self._pair_of_store(self.smaregi.state.transactions[sale_id]["storeId"])
        returned = lines if lines is not None else self._sale_lines(sale_id)
        head_id = self.smaregi.register_return(sale_id, lines)
        self.recorded.smaregi_refunds.append((head_id, "return"))
        for code, quantity in returned:
            self._move(code, pair, quantity)
        return head_id

    def smaregi_void(self, sale_id: str) -> None:
        pair = self._pair_of_store(self.smaregi.state.transactions[sale_id]["storeId"])
        self.smaregi.register_void(sale_id)
        self.recorded.smaregi_refunds.append((sale_id, "void"))
        for code, quantity in self._sale_lines(sale_id):
            self._move(code, pair, quantity)

    def smaregi_reversal(self, sale_id: str) -> str:
        """打消: the sale is disposed and a negative reversal record is created; returns the record's id."""
        pair = self._pair_of_store(self.smaregi.state.transactions[sale_id]["storeId"])
        record_id = self.smaregi.register_dispose(sale_id)
        self.recorded.smaregi_refunds.append((record_id, "reversal"))
        for code, quantity in self._sale_lines(sale_id):
            self._move(code, pair, quantity)
        return record_id

    def online_order(
        self,
        lines: list[tuple[str, int]],
        *,
        shipping: int | None = None,
        pair: int = 0,
        fulfilled: bool = False,
    ) -> str:
        """A storefront checkout taking stock at the pair's location; returns the order gid."""
        order_id = self.shopify.storefront_sale(lines, location=pair, shipping=shipping, fulfilled=fulfilled)
        self.recorded.online_orders.append(order_id)
        for code, quantity in lines:
            self._move(code, pair, -quantity)
        return order_id

    def shopify_refund(
        self, order_id: str, lines: list[tuple[str, int]], restock_type: str = "RETURN", pair: int = 0
    ) -> str:
        """A merchant refund in the Shopify admin of (SKU, quantity) lines; returns the refund gid."""
        order = self.shopify_order(order_id)
        items = []
        for code, quantity in lines:
            line = next(li for li in order.line_items if li.sku == code)
            item: dict[str, Any] = {
                "lineItemId": f"gid://shopify/LineItem/{line.id}",
                "quantity": quantity,
                "restockType": restock_type,
            }
            if restock_type in RESTOCKING:
                item["locationId"] = self.location_id(pair)
            items.append(item)
        key = f"merchant-refund-{order.id}-{len(self.shopify_refunds()) + 1}"
        answer = self.shopify.graphql(
            REFUND_MUTATION, {"input": {"orderId": order_id, "refundLineItems": items}, "key": key}
        )
        payload = (answer.body.get("data") or {}).get("refundCreate") or {}
        if answer.body.get("errors") or payload.get("userErrors") or not payload.get("refund"):
            raise AssertionError(f"merchant refund refused: {answer.body}")
        refund_id: str = payload["refund"]["id"]
        self.recorded.shopify_refunds.append(refund_id)
        if restock_type in RESTOCKING:
            for code, quantity in lines:
                self._move(code, pair, quantity)
        return refund_id

    def manual_edit(self, platform: str, code: str, count: int, pair: int = 0) -> None:
        """A merchant sets a count by hand: on the primary it is the new truth, on the secondary it is
        overwritten by the next stock push (S1, S2, S3)."""
        if platform == "shopify":
            self.shopify.manual_stock_edit(code, pair, count)
        else:
            self.smaregi.stock_count(code, self.store_id(pair), count)
        if platform == self.primary and self._tracked(code):
            self.expected[(code, pair)] = count

    def expect_stock(self, code: str, pair: int, count: int) -> None:
        """Override the expected count (e.g. a product linked during the scenario)."""
        self.expected[(code, pair)] = count

    def add_unlinked_smaregi_product(
        self, code: str = W_CODE, title: str = W_TITLE, price: int = W_PRICE
    ) -> str:
        """A Smaregi product with no Shopify partner yet (D9's W), 10% goods; returns its productId."""
        category_id = next(
            c["categoryId"] for c in self.smaregi.state.categories.values() if c["categoryCode"] == "03"
        )
        product = self.smaregi.product_create(
            {
                "categoryId": category_id,
                "productCode": code,
                "productName": title,
                "price": str(price),
                "taxDivision": "0",
            }
        )
        return str(product["productId"])

    def _sale_lines(self, sale_id: str) -> list[tuple[str, int]]:
        state = self.smaregi.state
        lines = []
        for detail in state.details.get(sale_id, []):
            code = detail.get("productCode") or state.products.get(detail.get("productId", ""), {}).get(
                "productCode"
            )
            lines.append((str(code), int(detail["quantity"])))
        return lines

    def _pair_of_store(self, store_id: str) -> int:
        return int(store_id) - 1

    # ---------------------------------------------------------------------------------------- invariants

    def assert_stock(self, code: str, pair: int, count: int) -> None:
        assert self.stock(code, pair) == (count, count), (
            f"{code} at pair {pair}: (Smaregi, Shopify) = {self.stock(code, pair)}, expected both {count}"
        )

    def assert_invariants(self) -> None:
        """The sync's invariants 1–4 over the sandboxes' final state and what the scenario recorded."""
        self._assert_exactly_once()
        self._assert_no_lost_sale()
        self._assert_no_echo()
        self._assert_convergence()

    def _assert_exactly_once(self) -> None:
        orders = self.shopify_orders()
        identifiers = Counter(o.source_identifier for o in orders if o.source_identifier)
        duplicated = {k: n for k, n in identifiers.items() if n > 1}
        assert not duplicated, f"Smaregi sales mirrored more than once: {duplicated}"
        for sale_id in self.recorded.pos_sales:
            found = self.orders_mirroring(sale_id)
            assert len(found) == 1, f"POS sale {sale_id} has {len(found)} Shopify orders, expected 1"
        notes = Counter(r.note for r in self.shopify_refunds() if r.note)
        for head_id, event in self.recorded.smaregi_refunds:
            note = markers.refund_note(self.contract_id, head_id, event)
            assert notes[note] == 1, (
                f"Smaregi {event} {head_id} has {notes[note]} Shopify refunds, expected 1"
            )
        memos = Counter(
            t.get("memo")
            for t in self.smaregi_transactions()
            if t.get("memo") and t.get("disposeDivision") != "2"  # a reversal record copies its sale's memo
        )
        for marker, count in memos.items():
            if markers.transaction_is_ours(marker):
                assert count == 1, f"Smaregi has {count} transactions with memo {marker!r}"
        for order_id in self.recorded.online_orders:
            memo = markers.transaction_memo("order", order_id)
            assert memos[memo] == 1, f"online order {order_id} has {memos[memo]} Smaregi sales, expected 1"
        for refund_id in self.recorded.shopify_refunds:
            memo = markers.transaction_memo("refund", refund_id)
            assert memos[memo] == 1, (
                f"Shopify refund {refund_id} has {memos[memo]} Smaregi returns, expected 1"
            )

    def _assert_no_lost_sale(self) -> None:
        for (code, pair), count in sorted(self.expected.items()):
            assert self.stock(code, pair) == (count, count), (
                f"{code} at pair {pair}: (Smaregi, Shopify) = {self.stock(code, pair)}, expected both {count} "
                "(initial − sales + restocks)"
            )

    def _assert_no_echo(self) -> None:
        ours = {
            o.id
            for o in self.shopify_orders()
            if markers.order_is_ours(o.source_name, o.source_identifier, tuple(o.tags))
        }
        for txn in self.smaregi_transactions():
            source = markers.transaction_source(txn.get("memo"))
            if source is not None and source.kind == "order":
                assert int(source.shopify_id) not in ours, (
                    f"Smaregi transaction {txn['transactionHeadId']} mirrors our own Shopify order {source.shopify_id}"
                )
        our_refunds = {r.id for r in self.shopify_refunds() if markers.refund_is_ours(r.note)}
        for txn in self.smaregi_transactions():
            source = markers.transaction_source(txn.get("memo"))
            if source is not None and source.kind == "refund":
                assert int(source.shopify_id) not in our_refunds, (
                    f"Smaregi transaction {txn['transactionHeadId']} mirrors our own Shopify refund"
                )
        ours_on_smaregi = {
            t["transactionHeadId"]
            for t in self.smaregi_transactions()
            if markers.transaction_is_ours(t.get("memo"))
        }
        for order in self.shopify_orders():
            source = markers.order_source(order.source_identifier, tuple(order.tags))
            if source is not None:
                assert source.transaction_head_id not in ours_on_smaregi, (
                    f"Shopify order {order.id} mirrors our own Smaregi transaction {source.transaction_head_id}"
                )

    def linked_stock(
        self, smaregi_product_id: str, shopify_variant_id: str, pair: int = 0
    ) -> tuple[int | None, int | None]:
        """(Smaregi, Shopify) counts of a linked pair at one location pair, read by id: the two sides' codes may
        be spelled differently (one match key)."""
        variant = self.shopify.variant(shopify_variant_id)
        level = self.shopify.state.level(variant.inventory_item_id, self.shopify.location(pair).id)
        shopify = None if level is None else level.quantities["available"]
        return self.smaregi.stock_of(smaregi_product_id, self.store_id(pair)), shopify

    def _assert_convergence(self) -> None:
        links = self.query(
            "SELECT product_code, smaregi_product_id, shopify_variant_id FROM core.product_links ORDER BY 1"
        )
        assert links, "no linked product at all"
        for code, product_id, variant_id in links:
            for pair in range(self.pair_count):
                smaregi, shopify = self.linked_stock(product_id, variant_id, pair)
                assert (smaregi or 0) == (shopify or 0), (
                    f"linked {code} at pair {pair} did not converge: Smaregi {smaregi}, Shopify {shopify}"
                )

    def assert_settled(self) -> None:
        """How every scenario ends: the invariants hold, a second run plans nothing, and they still hold after it."""
        self.assert_invariants()
        self.assert_second_run_plans_nothing()
        self.assert_invariants()

    def assert_second_run_plans_nothing(self) -> dg.ExecuteInProcessResult:
        """Run once more: no ``plan.*`` row, no new ledger row, no new document on either side."""
        ledger_before = self.ledger_counts()
        orders_before = len(self.shopify_orders())
        refunds_before = len(self.shopify_refunds())
        transactions_before = len(self.smaregi_transactions())
        result = self.run_full_sync()
        planned = {name: n for name, n in self.plan_row_counts().items() if n}
        assert not planned, f"the second run planned changes: {planned}"
        assert sum(self.ledger_counts().values()) == sum(ledger_before.values()), (
            f"the second run began ledger rows: {ledger_before} → {self.ledger_counts()}"
        )
        assert len(self.shopify_orders()) == orders_before
        assert len(self.shopify_refunds()) == refunds_before
        assert len(self.smaregi_transactions()) == transactions_before
        return result


ScenarioFactory = Callable[..., ScenarioHarness]


@dataclass(frozen=True)
class Baseline:
    """Both sandboxes' states and the working files right after a baseline sync, with the sandboxes' clocks."""

    shopify: str
    smaregi: str
    """The states as JSON text: every restore loads its own copy."""
    shopify_now: datetime
    smaregi_now: datetime
    files: Path


class Baselines:
    """Baseline syncs taken once per worker and restored for every scenario that starts from the same one.

    A scenario's baseline depends only on the primary, the number of pairs, the delete policy and the rules
    (never on faults: a scenario with a fault plan always runs its own). Restoring loads the sandboxes' states,
    moves their clocks to at least where the baseline left them (so every later change is stamped after the
    working file's cursors) and copies the working files.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.taken: dict[str, Baseline] = {}

    @staticmethod
    def key(primary: str, locations: int, delete_policy: str, rules: dict[str, Any]) -> str:
        return json.dumps([primary, locations, delete_policy, sorted(rules.items())], default=str)

    def take(self, key: str, harness: ScenarioHarness) -> None:
        files = self.root / f"baseline{len(self.taken)}"
        shutil.copytree(harness.data_dir, files)
        self.taken[key] = Baseline(
            shopify=json.dumps(harness.shopify.snapshot(), ensure_ascii=False),
            smaregi=json.dumps(harness.smaregi.snapshot(), ensure_ascii=False),
            shopify_now=harness.shopify.clock.now(),
            smaregi_now=harness.smaregi.clock.now(),
            files=files,
        )

    def restore(self, key: str, pair: SandboxPair, data_dir: Path) -> bool:
        baseline = self.taken.get(key)
        if baseline is None:
            return False
        for sandbox, state, now in (
            (pair.shopify, baseline.shopify, baseline.shopify_now),
            (pair.smaregi, baseline.smaregi, baseline.smaregi_now),
        ):
            sandbox.load(json.loads(state))
            behind = (now - sandbox.clock.now()).total_seconds()
            if behind > 0:
                sandbox.clock.advance(behind)
        shutil.copytree(baseline.files, data_dir, dirs_exist_ok=True)
        return True


PRIMARIES = pytest.mark.parametrize("primary", ["smaregi", "shopify"])
"""Every scenario runs once per primary."""


@pytest.fixture
def make_scenario(tmp_path: Path, baselines: Baselines) -> Iterator[ScenarioFactory]:
    """``make_scenario(primary="smaregi", two_pairs=False, delete_policy="archive", faults=None,
    baseline=True, **rules)`` → a served, linked, baseline-synced :class:`ScenarioHarness`.

    The baseline sync of a given primary, pair count, delete policy and rules runs once per worker; later
    scenarios with the same start restore it (:class:`Baselines`). An in-memory Dagster instance keeps the
    runs' events (nothing here reads them from disk).
    """
    with ExitStack() as stack:
        instance = stack.enter_context(dg.DagsterInstance.ephemeral())
        made = 0

        def factory(
            primary: str = "smaregi",
            *,
            two_pairs: bool = False,
            delete_policy: str = "archive",
            faults: FaultPlan | None = None,
            baseline: bool = True,
            **rules: Any,
        ) -> ScenarioHarness:
            nonlocal made
            made += 1
            locations = 2 if two_pairs else 1
            catalogue = scenario_catalogue(locations)
            pair = SandboxPair(
                shopify=ShopifySandbox.create(catalogue=catalogue, faults=faults, time_scale=TIME_SCALE),
                smaregi=SmaregiSandbox.create(catalogue=catalogue, faults=faults, time_scale=TIME_SCALE),
            )
            stack.callback(pair.shopify.close)
            stack.callback(pair.smaregi.close)
            data_dir = tmp_path / f"scenario{made}"
            data_dir.mkdir()
            key = Baselines.key(primary, locations, delete_policy, rules)
            reusable = baseline and faults is None
            restored = reusable and baselines.restore(key, pair, data_dir)
            servers = stack.enter_context(pair.serve())
            harness = ScenarioHarness(
                primary=primary,
                pair=pair,
                servers=servers,
                instance=instance,
                data_dir=data_dir,
                rules={},
                pair_count=locations,
            )
            harness.rules = {
                "primary": primary,
                "location_pairs": [
                    f"{harness.store_id(i)}={harness.location_id(i)}" for i in range(locations)
                ],
                "online_store_id": harness.store_id(0),
                "delete_policy": delete_policy,
                **rules,
            }
            harness.expected = {
                (code, i): INITIAL_STOCK for code in harness.linked_codes for i in range(locations)
            }
            if baseline and not restored:
                harness.run_full_sync()
                if reusable:
                    baselines.take(key, harness)
            return harness

        yield factory


__all__ = [
    "INITIAL_STOCK",
    "PRIMARIES",
    "R_CODE",
    "R_PRICE",
    "W_CODE",
    "X_CODE",
    "X_PRICE",
    "X_TITLE",
    "Baselines",
    "ScenarioFactory",
    "ScenarioHarness",
    "make_scenario",
    "pipeline_definitions",
    "scenario_catalogue",
]
