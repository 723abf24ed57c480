"""The sandboxes' fixed, public credentials.

They only open the local simulators; real platforms never accept them. The pipeline uses them when the
SHOPIFY_* / SMAREGI_* credential variables are unset, which is what "unset credentials mean the sandboxes"
means in practice.
"""

SHOPIFY_SHOP_DOMAIN = "smapify-demo.myshopify.com"
SHOPIFY_ACCESS_TOKEN = "shpat_sandbox_0000000000000000"
SHOPIFY_CLIENT_ID = "sandbox-shopify-client-id"
SHOPIFY_CLIENT_SECRET = "sandbox-shopify-client-secret"
"""Also the app secret that signs webhooks (X-Shopify-Hmac-Sha256), as on Shopify."""
SHOPIFY_API_VERSION = "2026-10"
SHOPIFY_PORT = 8701

SMAREGI_CONTRACT_ID = "smapifysandbox"
SMAREGI_CLIENT_ID = "sandbox-smaregi-client-id"
SMAREGI_CLIENT_SECRET = "sandbox-smaregi-client-secret"
SMAREGI_WEBHOOK_SECRET = "sandbox-smaregi-webhook-secret"
SMAREGI_PORT = 8702
