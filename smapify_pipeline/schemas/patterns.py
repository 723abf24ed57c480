"""Value patterns shared by the raw models, each with the words a quarantine reason uses for it."""

from __future__ import annotations


def shopify_gid(type_name: str) -> str:
    """``gid://shopify/{type}/{number}``; InventoryLevel ids may carry ``?inventory_item_id=…``."""
    return rf"^gid://shopify/{type_name}/\d+(\?[\w=&]+)?$"


SMAREGI_ID = r"^\d{1,15}$"
SMAREGI_STORE_ID = r"^\d{1,9}$"
SMAREGI_TERMINAL_ID = r"^[1-9][0-9]{0,8}$"
PRODUCT_CODE = r"^[ -~]{1,20}$"
"""Smaregi productCode (and the Shopify SKU/barcode that links to it): 1–20 printable ASCII characters."""

_SHOPIFY_TYPES = (
    "Product",
    "ProductVariant",
    "InventoryItem",
    "InventoryLevel",
    "Location",
    "Order",
    "LineItem",
    "Refund",
    "RefundLineItem",
)

DESCRIPTIONS: dict[str, str] = {
    **{shopify_gid(name): f"must be a gid://shopify/{name}/<number> id" for name in _SHOPIFY_TYPES},
    SMAREGI_ID: "must be a Smaregi id of 1–15 digits",
    SMAREGI_STORE_ID: "must be a Smaregi store id of 1–9 digits",
    SMAREGI_TERMINAL_ID: "must be a terminal number of 1–9 digits not starting with 0",
    PRODUCT_CODE: "must be 1–20 printable ASCII characters",
}
"""Regex -> what a value must look like, for reasons such as ``sku: must be 1–20 printable ASCII characters``."""
