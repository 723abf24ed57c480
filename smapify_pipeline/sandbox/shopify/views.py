"""How state objects read through GraphQL: the view base class and the field descriptors views are declared with.

graphql-core's default resolver reads an attribute named like the field and calls it with the field's
arguments when it is callable, so a view is the field list of its type. A view class names its GraphQL type
in its header (``class ProductView(ResourceView[Product], typename="Product")``), lists in ``stored_fields``
the fields that are the state object's same-named attribute as it is, and declares every other field with one
of the descriptors below (``tags = field("tags", sorted)``, ``publishedAt = iso_field("published_at")``,
``product = link("Product", "products", "product_id")``, ``lineItems = connection(...)``), or as a property
or method where the value takes more than a line to compute. Views are built per request and hold
references, never copies, so a page of 250 variants costs 250 small objects. :mod:`.views_catalogue` has the catalogue and inventory types,
:mod:`.views_orders` orders and refunds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, Generic, TypeVar, overload
from zoneinfo import ZoneInfo

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import context, iso, legacy_id, money_bag, search
from smapify_pipeline.sandbox.shopify.connections import paginate
from smapify_pipeline.sandbox.shopify.search import SearchField
from smapify_pipeline.sandbox.shopify.state import ShopState, gid

T = TypeVar("T")

Source = str | Callable[[Any], Any]
"""Where a field's value comes from: the name of an attribute of the state object, or a function of the view."""


def connection_page(
    info: GraphQLResolveInfo, items: list[Any], id_of: Any, args: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    """One page of ``items`` for a connection field called with ``args`` (first/after/last/before/reverse)."""
    return paginate(
        items,
        id_of=id_of,
        first=args.get("first"),
        after=args.get("after"),
        last=args.get("last"),
        before=args.get("before"),
        reverse=bool(args.get("reverse")),
        unlimited=context(info).unlimited,
        **kw,
    )


def wrap_nodes(page: dict[str, Any], view: Any) -> dict[str, Any]:
    """Put each node of a page (a state object) in its view, in ``nodes`` and in ``edges`` alike."""
    nodes = [view(n) for n in page["nodes"]]
    page["nodes"] = nodes
    for edge, node in zip(page["edges"], nodes, strict=True):
        edge["node"] = node
    return page


class Field:
    """A GraphQL field of a view: ``read(view)`` is its value whenever the resolver reads the attribute."""

    def __init__(self, read: Callable[[Any], Any]) -> None:
        self.read = read

    @overload
    def __get__(self, view: None, owner: type | None = None) -> Field: ...

    @overload
    def __get__(self, view: View[Any], owner: type | None = None) -> Any: ...

    def __get__(self, view: View[Any] | None, owner: type | None = None) -> Any:
        return self if view is None else self.read(view)


def _reader(source: Source) -> Callable[[Any], Any]:
    if isinstance(source, str):
        return lambda view: getattr(view.obj, source)
    return source


def field(source: Source, convert: Callable[[Any], Any] | None = None) -> Field:
    """A field read from the state object (``field("title")``) or computed from the view, then ``convert``ed."""
    read = _reader(source)
    if convert is None:
        return Field(read)
    return Field(lambda view: convert(read(view)))


def iso_field(attribute: str) -> Field:
    """A DateTime field: the state object's ``attribute`` as Shopify prints it, or null."""
    return field(attribute, iso)


def gid_field() -> Field:
    """The ``id`` field: the global id of the state object under the view's GraphQL type."""
    return Field(lambda view: gid(view.typename, view.obj.id))


def legacy_id_field() -> Field:
    """The ``legacyResourceId`` field: the state object's numeric id."""
    return Field(lambda view: legacy_id(view.obj.id))


def money_bag_field(source: Source) -> Field:
    """A MoneyBag field: the amount in the view's ``currency``, shop and presentment money alike."""
    read = _reader(source)
    return Field(lambda view: money_bag(read(view), view.currency))


def count_field(source: Callable[[Any], int]) -> Field:
    """A Count field: an exact number."""
    return Field(lambda view: {"count": source(view), "precision": "EXACT"})


def link(typename: str, table: str, key: str, *, optional: bool = False) -> Field:
    """A field holding another state object, ``state.<table>[obj.<key>]``, in the view of ``typename``.

    An ``optional`` link is null where the key is unset or names nothing; a required one expects its object.
    """

    def read(view: View[Any]) -> View[Any] | None:
        rows = getattr(view.state, table)
        ref = getattr(view.obj, key)
        if not optional:
            return View.of(typename)(view.state, rows[ref])
        found = rows.get(ref) if ref else None
        return View.of(typename)(view.state, found) if found else None

    return Field(read)


def _viewed(typename: str) -> Callable[[View[Any], Any], View[Any]]:
    return lambda view, child: View.of(typename)(view.state, child)


def listing(source: Source) -> Field:
    """A list field cut to its ``first`` argument."""
    items = _reader(source)

    def bind(view: View[Any]) -> Callable[..., list[Any]]:
        def resolve(info: GraphQLResolveInfo, first: int | None = None, **_: Any) -> list[Any]:
            found: list[Any] = items(view)
            return found[:first] if first is not None else found

        return resolve

    return Field(bind)


def connection(
    source: Source,
    node: str | Callable[[Any, Any], Any],
    *,
    id_of: Callable[[Any], int] = lambda child: child.id,
    presorted: bool = False,
    searched_by: dict[str, SearchField] | None = None,
    sorted_by: dict[str, Callable[[ShopState, Any], Any]] | None = None,
) -> Field:
    """A connection field over the view's children, each shown in the view of ``node`` (a GraphQL type name)
    or as ``node(view, child)`` makes it.

    The field takes the page arguments; the ``query:`` argument where ``searched_by`` names its terms, and
    the ``sortKey:`` argument where ``sorted_by`` gives each key's sort value (children sort by id otherwise).
    """
    items = _reader(source)
    show = _viewed(node) if isinstance(node, str) else node

    def bind(view: View[Any]) -> Callable[..., dict[str, Any]]:
        def resolve(
            info: GraphQLResolveInfo, query: str | None = None, sortKey: str | None = None, **args: Any
        ) -> dict[str, Any]:
            children = items(view)
            if searched_by is not None:
                children = search(info, children, query, searched_by, lambda _: ())
            sort = sorted_by.get(sortKey) if sorted_by is not None and sortKey is not None else None
            sort_value = (lambda child: sort(view.state, child)) if sort else None
            page = connection_page(info, children, id_of, args, presorted=presorted, sort_value=sort_value)
            return wrap_nodes(page, lambda child: show(view, child))

        return resolve

    return Field(bind)


class View(Generic[T]):
    """One GraphQL object over one state object: a class per GraphQL type, ``typename`` given in its header.

    ``stored_fields`` names the fields that are the state object's attribute of the same name (in
    snake_case) as they are; every other field is declared on its own. Each subclass is found again by its
    ``typename`` (:meth:`of`).
    """

    typename: ClassVar[str] = ""
    stored_fields: ClassVar[tuple[str, ...]] = ()
    _by_typename: ClassVar[dict[str, type[View[Any]]]] = {}

    id = gid_field()

    def __init__(self, state: ShopState, obj: T) -> None:
        self.state = state
        self.obj = obj

    def __init_subclass__(cls, typename: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.__dict__.get("stored_fields", ()):
            if name in cls.__dict__:
                raise TypeError(f"{cls.__name__}.{name} is both a stored field and declared")
            setattr(cls, name, field(_snake_case(name)))
        if typename:
            cls.typename = typename
            View._by_typename[typename] = cls

    @staticmethod
    def of(typename: str) -> type[View[Any]]:
        """The view class of a GraphQL type (for links declared before the class they point to)."""
        return View._by_typename[typename]


class ResourceView(View[T]):
    """A record Shopify numbers and stamps: the LegacyInteroperability id and the two timestamps."""

    legacyResourceId = legacy_id_field()
    createdAt = iso_field("created_at")
    updatedAt = iso_field("updated_at")


_CAPITAL = re.compile(r"([A-Z])")


def _snake_case(name: str) -> str:
    return _CAPITAL.sub(r"_\1", name).lower()


class ShopView:
    typename = "Shop"

    def __init__(self, state: ShopState) -> None:
        shop = state.shop
        self.id = gid("Shop", shop.id)
        self.name = shop.name
        self.email = shop.email
        self.contactEmail = shop.email
        self.myshopifyDomain = shop.domain
        self.url = f"https://{shop.domain}"
        self.currencyCode = shop.currency
        self.enabledPresentmentCurrencies = [shop.currency]
        self.ianaTimezone = shop.iana_timezone
        self.timezoneAbbreviation = "JST" if shop.iana_timezone == "Asia/Tokyo" else "UTC"
        self.taxesIncluded = shop.taxes_included
        self.taxShipping = True
        self.plan = {"displayName": "Basic", "partnerDevelopment": False, "shopifyPlus": False}
        self.createdAt = iso(shop.created_at)
        self.updatedAt = iso(shop.created_at)
        offset = state.now().astimezone(ZoneInfo(shop.iana_timezone)).utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds()) // 60
        self.timezoneOffsetMinutes = minutes
        self.timezoneOffset = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
        self.orderNumberFormatPrefix = "#"
        self.orderNumberFormatSuffix = ""
        self.customerAccounts = "DISABLED"
        self.unitSystem = "METRIC_SYSTEM"
        self.weightUnit = "KILOGRAMS"
        self.primaryDomain = {
            "id": gid("Domain", shop.id),
            "host": shop.domain,
            "url": self.url,
            "sslEnabled": True,
        }
        self.billingAddress: dict[str, Any] = {
            **dict.fromkeys(SHOP_ADDRESS_LINES),
            "id": gid("ShopAddress", shop.id),
            "coordinatesValidated": False,
            "formatted": lambda info, withCompany=True: [],
        }


SHOP_ADDRESS_LINES = (
    "address1",
    "address2",
    "city",
    "company",
    "country",
    "countryCodeV2",
    "formattedArea",
    "latitude",
    "longitude",
    "phone",
    "province",
    "provinceCode",
    "zip",
)
"""The shop keeps no address: its billing address is only an id, every line of it null."""
