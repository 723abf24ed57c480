"""How state objects read through GraphQL: the shared pieces of the view classes.

graphql-core's default resolver reads an attribute named like the field and calls it with the field's
arguments when it is a method, so each view is the field list of its type and nothing else. Views are built
per request and hold references, never copies, so a page of 250 variants costs 250 small objects.
:mod:`.views_catalogue` has the catalogue and inventory types, :mod:`.views_orders` orders and refunds.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLResolveInfo

from smapify_pipeline.sandbox.shopify.common import context, iso
from smapify_pipeline.sandbox.shopify.connections import paginate
from smapify_pipeline.sandbox.shopify.state import ShopState, gid


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


class View:
    typename = ""

    def __init__(self, state: ShopState, obj: Any) -> None:
        self.state = state
        self.obj = obj


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


def wrap_nodes(page: dict[str, Any], view: Any) -> dict[str, Any]:
    """Put each node of a page (a state object) in its view, in ``nodes`` and in ``edges`` alike."""
    nodes = [view(n) for n in page["nodes"]]
    page["nodes"] = nodes
    for edge, node in zip(page["edges"], nodes, strict=True):
        edge["node"] = node
    return page
