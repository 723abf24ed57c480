"""Which API version answers a request: the version in ``/admin/api/{version}/…`` as Shopify resolves it.

A supported stable version, the release candidate and ``unstable`` are served as themselves; a retired
quarterly version falls forward to the oldest supported one; anything else is not served (404). The
``X-Shopify-API-Version`` header of the answer names the version that served it.
"""

from __future__ import annotations

import re

from smapify_pipeline.sandbox.shopify import choices

QUARTERLY_VERSION = re.compile(r"^\d{4}-(01|04|07|10)$")


def served_version(requested: str) -> str | None:
    """The version that answers a request for ``requested``, or None when Shopify would answer 404."""
    if requested in (*choices.SUPPORTED_API_VERSIONS, choices.RELEASE_CANDIDATE_API_VERSION):
        return requested
    if requested == choices.UNSTABLE_API_VERSION:
        return requested
    if QUARTERLY_VERSION.match(requested) and requested < choices.OLDEST_SUPPORTED_API_VERSION:
        return choices.OLDEST_SUPPORTED_API_VERSION
    return None
