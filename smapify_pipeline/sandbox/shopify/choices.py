"""Behaviours of the Shopify sandbox where Shopify's documentation is unsure.

Each choice is the most plausible reading of the sources; they are kept here, in one place, so that they
can be corrected when better evidence turns up. The module docstring of the package lists them in prose.
"""

from __future__ import annotations

# --- API versions, request ids (the wire) -------------------------------------------------------------------

API_VERSION = "2026-10"
"""The newest stable version: the sandbox behaves as this version whatever version an answer is labelled
with, and webhooks are sent as it."""

SUPPORTED_API_VERSIONS = ("2026-01", "2026-04", "2026-07", "2026-10")
"""Stable versions served as themselves, oldest first. Shopify releases one a quarter and supports each for
12 months, so four are live at a time; in December 2026 2025-10 has just been retired (October 2026) and
2026-01 is the oldest supported version."""

OLDEST_SUPPORTED_API_VERSION = SUPPORTED_API_VERSIONS[0]

RELEASE_CANDIDATE_API_VERSION = "2027-01"
"""The next quarterly version, served as itself as a release candidate (Shopify publishes one ahead)."""

UNSTABLE_API_VERSION = "unstable"

UNSERVED_VERSION_STATUS = 404
"""A well-formed version newer than the release candidate (``2030-01``) and a malformed one (``2026-05``,
``latest``) get HTTP 404 ``{"errors":"Not Found"}``, as any path Shopify does not route; a retired version
(older than the oldest supported) is served as the oldest supported one and labelled so (fall-forward)."""

REQUEST_ID_HEADER = "X-Request-Id"
"""Every answer carries a fresh UUID here, as Shopify's do (support asks for it); Smaregi documents no such
header, so its sandbox sends none."""

# --- other choices -------------------------------------------------------------------------------------------

TOKEN_LIFETIME_SECONDS = 86_399
"""Client-credentials tokens last about 24 h (INFERRED); ``expires_in`` reports this value."""

IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600
"""Idempotency keys are kept about a day; after that the same key is a new operation."""

IDEMPOTENT_MUTATIONS = frozenset({"inventorySetQuantities", "inventoryAdjustQuantities", "refundCreate"})
"""The emulated mutations that require ``@idempotent(key:)`` from 2026-04 (of Shopify's 17)."""

MISSING_IDEMPOTENCY_MESSAGE = "The @idempotent directive with a key is required for this mutation."
MISSING_IDEMPOTENCY_CODE = "BAD_REQUEST"
"""Undocumented: a mutation called without a key gets a top-level error with this code."""

KEY_MISMATCH_MESSAGE = "The same idempotency key cannot be used with different operation parameters."
"""refundCreate's userErrors have no ``code`` field, so its mismatch is a top-level error with
``extensions.code = IDEMPOTENCY_KEY_PARAMETER_MISMATCH``; the inventory mutations report it as a userError."""

CHANGE_FROM_QUANTITY_MISSING_MESSAGE = (
    "The changeFromQuantity argument must be given to each quantity (use null to skip the check)."
)
"""Omitting ``changeFromQuantity`` (2026-04+) is a userError: ``COMPARE_QUANTITY_REQUIRED`` on
inventorySetQuantities (the only "required" code of its enum), no code on inventoryAdjustQuantities."""

SERVER_ERROR_BODY = b'{"errors":"Service Unavailable"}'
"""Body of an injected HTTP 503 (Shopify's outage answers are not documented)."""

INVALID_CLIENT_BODY = {"error": "invalid_client", "error_description": "Client authentication failed."}
"""Body (HTTP 400) of a client-credentials grant with a wrong client id or secret."""

REST_MONEY_DECIMALS = 2
"""Webhook (REST) money strings carry two decimals, ``"1100.00"``, in every currency."""

PAID_ORDER_WITHOUT_TRANSACTIONS_GETS_A_SALE = True
"""orderCreate with ``financialStatus: PAID`` and no transactions records one manual SALE for the total,
so the order has something to refund against."""

FULFILMENT_TOUCHES_ORDER = True
"""Moving a fulfilment order and creating a fulfilment bump the order's ``updatedAt`` and fire
``orders/updated`` (besides Shopify's own fulfilment topics, which the sandbox does not serve), so an
incremental read of orders by ``updated_at`` sees where the units went."""

FULFILMENT_MOVES_WHOLE_LINES = True
"""``fulfillmentOrderMove`` moves whole fulfilment order lines (all their open units); a partial quantity is
refused with a user error. Shopify splits such a line; the sandbox keeps one claim location per order line."""

ORDER_CANCEL_JOB_DONE = True
"""orderCancel is applied at once; its job is reported ``done: true`` (and its 2026-10 ``jobResult``
``SUCCEEDED``)."""

ORDER_CANCEL_REFUND_NOTE = None
"""The Refund an orderCancel records carries no note (the staff note stays on the order)."""

ORDER_CANCEL_DROPS_UNRESTOCKED_CLAIMS = True
"""orderCancel with ``restock: false`` drops the order's ``committed`` claim without making the units
``available`` again (they are written off, as a NO_RESTOCK refund of an unfulfilled line does)."""

REFUND_DISCREPANCY_RECORDED = True
"""A refund whose transactions differ from what its lines and shipping come to records one
``OrderAdjustment`` with reason REFUND_DISCREPANCY and ``amount`` = calculated − refunded (a goodwill refund of
money only is negative), tax 0. A refund with no transactions at all moves no money and records none."""

REST_ORDER_ADJUSTMENT_KINDS = {"shipping": "shipping_refund", "discrepancy": "refund_discrepancy"}
"""A ``refunds/create`` payload carries refunded shipping and discrepancies as REST ``order_adjustments``
(kinds ``shipping_refund`` / ``refund_discrepancy``, amounts negative for money given back), as the REST
Refund resource does; it has no ``refund_shipping_lines`` key."""

PRODUCT_CREATE_FIRES_UPDATE = False
"""Shopify fires products/update after products/create when a product is published; the sandbox fires
only products/create, and never fires products/update for inventory-only changes."""

ACCESS_SCOPES = (
    "read_products",
    "write_products",
    "read_inventory",
    "write_inventory",
    "read_orders",
    "write_orders",
    "read_locations",
)
"""The scopes the sandbox grants every token (the static one and client-credentials ones alike)."""

APP_TITLE = "Smapify"
"""The installed app as ``currentAppInstallation.app`` names it: a custom app made in the shop's admin."""

UNMODELLED_FIELDS: dict[str, tuple[str, ...]] = {
    "the sandbox keeps no metafields, translations, events or alerts": (
        "Shop.metafield",
        "Shop.metafields",
        "Shop.translations",
        "Shop.alerts",
        "Location.metafield",
        "Location.metafields",
        "Location.metafieldDefinitions",
        "Product.metafield",
        "Product.metafields",
        "Product.metafieldDefinitions",
        "Product.translations",
        "Product.feedback",
        "ProductVariant.metafield",
        "ProductVariant.metafields",
        "ProductVariant.metafieldDefinitions",
        "ProductVariant.translations",
        "Order.metafield",
        "Order.metafields",
        "Order.metafieldDefinitions",
        "Order.events",
        "Order.alerts",
        "Order.hasTimelineComment",
        "Order.localizationExtensions",
        "Order.customAttributes",
        "AppInstallation.metafield",
        "AppInstallation.metafields",
    ),
    "no media, collections, publications, selling plans, bundles or product taxonomy": (
        "Product.media",
        "Product.mediaCount",
        "Product.featuredMedia",
        "Product.featuredImage",
        "Product.images",
        "Product.collections",
        "Product.inCollection",
        "Product.category",
        "Product.availablePublicationsCount",
        "Product.publishedInContext",
        "Product.publishedOnCurrentPublication",
        "Product.publishedOnPublication",
        "Product.resourcePublicationOnCurrentPublication",
        "Product.resourcePublications",
        "Product.resourcePublicationsCount",
        "Product.resourcePublicationsV2",
        "Product.unpublishedPublications",
        "Product.sellingPlanGroups",
        "Product.sellingPlanGroupsCount",
        "Product.requiresSellingPlan",
        "Product.hasVariantsThatRequiresComponents",
        "Product.isGiftCard",
        "Product.giftCardTemplateSuffix",
        "Product.templateSuffix",
        "Product.seo",
        "Product.onlineStoreUrl",
        "Product.onlineStorePreviewUrl",
        "ProductVariant.media",
        "ProductVariant.image",
        "ProductVariant.sellingPlanGroups",
        "ProductVariant.sellingPlanGroupsCount",
        "ProductVariant.productVariantComponents",
        "ProductVariant.requiresComponents",
        "ProductVariant.deliveryProfile",
        "ProductVariant.taxCode",
        "LineItem.image",
        "LineItem.isGiftCard",
        "LineItem.sellingPlan",
        "LineItem.contract",
        "LineItem.lineItemGroup",
    ),
    "no customs data: items carry no origin, harmonized codes or edit locks": (
        "InventoryItem.countryCodeOfOrigin",
        "InventoryItem.provinceCodeOfOrigin",
        "InventoryItem.harmonizedSystemCode",
        "InventoryItem.countryHarmonizedSystemCodes",
        "InventoryItem.inventoryHistoryUrl",
        "InventoryItem.trackedEditable",
    ),
    "inventory has no scheduled changes and levels are never deactivated": (
        "InventoryLevel.canDeactivate",
        "InventoryLevel.deactivationAlert",
        "InventoryLevel.scheduledChanges",
    ),
    "locations are the merchant's own, with no fulfilment service, pickup or deactivation": (
        "Location.activatable",
        "Location.deactivatable",
        "Location.deactivatedAt",
        "Location.deletable",
        "Location.addressVerified",
        "Location.fulfillmentService",
        "Location.isFulfillmentService",
        "Location.hasUnfulfilledOrders",
        "Location.localPickupSettingsV2",
        "Location.shipsInventory",
        "Location.suggestedAddresses",
    ),
    "no customers, addresses, staff or sales channels: orders are anonymous": (
        "Order.customer",
        "Order.customerAcceptsMarketing",
        "Order.customerJourneySummary",
        "Order.customerLocale",
        "Order.billingAddress",
        "Order.shippingAddress",
        "Order.displayAddress",
        "Order.billingAddressMatchesShippingAddress",
        "Order.phone",
        "Order.clientIp",
        "Order.app",
        "Order.merchantOfRecordApp",
        "Order.channelInformation",
        "Order.publication",
        "Order.registeredSourceUrl",
        "Order.poNumber",
        "Order.taxExempt",
        "Order.confirmationNumber",
        "Order.canNotifyCustomer",
        "LineItem.staffMember",
        "Refund.staffMember",
        "LineItem.customAttributes",
    ),
    "fulfilment orders and fulfilments have no schedule, holds, channel, tracking or delivery events": (
        "FulfillmentOrder.channelId",
        "FulfillmentOrder.fulfillAt",
        "FulfillmentOrder.fulfillBy",
        "Fulfillment.deliveredAt",
        "Fulfillment.estimatedDeliveryAt",
        "Fulfillment.inTransitAt",
        "Fulfillment.events",
        "Fulfillment.originAddress",
        "Fulfillment.service",
        "Fulfillment.shippingLabel",
        "Fulfillment.trackingInfo",
        "Order.nonFulfillableLineItems",
        "LineItem.nonFulfillableQuantity",
        "ShippingLine.requestedFulfillmentService",
        "ShippingLine.carrierIdentifier",
        "ShippingLine.deliveryCategory",
        "ShippingLine.phone",
        "ShippingLine.shippingRateHandle",
        "Order.totalWeight",
        "Order.currentTotalWeight",
    ),
    "no duties, additional fees, tips, returns, exchanges, disputes, order edits or payment terms": (
        "Order.additionalFees",
        "Order.originalTotalAdditionalFeesSet",
        "Order.currentTotalAdditionalFeesSet",
        "Order.originalTotalDutiesSet",
        "Order.currentTotalDutiesSet",
        "LineItem.duties",
        "Refund.duties",
        "Order.totalTipReceivedSet",
        "Order.returns",
        "Refund.return",
        "Order.exchangeV2s",
        "Order.disputes",
        "Order.agreements",
        "Order.edited",
        "Order.merchantEditable",
        "Order.merchantEditableErrors",
        "LineItem.merchantEditable",
        "Order.paymentTerms",
        "Order.paymentCollectionDetails",
        "Order.estimatedTaxes",
        "Order.shopifyProtect",
        "Order.cancellation",
        "Order.suggestedRefund",
        "Order.canMarkAsPaid",
        "Order.restockable",
    ),
    "payments are manual: no authorisations to capture, card details, fees or settlements": (
        "Order.capturable",
        "Order.totalCapturableSet",
        "OrderTransaction.accountNumber",
        "OrderTransaction.authorizationCode",
        "OrderTransaction.authorizationExpiresAt",
        "OrderTransaction.errorCode",
        "OrderTransaction.fees",
        "OrderTransaction.formattedGateway",
        "OrderTransaction.manuallyCapturable",
        "OrderTransaction.multiCapturable",
        "OrderTransaction.maximumRefundableV2",
        "OrderTransaction.paymentDetails",
        "OrderTransaction.paymentIcon",
        "OrderTransaction.paymentId",
        "OrderTransaction.receiptJson",
        "OrderTransaction.settlementCurrency",
        "OrderTransaction.settlementCurrencyRate",
        "OrderTransaction.totalUnsettledSet",
        "OrderTransaction.user",
    ),
    "refund discrepancies are kept per refund only": ("Order.refundDiscrepancySet",),
    "taxes have no source": ("TaxLine.source",),
    "the shop's settings beyond its name, currency, zone and domain are not kept": (
        "Shop.availableChannelApps",
        "Shop.channelDefinitionsForInstalledChannels",
        "Shop.checkoutApiSupported",
        "Shop.countriesInShippingZones",
        "Shop.currencyFormats",
        "Shop.currencySettings",
        "Shop.customerAccountsV2",
        "Shop.customerTags",
        "Shop.description",
        "Shop.draftOrderTags",
        "Shop.features",
        "Shop.fulfillmentServices",
        "Shop.marketingSmsConsentEnabledAtCheckout",
        "Shop.merchantApprovalSignals",
        "Shop.navigationSettings",
        "Shop.orderTags",
        "Shop.paymentSettings",
        "Shop.productTags",
        "Shop.productTypes",
        "Shop.productVendors",
        "Shop.resourceLimits",
        "Shop.search",
        "Shop.setupRequired",
        "Shop.shipsToCountries",
        "Shop.shopPolicies",
        "Shop.staffMembers",
        "Shop.storefrontAccessTokens",
        "Shop.transactionalSmsDisabled",
        "Shop.uploadedImagesByIds",
    ),
    "the app has no billing: no subscriptions, purchases, credits or attribution records": (
        "AppInstallation.activeSubscriptions",
        "AppInstallation.allSubscriptions",
        "AppInstallation.credits",
        "AppInstallation.oneTimePurchases",
        "AppInstallation.revenueAttributionRecords",
        "AppInstallation.publication",
        "AppInstallation.uninstallUrl",
    ),
}
"""Fields served with no behaviour behind them, by why: each answers what a shop without that feature
answers (null, an empty list or connection, zero money in the shop currency, ``false``, ``0``). A type
reached only through these fields (customers, addresses, fulfilments, media, …) is served the same way
in every field (:func:`.schema.load_schema`)."""
