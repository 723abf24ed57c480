"""The local sandboxes' fixed, public credentials and default ports.

They only open the local simulators; real platforms never accept them. The pipeline uses them when the
SHOPIFY_* / SMAREGI_* credential variables are unset ("unset credentials mean the sandboxes"), and the
simulators under ``sandbox/`` accept exactly these, so both sides read this one declaration.
"""

from smapify_pipeline.platforms.shopify.client import DEFAULT_API_VERSION

SHOPIFY_SHOP_DOMAIN = "smapify-demo.myshopify.com"
SHOPIFY_ACCESS_TOKEN = "shpat_sandbox_0000000000000000"
SHOPIFY_CLIENT_ID = "sandbox-shopify-client-id"
SHOPIFY_CLIENT_SECRET = "sandbox-shopify-client-secret"
"""Also the app secret that signs webhooks (X-Shopify-Hmac-Sha256), as on Shopify."""
SHOPIFY_API_VERSION = DEFAULT_API_VERSION
"""The version the sandbox serves: the one the client pins."""
SHOPIFY_PORT = 8701

SMAREGI_CONTRACT_ID = "smapifysandbox"
SMAREGI_CLIENT_ID = "sandbox-smaregi-client-id"
SMAREGI_CLIENT_SECRET = "sandbox-smaregi-client-secret"
SMAREGI_WEBHOOK_SECRET = "sandbox-smaregi-webhook-secret"
SMAREGI_PORT = 8702

WEBHOOK_RECEIVER_PORT = 8703
"""Where ``smapify webhooks serve`` listens by default (next to the two sandboxes)."""


def local_url(port: int) -> str:
    """A sandbox served on this machine."""
    return f"http://127.0.0.1:{port}"
