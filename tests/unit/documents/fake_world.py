"""Both platforms as plain records for plan-level tests: merchant events change them, the real document plans
plan against a snapshot of them (what an extract would read), and a fake push applies the plan rows in
dependency order through a fake ledger, with the platforms' own checks (no refund beyond what is refundable,
no refund of an order that does not exist) and their stock effects.

One linked product X (¥1,100, 10 %) at one location pair; 10 units on each side to start with.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from smapify_pipeline.documents import same_run
from smapify_pipeline.documents.plan import (
    SHOPIFY_ORDER,
    SHOPIFY_REFUND,
    SHOPIFY_STOCK_ADJUST,
    SMAREGI_STOCK_ADD,
    SMAREGI_TRANSACTION,
    DocumentState,
    plan_orders,
    plan_refunds,
)
from smapify_pipeline.documents.smaregi_totals import TaxDivision
from smapify_pipeline.sync import markers
from smapify_pipeline.sync.plan import PlanRow
from smapify_pipeline.sync.push import in_dependency_order
from smapify_pipeline.sync.records import (
    Links,
    ShopifyOrder,
    ShopifyOrderLine,
    ShopifyRefund,
    ShopifyRefundLine,
    SmaregiLine,
    SmaregiTransaction,
    SyncContext,
    VariantLink,
)

CONTRACT = "c1"
STORE = "1"
LOCATION = "gid://shopify/Location/1"
PRODUCT = "101"
CODE = "4901234567894"
VARIANT = "gid://shopify/ProductVariant/11"
ITEM = "gid://shopify/InventoryItem/21"
PRICE = 1100
INITIAL = 10
AT = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
CTX = SyncContext(CONTRACT, ((STORE, LOCATION),), STORE)
LINKS = Links.of([VariantLink(PRODUCT, CODE, VARIANT, ITEM)])


def _line(quantity: int, detail_id: str = "1", division: str = "1") -> SmaregiLine:
    return SmaregiLine(
        detail_id=detail_id,
        product_id=PRODUCT,
        product_code=CODE,
        product_name="X",
        sales_price=PRICE,
        quantity=quantity,
        tax_rate=10,
        unit_discount=0,
        detail_division=division,
        tax_division=TaxDivision.INCLUDED,
    )


def _tax(total: int) -> int:
    return total * 10 // 110


@dataclass
class World:
    smaregi: dict[str, SmaregiTransaction] = field(default_factory=dict)
    orders: dict[str, ShopifyOrder] = field(default_factory=dict)
    refunds: list[ShopifyRefund] = field(default_factory=list)
    ledger: dict[str, str] = field(default_factory=dict)
    """Applied ledger key → remote id."""
    stock: Counter[str] = field(default_factory=lambda: Counter(smaregi=INITIAL, shopify=INITIAL))
    refunded: Counter[str] = field(default_factory=Counter)
    """Money refunded per Shopify order id (our refunds and the merchant's)."""
    writes: list[str] = field(default_factory=list)
    next_id: int = 100

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    # --- merchant events ---------------------------------------------------------------------------------

    def pos_sale(self, quantity: int = 2) -> str:
        head = str(self._id())
        total = PRICE * quantity
        self.smaregi[head] = SmaregiTransaction(
            head, STORE, AT, (_line(quantity),), subtotal=total, total=total, tax_include=_tax(total)
        )
        self.stock["smaregi"] -= quantity
        return head

    def line_return(self, sale: str, quantity: int = 1) -> str:
        head = str(self._id())
        total = -PRICE * quantity
        self.smaregi[head] = SmaregiTransaction(
            head,
            STORE,
            AT,
            (_line(-quantity, division="2"),),
            subtotal=total,
            total=total,
            tax_include=-_tax(-total),
            dispose_server_transaction_head_id=sale,
        )
        self.stock["smaregi"] += quantity
        return head

    def void(self, sale: str) -> str:
        self.smaregi[sale] = replace(self.smaregi[sale], cancel_division="1")
        self.stock["smaregi"] += sum(line.quantity for line in self.smaregi[sale].lines)
        return sale

    def reversal(self, sale: str) -> str:
        original = self.smaregi[sale]
        self.smaregi[sale] = replace(original, dispose_division="1")
        head = str(self._id())
        self.smaregi[head] = replace(
            original,
            transaction_head_id=head,
            lines=tuple(replace(line, quantity=-line.quantity) for line in original.lines),
            subtotal=-original.subtotal,
            total=-original.total,
            tax_include=None if original.tax_include is None else -original.tax_include,
            dispose_division="2",
            dispose_server_transaction_head_id=sale,
        )
        self.stock["smaregi"] += sum(line.quantity for line in original.lines)
        return head

    def online_order(self, quantity: int = 1) -> str:
        number = self._id()
        order_id = f"gid://shopify/Order/{number}"
        line = ShopifyOrderLine(
            f"gid://shopify/LineItem/{number}",
            VARIANT,
            CODE,
            "X",
            quantity,
            PRICE,
            PRICE * quantity,
            10,
            quantity,
        )
        self.orders[order_id] = ShopifyOrder(
            order_id, AT, (line,), source_name="web", refundable_amount=PRICE * quantity
        )
        self.stock["shopify"] -= quantity
        return order_id

    def shopify_refund(self, order_id: str, quantity: int = 1) -> str:
        order = self.orders[order_id]
        line = order.lines[0]
        refund_id = f"gid://shopify/Refund/{self._id()}"
        self._refund(order, {line.line_item_id: quantity}, PRICE * quantity)
        self.refunds.append(
            ShopifyRefund(
                refund_id,
                order_id,
                AT,
                (ShopifyRefundLine(line.line_item_id, quantity, "RETURN", LOCATION, PRICE * quantity),),
            )
        )
        self.stock["shopify"] += quantity
        return refund_id

    # --- what an extract reads ------------------------------------------------------------------------------

    def state(self) -> DocumentState:
        prefix = f"smaregi:{CONTRACT}:txn:"
        mirrored = {
            key[len(prefix) : -len(":order")]: remote
            for key, remote in self.ledger.items()
            if key.startswith(prefix) and key.endswith(":order")
        }
        return DocumentState(
            ctx=CTX,
            links=LINKS,
            smaregi=sorted(self.smaregi.values(), key=lambda t: int(t.transaction_head_id)),
            shopify_orders=dict(self.orders),
            shopify_refunds=list(self.refunds),
            applied=frozenset(self.ledger),
            mirrored_sales=mirrored,
        )

    # --- one sync run --------------------------------------------------------------------------------------

    def sync(self) -> list[PlanRow]:
        """Plan against a snapshot, then push: orders first, then refunds, each in dependency order; a row
        whose dependency is not applied waits. Returns the planned rows."""
        snapshot = self.state()
        order_rows = plan_orders(snapshot).rows
        refund_rows = plan_refunds(snapshot).rows
        for rows in (order_rows, refund_rows):
            ordered = sorted(rows, key=lambda r: (r.depends_on is not None, r.source, r.key))
            for row in in_dependency_order(ordered):
                if row.key in self.ledger or (row.depends_on and row.depends_on not in self.ledger):
                    continue
                self.ledger[row.key] = self._apply(row)
                self.writes.append(row.key)
        return order_rows + refund_rows

    def _apply(self, row: PlanRow) -> str:
        payload: dict[str, Any] = dict(row.payload)
        if row.kind == SHOPIFY_ORDER:
            return self._create_order(payload["variables"]["order"])
        if row.kind == SHOPIFY_STOCK_ADJUST:
            self._shopify_changes(payload["changes"])
            return "adjustment"
        if row.kind == SHOPIFY_REFUND:
            return self._refund_create(payload)
        if row.kind == SMAREGI_TRANSACTION:
            return self._post_transaction(payload["body"])
        if row.kind == SMAREGI_STOCK_ADD:
            assert payload["path"] == f"/stock/{PRODUCT}/add" and payload["body"]["storeId"] == STORE
            self.stock["smaregi"] += int(payload["body"]["stockAmount"])
            return "add"
        raise AssertionError(f"unknown row kind {row.kind}")

    def _shopify_changes(self, changes: list[dict[str, Any]]) -> None:
        for change in changes:
            assert (change["inventoryItemId"], change["locationId"]) == (ITEM, LOCATION)
            self.stock["shopify"] += int(change["delta"])

    def _create_order(self, order: dict[str, Any]) -> str:
        number = self._id()
        order_id = f"gid://shopify/Order/{number}"
        lines = []
        total = 0
        for index, item in enumerate(order["lineItems"]):
            quantity = int(item["quantity"])
            unit = int(item["priceSet"]["shopMoney"]["amount"])
            total += unit * quantity
            variant = item.get("variantId")
            lines.append(
                ShopifyOrderLine(
                    f"gid://shopify/LineItem/{number}{index}",
                    variant,
                    CODE if variant == VARIANT else item.get("sku"),
                    item.get("title") or "X",
                    quantity,
                    unit,
                    unit * quantity,
                    10,
                    quantity,
                )
            )
        self.orders[order_id] = ShopifyOrder(
            order_id,
            AT,
            tuple(lines),
            source_name=order["sourceName"],
            source_identifier=order["sourceIdentifier"],
            tags=tuple(order["tags"]),
            refundable_amount=total,
        )
        return order_id

    def _refund_create(self, payload: dict[str, Any]) -> str:
        order_key = payload.get("order_key")
        if order_key:
            payload = same_run.fill_order_id(
                payload, same_run.pending_order_id(order_key), self.ledger[order_key]
            )
        refund_input = payload["variables"]["input"]
        order = self.orders.get(refund_input["orderId"])
        assert order is not None, f"refund of an order that does not exist: {refund_input['orderId']}"
        if payload.get("pending_lines"):
            nodes = [
                {"id": li.line_item_id, "sku": li.sku, "variant": {"id": li.variant_id}} for li in order.lines
            ]
            ids = same_run.resolve_line_ids(payload["pending_lines"], nodes)
            for item in refund_input["refundLineItems"]:
                item["lineItemId"] = ids.get(item["lineItemId"], item["lineItemId"])
        quantities = {item["lineItemId"]: int(item["quantity"]) for item in refund_input["refundLineItems"]}
        self._refund(order, quantities, int(payload["amount"]))
        lines = []
        for item in refund_input["refundLineItems"]:
            if item["restockType"] == "RETURN":
                assert item["locationId"] == LOCATION
                self.stock["shopify"] += int(item["quantity"])
            lines.append(
                ShopifyRefundLine(item["lineItemId"], int(item["quantity"]), item["restockType"], None, 0)
            )
        refund_id = f"gid://shopify/Refund/{self._id()}"
        self.refunds.append(
            ShopifyRefund(refund_id, order.order_id, AT, tuple(lines), note=refund_input["note"])
        )
        return refund_id

    def _refund(self, order: ShopifyOrder, quantities: dict[str, int], amount: int) -> None:
        """Shopify's checks: nothing beyond the refundable quantity or money."""
        lines = []
        for line in order.lines:
            taken = quantities.get(line.line_item_id, 0)
            assert taken <= line.remaining, (
                f"refunds {taken} of {line.remaining} refundable on {order.order_id}"
            )
            lines.append(replace(line, refundable_quantity=line.remaining - taken))
        assert set(quantities) <= {line.line_item_id for line in order.lines}
        refundable = order.refundable_amount or 0
        assert amount <= refundable, f"refunds ¥{amount} of ¥{refundable} on {order.order_id}"
        self.orders[order.order_id] = replace(
            order, lines=tuple(lines), refundable_amount=refundable - amount
        )
        self.refunded[order.order_id] += amount

    def _post_transaction(self, body: dict[str, Any]) -> str:
        head = str(self._id())
        lines = []
        for detail in body["details"]:
            quantity = int(detail["quantity"])
            lines.append(_line(quantity, detail["transactionDetailId"], detail["transactionDetailDivision"]))
            assert detail.get("productId") == PRODUCT and body["storeId"] == STORE
            self.stock["smaregi"] -= quantity
        self.smaregi[head] = SmaregiTransaction(
            head,
            body["storeId"],
            AT,
            tuple(lines),
            int(body["subtotal"]),
            int(body["total"]),
            memo=body["memo"],
        )
        return head

    # --- what the assertions read ---------------------------------------------------------------------------

    def orders_mirroring(self, sale: str) -> list[ShopifyOrder]:
        identifier = markers.order_source_identifier(CONTRACT, sale)
        return [o for o in self.orders.values() if o.source_identifier == identifier]

    def refunds_noted(self, head: str, event: str) -> list[ShopifyRefund]:
        note = markers.refund_note(CONTRACT, head, event)
        return [r for r in self.refunds if r.note == note]

    def transactions_marked(self, kind: str, shopify_id: str) -> list[SmaregiTransaction]:
        memo = markers.transaction_memo(kind, shopify_id)
        return [t for t in self.smaregi.values() if t.memo == memo]
