"""The Shopify sandbox's state model: a shop's locations, products, variants, inventory, orders and refunds.

Plain dataclasses indexed by numeric id (the ``N`` of ``gid://shopify/Type/N``); dict order is id order, so
"sort by ID" needs no sorting. Everything that changes the shop runs inside :meth:`ShopState.action`: one
merchant or API action, one lock hold, one webhook event id shared by every topic it fires (the deliveries
are handed to the sink after the lock is released). Business rules (validation, userErrors) live in the
backend modules (:mod:`.products`, :mod:`.inventory`, :mod:`.orders`); this module only keeps the data
consistent.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from smapify_pipeline.sandbox.clock import SandboxClock

QUANTITY_NAMES = (
    "available",
    "committed",
    "damaged",
    "incoming",
    "quality_control",
    "reserved",
    "safety_stock",
)
"""Stored inventory states; ``on_hand`` is derived (everything physically present, i.e. all but incoming)."""
ON_HAND_PARTS = ("available", "committed", "damaged", "quality_control", "reserved", "safety_stock")
ALL_QUANTITY_NAMES = (*QUANTITY_NAMES, "on_hand")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: str, kind: str | None = None) -> int | None:
    """The numeric id of ``gid://shopify/{kind}/N`` (query string ignored), or None if it is not one."""
    if not isinstance(value, str) or not value.startswith("gid://shopify/"):
        return None
    rest = value[len("gid://shopify/") :].split("?", 1)[0]
    found_kind, _, number = rest.partition("/")
    if (kind is not None and found_kind != kind) or not number.isdigit():
        return None
    return int(number)


def gid_kind(value: str) -> str | None:
    if not isinstance(value, str) or not value.startswith("gid://shopify/"):
        return None
    return value[len("gid://shopify/") :].split("/", 1)[0]


@dataclass
class Location:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    address1: str = ""
    city: str = ""
    zip: str = ""
    province: str = ""
    country_code: str = "JP"
    active: bool = True
    fulfills_online_orders: bool = True


@dataclass
class OptionValue:
    id: int
    name: str


@dataclass
class ProductOption:
    id: int
    name: str
    position: int
    values: list[OptionValue] = field(default_factory=list)


@dataclass
class Product:
    id: int
    title: str
    handle: str
    status: str
    tags: list[str]
    product_type: str
    vendor: str
    description_html: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    options: list[ProductOption] = field(default_factory=list)
    variant_ids: list[int] = field(default_factory=list)


@dataclass
class Variant:
    id: int
    product_id: int
    inventory_item_id: int
    price: Decimal
    position: int
    created_at: datetime
    updated_at: datetime
    option_values: list[tuple[str, str]] = field(default_factory=list)
    """(option name, value) in option order; empty for the default variant."""
    barcode: str | None = None
    compare_at_price: Decimal | None = None
    taxable: bool = True
    inventory_policy: str = "DENY"

    @property
    def title(self) -> str:
        return " / ".join(value for _, value in self.option_values) or "Default Title"


@dataclass
class InventoryItem:
    id: int
    variant_id: int
    created_at: datetime
    updated_at: datetime
    sku: str | None = None
    tracked: bool = True
    requires_shipping: bool = True
    unit_cost: Decimal | None = None


@dataclass
class InventoryLevel:
    item_id: int
    location_id: int
    created_at: datetime
    updated_at: datetime
    quantities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUANTITY_NAMES, 0))

    def quantity(self, name: str) -> int:
        if name == "on_hand":
            return sum(self.quantities[n] for n in ON_HAND_PARTS)
        return self.quantities[name]


@dataclass
class InventoryChange:
    name: str
    delta: int
    item_id: int
    location_id: int
    quantity_after: int
    ledger_document_uri: str | None = None


@dataclass
class AdjustmentGroup:
    id: int
    created_at: datetime
    reason: str
    reference_document_uri: str | None
    changes: list[InventoryChange] = field(default_factory=list)


@dataclass
class TaxLine:
    title: str
    rate: Decimal
    """A fraction: 0.1 for 10%."""
    amount: Decimal
    channel_liable: bool = False


@dataclass
class DiscountApplication:
    """A discount applied to an order: a code (``orderCreate``'s ``discountCode`` or one typed at checkout), an
    automatic discount or a manual one; a fixed ``amount`` or a ``percentage``, allocated ACROSS the targets
    or on EACH of them, to all lines, the entitled ones, or the shipping lines."""

    index: int
    code: str
    """The code, or the title of an automatic or manual discount."""
    amount: Decimal | None = None
    percentage: Decimal | None = None
    kind: str = "CODE"
    """CODE, AUTOMATIC or MANUAL."""
    allocation_method: str = "ACROSS"
    target_selection: str = "ALL"
    target_type: str = "LINE_ITEM"


@dataclass
class DiscountAllocation:
    """The part of discount application ``index`` that one line carries."""

    index: int
    amount: Decimal


@dataclass
class LineItem:
    id: int
    title: str
    quantity: int
    unit_price: Decimal
    variant_id: int | None = None
    product_id: int | None = None
    sku: str | None = None
    variant_title: str | None = None
    vendor: str | None = None
    taxable: bool = True
    requires_shipping: bool = True
    tax_lines: list[TaxLine] = field(default_factory=list)
    fulfilled_quantity: int = 0
    committed_location_id: int | None = None
    """Where an order's inventory claim (``committed``) sits until fulfilment, refund or cancel."""
    committed_quantity: int = 0
    refunded_quantity: int = 0
    stock_location_id: int | None = None
    """Where the order claimed the line's units (kept after fulfilment: a cancel restocks there)."""
    discount_allocations: list[DiscountAllocation] = field(default_factory=list)

    @property
    def discount(self) -> Decimal:
        """Everything discounted from this line, over all its units."""
        return sum((a.amount for a in self.discount_allocations), Decimal(0))


@dataclass
class ShippingLine:
    id: int
    title: str
    price: Decimal
    code: str | None = None
    source: str | None = None
    tax_lines: list[TaxLine] = field(default_factory=list)
    discount_allocations: list[DiscountAllocation] = field(default_factory=list)

    @property
    def discount(self) -> Decimal:
        return sum((a.amount for a in self.discount_allocations), Decimal(0))

    @property
    def discounted_price(self) -> Decimal:
        return self.price - self.discount


@dataclass
class FulfillmentOrderLine:
    """A line item's units assigned to a fulfilment order."""

    id: int
    line_item_id: int
    total_quantity: int
    remaining_quantity: int


@dataclass
class FulfillmentOrder:
    """The units of an order one location is to fulfil (Shopify makes one per assigned location)."""

    id: int
    order_id: int
    location_id: int
    created_at: datetime
    updated_at: datetime
    status: str = "OPEN"
    """OPEN, IN_PROGRESS, CLOSED (everything fulfilled or moved away) or CANCELLED."""
    lines: list[FulfillmentOrderLine] = field(default_factory=list)


@dataclass
class FulfillmentLine:
    id: int
    line_item_id: int
    fulfillment_order_line_id: int | None
    quantity: int


@dataclass
class Fulfillment:
    """Units that left a location for the buyer."""

    id: int
    order_id: int
    location_id: int
    created_at: datetime
    updated_at: datetime
    status: str = "SUCCESS"
    lines: list[FulfillmentLine] = field(default_factory=list)


@dataclass
class Transaction:
    id: int
    order_id: int
    kind: str
    status: str
    amount: Decimal
    created_at: datetime
    processed_at: datetime | None = None
    gateway: str | None = "manual"
    parent_id: int | None = None
    test: bool = False


@dataclass
class RefundLine:
    id: int
    line_item_id: int
    quantity: int
    restock_type: str
    location_id: int | None
    restocked: bool
    subtotal: Decimal
    total_tax: Decimal


@dataclass
class RefundShipping:
    """Shipping money a refund gave back (``Refund.refundShippingLines``), tax-included like the order."""

    id: int
    shipping_line_id: int
    amount: Decimal
    tax: Decimal


@dataclass
class OrderAdjustment:
    """The difference between what a refund's lines and shipping come to and what its transactions paid back
    (``Refund.orderAdjustments``): ``amount`` = calculated − refunded, so a goodwill refund is negative."""

    id: int
    amount: Decimal
    tax: Decimal
    reason: str


@dataclass
class Refund:
    id: int
    order_id: int
    created_at: datetime
    updated_at: datetime
    note: str | None
    lines: list[RefundLine] = field(default_factory=list)
    transaction_ids: list[int] = field(default_factory=list)
    total: Decimal = Decimal(0)
    shipping: list[RefundShipping] = field(default_factory=list)
    adjustments: list[OrderAdjustment] = field(default_factory=list)


@dataclass
class Order:
    id: int
    number: int
    name: str
    created_at: datetime
    updated_at: datetime
    processed_at: datetime
    currency: str = "JPY"
    email: str | None = None
    note: str | None = None
    source_name: str | None = None
    source_identifier: str | None = None
    tags: list[str] = field(default_factory=list)
    test: bool = False
    taxes_included: bool = True
    financial_status: str = "PAID"
    line_items: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    tax_lines: list[TaxLine] = field(default_factory=list)
    transaction_ids: list[int] = field(default_factory=list)
    refund_ids: list[int] = field(default_factory=list)
    discount_applications: list[DiscountApplication] = field(default_factory=list)
    fulfillment_order_ids: list[int] = field(default_factory=list)
    fulfillment_ids: list[int] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    closed_at: datetime | None = None


@dataclass
class DeletionEvent:
    subject_id: int
    subject_type: str
    occurred_at: datetime
    """Kept after the product is gone: the sandbox's deletion log (``deletionEvents``, products/delete)."""


@dataclass
class IdempotencyRecord:
    key: str
    fingerprint: str
    created_at: datetime
    result: Any
    """What the mutation resolver returned; a replay re-resolves it against the current state."""


@dataclass
class Shop:
    id: int = 1
    name: str = "Smapify Demo"
    email: str = "owner@smapify-demo.example"
    domain: str = "smapify-demo.myshopify.com"
    currency: str = "JPY"
    iana_timezone: str = "Asia/Tokyo"
    taxes_included: bool = True
    created_at: datetime = field(default_factory=lambda: datetime(2025, 1, 1, tzinfo=UTC))


class Action:
    """One merchant or API action: shares one webhook event id across the topics it fires."""

    def __init__(self, state: ShopState) -> None:
        self.state = state
        self.event_id = str(uuid.uuid4())
        self.events: list[tuple[str, Callable[[], dict[str, Any]]]] = []
        self.touched_levels: dict[tuple[int, int], InventoryLevel] = {}

    def emit(self, topic: str, payload: Callable[[], dict[str, Any]]) -> None:
        """Queue a webhook; ``payload`` is built when the action ends, from the final state."""
        self.events.append((topic, payload))


WebhookSink = Callable[[str, dict[str, Any], str], None]
"""(REST topic, payload, event id) -> None."""


class ShopState:
    """All objects of one shop, indexed by id, plus the id counters and the deletion log."""

    def __init__(self, clock: SandboxClock, shop: Shop | None = None) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self.sink: WebhookSink = lambda topic, payload, event_id: None
        self.reset(shop)

    def reset(self, shop: Shop | None = None) -> None:
        with self.lock:
            self.shop = shop or Shop()
            self.locations: dict[int, Location] = {}
            self.products: dict[int, Product] = {}
            self.variants: dict[int, Variant] = {}
            self.items: dict[int, InventoryItem] = {}
            self.levels: dict[int, dict[int, InventoryLevel]] = {}
            """inventory item id -> location id -> level"""
            self.orders: dict[int, Order] = {}
            self.refunds: dict[int, Refund] = {}
            self.transactions: dict[int, Transaction] = {}
            self.adjustment_groups: dict[int, AdjustmentGroup] = {}
            self.fulfillment_orders: dict[int, FulfillmentOrder] = {}
            self.fulfillments: dict[int, Fulfillment] = {}
            self.deletion_events: list[DeletionEvent] = []
            self.idempotency: dict[str, IdempotencyRecord] = {}
            self.counters: dict[str, int] = {}
            self.next_order_number = 1001
            self.line_item_owner: dict[int, int] = {}
            self._last_stamp = datetime(1970, 1, 1, tzinfo=UTC)

    # ------------------------------------------------------------------ ids and time

    def new_id(self, kind: str) -> int:
        """Ids per kind start at a kind-specific base, so ids of different kinds rarely coincide."""
        base = 1_000_000 * (1 + sum(map(ord, kind)) % 97)
        number = self.counters.get(kind, base) + 1
        self.counters[kind] = number
        return number

    def now(self) -> datetime:
        """Simulated now, to the second as Shopify's timestamps, never before an earlier stamp."""
        stamp = self.clock.now().replace(microsecond=0)
        if stamp < self._last_stamp:
            stamp = self._last_stamp
        self._last_stamp = stamp
        return stamp

    # ------------------------------------------------------------------ actions

    @contextmanager
    def action(self) -> Iterator[Action]:
        with self.lock:
            action = Action(self)
            yield action
            for level in action.touched_levels.values():
                action.emit("inventory_levels/update", _level_payload(self, level))
            deliveries = [(topic, build()) for topic, build in action.events]
        for topic, payload in deliveries:
            self.sink(topic, payload, action.event_id)

    # ------------------------------------------------------------------ lookups

    def product_variants(self, product: Product) -> list[Variant]:
        return [self.variants[v] for v in product.variant_ids]

    def item_levels(self, item_id: int) -> list[InventoryLevel]:
        return list(self.levels.get(item_id, {}).values())

    def level(self, item_id: int, location_id: int) -> InventoryLevel | None:
        return self.levels.get(item_id, {}).get(location_id)

    def location_levels(self, location_id: int) -> list[InventoryLevel]:
        return [
            by_location[location_id] for by_location in self.levels.values() if location_id in by_location
        ]

    def order_of_line_item(self, line_item_id: int) -> Order | None:
        order_id = self.line_item_owner.get(line_item_id)
        return self.orders.get(order_id) if order_id is not None else None

    def line_item(self, line_item_id: int) -> LineItem | None:
        order = self.order_of_line_item(line_item_id)
        if order is None:
            return None
        return next((li for li in order.line_items if li.id == line_item_id), None)

    def variant_by_sku(self, sku: str) -> Variant | None:
        for item in self.items.values():
            if item.sku == sku:
                return self.variants[item.variant_id]
        return None

    # ------------------------------------------------------------------ primitives

    def add_location(self, name: str, **address: Any) -> Location:
        now = self.now()
        location = Location(id=self.new_id("Location"), name=name, created_at=now, updated_at=now, **address)
        self.locations[location.id] = location
        return location

    def add_variant(self, product: Product, price: Decimal, sku: str | None, **attrs: Any) -> Variant:
        now = self.now()
        variant_id = self.new_id("ProductVariant")
        item = InventoryItem(
            id=self.new_id("InventoryItem"),
            variant_id=variant_id,
            created_at=now,
            updated_at=now,
            sku=sku,
            tracked=attrs.pop("tracked", True),
            unit_cost=attrs.pop("unit_cost", None),
        )
        variant = Variant(
            id=variant_id,
            product_id=product.id,
            inventory_item_id=item.id,
            price=price,
            position=len(product.variant_ids) + 1,
            created_at=now,
            updated_at=now,
            **attrs,
        )
        self.items[item.id] = item
        self.variants[variant.id] = variant
        product.variant_ids.append(variant.id)
        return variant

    def remove_variant(self, variant: Variant) -> None:
        product = self.products[variant.product_id]
        product.variant_ids.remove(variant.id)
        for position, vid in enumerate(product.variant_ids, start=1):
            self.variants[vid].position = position
        self.levels.pop(variant.inventory_item_id, None)
        del self.items[variant.inventory_item_id]
        del self.variants[variant.id]

    def remove_product(self, product: Product) -> None:
        for variant in self.product_variants(product):
            self.remove_variant(variant)
        del self.products[product.id]
        self.deletion_events.append(DeletionEvent(product.id, "PRODUCT", self.now()))

    def activate(self, item_id: int, location_id: int) -> InventoryLevel:
        level = self.level(item_id, location_id)
        if level is None:
            now = self.now()
            level = InventoryLevel(item_id=item_id, location_id=location_id, created_at=now, updated_at=now)
            self.levels.setdefault(item_id, {})[location_id] = level
        return level

    def change_quantity(self, action: Action, level: InventoryLevel, name: str, delta: int) -> int:
        """Apply ``delta`` to a stored state (or to ``on_hand`` through ``available``); return the new value."""
        if delta:
            stored = "available" if name == "on_hand" else name
            level.quantities[stored] += delta
            level.updated_at = self.now()
            self.items[level.item_id].updated_at = level.updated_at
            if stored == "available":
                action.touched_levels[(level.item_id, level.location_id)] = level
        return level.quantity(name)

    def touch_product(self, product: Product) -> None:
        product.updated_at = self.now()

    def next_order_name(self) -> tuple[int, str]:
        number = self.next_order_number
        self.next_order_number += 1
        return number, f"#{number}"

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> dict[str, Any]:
        """The shop's objects as JSON-able data that :meth:`load` restores exactly.

        Idempotency keys are not kept (their replay results are live objects): after :meth:`load` every key
        is new. Subscriptions, bulk operations and tokens belong to the sandbox, not the state.
        """
        with self.lock:
            data = {name: getattr(self, name) for name in _PERSISTED}
            data["_last_stamp"] = self._last_stamp
            return _encode(data)  # type: ignore[no-any-return]

    def load(self, snapshot: dict[str, Any]) -> None:
        data = _decode(snapshot)
        with self.lock:
            self.reset(data["shop"])
            for name in _PERSISTED:
                if name in data:  # snapshots saved before a kind existed load without it
                    setattr(self, name, data[name])
            self._last_stamp = data["_last_stamp"]
            self.idempotency = {}


def _level_payload(state: ShopState, level: InventoryLevel) -> Callable[[], dict[str, Any]]:
    from smapify_pipeline.sandbox.shopify.payloads import inventory_level_payload

    return lambda: inventory_level_payload(state, level)


_PERSISTED = (
    "shop",
    "locations",
    "products",
    "variants",
    "items",
    "levels",
    "orders",
    "refunds",
    "transactions",
    "adjustment_groups",
    "fulfillment_orders",
    "fulfillments",
    "deletion_events",
    "counters",
    "next_order_number",
    "line_item_owner",
)

_CLASSES = {
    cls.__name__: cls
    for cls in (
        Shop,
        Location,
        OptionValue,
        ProductOption,
        Product,
        Variant,
        InventoryItem,
        InventoryLevel,
        InventoryChange,
        AdjustmentGroup,
        TaxLine,
        DiscountApplication,
        DiscountAllocation,
        LineItem,
        ShippingLine,
        FulfillmentOrderLine,
        FulfillmentOrder,
        FulfillmentLine,
        Fulfillment,
        Transaction,
        RefundLine,
        RefundShipping,
        OrderAdjustment,
        Refund,
        Order,
        DeletionEvent,
    )
}


def _encode(value: Any) -> Any:
    """Dataclasses, Decimals and datetimes to JSON, tagged so that :func:`_decode` restores them."""
    if isinstance(value, Decimal):
        return {"__decimal": str(value)}
    if isinstance(value, datetime):
        return {"__datetime": value.isoformat()}
    if hasattr(value, "__dataclass_fields__"):
        return {
            "__class": type(value).__name__,
            **{f.name: _encode(getattr(value, f.name)) for f in fields(value)},
        }
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__decimal" in value:
        return Decimal(value["__decimal"])
    if "__datetime" in value:
        return datetime.fromisoformat(value["__datetime"])
    if "__class" in value:
        cls = _CLASSES[value["__class"]]
        kwargs = {k: _decode(v) for k, v in value.items() if k != "__class"}
        if cls is Variant:
            kwargs["option_values"] = [tuple(pair) for pair in kwargs["option_values"]]
        return cls(**kwargs)
    return {(int(k) if k.isdigit() else k): _decode(v) for k, v in value.items()}
