"""A stateful simulator of Shopify's Admin GraphQL API (answering as version 2026-10), for tests and the demo.

Build one with ``ShopifySandbox.create(...)`` (:mod:`.app`); serve ``sandbox.app`` with
:class:`~smapify_pipeline.sandbox.server.SandboxServer` or call it in-process through ``httpx.ASGITransport``.

Layout, as on the Smaregi sandbox: the backend — :mod:`.state` (the shop's objects, indexed by id), the
mutations of :mod:`.products`, :mod:`.inventory` and :mod:`.orders` (with Shopify's userErrors),
:mod:`.merchant` (storefront checkout and admin edits), :mod:`.totals` (order arithmetic),
:mod:`.idempotency`, :mod:`.seeding` — and a thin API layer: :mod:`.schema` (our own SDL,
``schema.graphql``), :mod:`.queries` (the read root fields), ``views*`` (how objects read), :mod:`.root`
(root fields, executor), :mod:`.search` (the ``query:`` syntax), :mod:`.connections` (cursor pages),
:mod:`.payloads` (webhook bodies), :mod:`.hooks` (``/_sandbox`` test hooks), and :mod:`.cost`, :mod:`.bulk`,
:mod:`.webhooks` for cost/throttling, bulk operations and signed deliveries. :mod:`.app`
(:class:`ShopifySandbox`) joins them to the shared lifecycle of ``sandbox/lifecycle.py`` and serves them on
Starlette. Behaviours chosen where Shopify's documentation is unsure are collected in :mod:`.choices` (and,
for cost, bulk and webhooks, in those modules' docstrings). The SDL serves the published field surface of every
type the pipeline touches; fields whose behaviour is not modelled are listed once in
``choices.UNMODELLED_FIELDS`` and answer what an empty shop would (:mod:`.unmodelled`).

Emulated: ``POST /admin/api/{version}/graphql.json`` with ``X-Shopify-Access-Token`` (Shopify's 401 body on a
bad token; supported versions served as themselves, a retired one as the oldest supported, an unknown or
malformed one 404, named in ``X-Shopify-API-Version``; a fresh ``X-Request-Id`` on every answer); the
client-credentials grant at ``/admin/oauth/access_token`` with 24 h tokens; legacy ``GET …/shop.json``;
queries ``shop``, ``location(s)``, ``product(s)``, ``productByHandle``, ``productsCount``,
``productVariant(s)``, ``inventoryItem(s)``, ``inventoryLevel``, ``order(s)``, ``refund``, ``deletionEvents``,
``node(s)``, ``currentAppInstallation`` (the token's access scopes), ``currentBulkOperation``, ``bulkOperation``, ``webhookSubscription(s)``; mutations
``productCreate/Update/Set/Delete``, ``productVariantsBulkCreate/Update``, ``inventoryActivate``,
``inventorySetQuantities``, ``inventoryAdjustQuantities`` (``changeFromQuantity`` compare-and-set,
``@idempotent`` keys), ``orderCreate`` (``inventoryBehaviour``, no idempotency), ``orderCancel`` (2024-04's
``refund:`` or ``refundMethod``; a Refund of what is left, its shipping and money; 2026-10's ``jobResult``),
``refundCreate`` (restock types, shipping refunds, refund discrepancies as order adjustments, over-refund
refusal, ``@idempotent``), ``fulfillmentOrderMove``,
``fulfillmentCreate``/``fulfillmentCreateV2`` (fulfilment orders per assigned location, fulfilments with their
location), the query ``fulfillmentOrders``; discounts of the storefront checkout (codes, automatic, line-level,
order-level and shipping, allocated per line and taxed after discount), ``bulkOperationRunQuery/Cancel``,
``webhookSubscriptionCreate/Delete``; connections with ``first/after/last/before`` ≤ 250, ``sortKey``,
``reverse`` and the ``query:`` search syntax; calculated query cost with a leaky bucket, ``THROTTLED`` and
``MAX_COST_EXCEEDED``; REST-shaped, HMAC-signed webhooks for orders/create, orders/updated, orders/cancelled,
refunds/create, products/create, products/update, products/delete, inventory_levels/update and
bulk_operations/finish, one event id per merchant action; seeded faults (throttle, 503, slow, dropped
connection, answer lost after the write) and a scalable clock.

Not emulated (a client relying on these would be tested against nothing):

* the rest of the Admin API: customers, draft orders, fulfilment holds, tracking and fulfilment services,
  returns, discount objects (price rules, codes as records), collections, metafields, media, markets,
  publications, ``events``, ``job`` polling, ``productOperation``, ``inventoryMoveQuantities``,
  ``inventorySetOnHandQuantities``, bulk *mutations* and staged uploads;
* the REST Admin API other than ``shop.json``, and REST's own rate limit;
* access scopes (every token may do everything), the 60-day order window without ``read_all_orders``, and
  per-app isolation (one app, one shop);
* search relevance, free-text search beyond substring matching of names/titles/SKUs, saved searches, and
  search index lag (new objects are searchable at once);
* Shopify's real (sub-linear) connection cost: the documented linear rule is used, an upper bound;
* tax calculation: orders carry the tax lines they are given (the storefront hook adds 10%/8% lines);
  duties, gift cards, currencies other than the shop's, and payment processing (transactions are
  records only);
* ``IDEMPOTENCY_CONCURRENT_REQUEST`` (calls are serialized), variant/product limits other than 2048
  variants, the trial-store order rate limit, and API version differences (every version behaves as 2026-10,
  whatever version labels the answer);
* products/update on inventory-only changes, and the products/update that follows a products/create.
"""
