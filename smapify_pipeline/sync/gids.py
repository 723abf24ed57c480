"""Shopify global ids (``gid://shopify/Order/123``) and their numeric parts."""

from __future__ import annotations


def numeric_id(gid: str) -> str:
    """``"gid://shopify/Order/123"`` → ``"123"``; a bare number is returned as is; query strings are dropped."""
    tail = gid.rsplit("/", 1)[-1].split("?", 1)[0]
    if not tail.isdigit():
        raise ValueError(f"not a Shopify id: {gid!r}")
    return tail


def shopify_gid(resource: str, number: str | int) -> str:
    """``("Order", 123)`` → ``"gid://shopify/Order/123"``."""
    text = str(number)
    if not text.isdigit():
        raise ValueError(f"not a numeric id: {number!r}")
    return f"gid://shopify/{resource}/{text}"
