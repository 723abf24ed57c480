"""``currentAppInstallation``: the app the calling token belongs to, a custom app made in the shop's admin.

Every token the sandbox issues carries the same scopes (``choices.ACCESS_SCOPES``), so the installation
answers those whichever token calls.
"""

from __future__ import annotations

from typing import Any

from smapify_pipeline.platforms import sandboxes as credentials
from smapify_pipeline.sandbox.shopify.choices import ACCESS_SCOPES, API_VERSION, APP_TITLE
from smapify_pipeline.sandbox.shopify.state import ShopState, gid

APP_ID = 1


def access_scope(handle: str) -> dict[str, str]:
    """An access scope; its description is its handle in words (``read_products`` → "Read products")."""
    verb, _, resource = handle.partition("_")
    return {"handle": handle, "description": f"{verb.capitalize()} {resource.replace('_', ' ')}"}


def app(state: ShopState) -> dict[str, Any]:
    scopes = [access_scope(handle) for handle in ACCESS_SCOPES]
    return {
        "id": gid("App", APP_ID),
        "apiKey": credentials.SHOPIFY_CLIENT_ID,
        "title": APP_TITLE,
        "handle": APP_TITLE.lower(),
        "description": None,
        "developerName": state.shop.name,
        "developerType": "MERCHANT",
        "publicCategory": "CUSTOM",
        "published": False,
        "embedded": False,
        "shopifyDeveloped": False,
        "isPostPurchaseAppInUse": False,
        "previouslyInstalled": False,
        "features": [],
        "availableAccessScopes": scopes,
        "requestedAccessScopes": scopes,
        "installation": None,
        "installUrl": None,
        "appStoreAppUrl": None,
        "appStoreDeveloperUrl": None,
        "privacyPolicyUrl": None,
        "pricingDetails": None,
        "pricingDetailsSummary": "",
        "uninstallMessage": "",
        "webhookApiVersion": API_VERSION,
    }


def app_installation(state: ShopState) -> dict[str, Any]:
    return {
        "__typename": "AppInstallation",
        "id": gid("AppInstallation", APP_ID),
        "accessScopes": [access_scope(handle) for handle in ACCESS_SCOPES],
        "app": app(state),
        "launchUrl": f"https://{state.shop.domain}/admin/apps/{APP_TITLE.lower()}",
    }
