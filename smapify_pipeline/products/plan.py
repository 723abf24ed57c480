"""``plan.product_plan``: product creates, updates and deletions both ways (docs/architecture.md, "Products").

* **Updates**: SQL hashes each side's raw mapped values and keeps the linked pairs whose hash moved
  since the last sync (``core.product_sync_base``); :func:`smapify_pipeline.products.merge.merge_product` does
  the three-way merge of those only, so a catalogue of a million unchanged variants costs one SQL pass.
  Conflicts travel with the write to the losing side and are audited when it is applied.
  ``plan.product_base`` holds what the pair will look like once its writes are applied (the next base).
* **Creates**: products the link step left with status ``no_partner``. A Shopify product becomes one
  Smaregi product per variant (shared groupCode); a Smaregi groupCode becomes one Shopify product. The stock
  at the paired locations travels with the create.
* **Deletions**: a link whose one side is gone gets the ``delete_policy`` action on the other side
  and is then retired (never linked or created again); ``ignore`` only retires it.

Excluded products never reach here: they are not linked and not ``no_partner``.

Choices where the references are silent (kept here):

* a Smaregi product created from Shopify goes in the category named like the Shopify productType, else in the
  category with the lowest id (Smaregi requires one);
* an unlinked Smaregi product whose groupCode already has linked members still becomes a *new* Shopify product
  (adding a variant to the existing product is not done yet);
* a Shopify productType with no Smaregi category of that name is not copied to Smaregi (the other fields are).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd

from smapify_pipeline.products.bodies import (
    plan_delete,
    shopify_create_for,
    shopify_product_update,
    smaregi_creates_for,
    smaregi_product_patch,
)
from smapify_pipeline.products.fields import (
    SHOPIFY_HASH,
    SHOPIFY_SELECT,
    SMAREGI_HASH,
    SMAREGI_SELECT,
    SYNCED_FIELDS,
    ProductFields,
    ShopifyVariantSnapshot,
    SmaregiProductSnapshot,
    shopify_snapshot,
    smaregi_snapshot,
)
from smapify_pipeline.products.merge import (
    cut_audit,
    merge_product,
    shopify_cuts,
    shopify_fields,
    smaregi_fields,
)
from smapify_pipeline.products.names import NameReading, name_to_write, read_smaregi_name
from smapify_pipeline.sync import choices, keys
from smapify_pipeline.sync.audit import AuditRecord
from smapify_pipeline.sync.plan import PlanRow, replace_plan
from smapify_pipeline.sync.records import UnmappableDocument
from smapify_pipeline.warehouse.audit import AuditKind
from smapify_pipeline.warehouse.quarantine import quarantine_rows

PLAN_TABLE = "plan.product_plan"
BASE_TABLE = "plan.product_base"
QUARANTINE_SOURCE = "plan.product_plan"

_CHANGED_LINKS = f"""
WITH group_links AS (
    SELECT o.shopify_product_id, count(*) AS members
    FROM core.product_links AS o
    JOIN raw.smaregi_products AS os ON os.product_id = o.smaregi_product_id AND os.deleted_at IS NULL
    GROUP BY 1
)
SELECT {SHOPIFY_SELECT}, {SMAREGI_SELECT}, {SHOPIFY_HASH} AS shopify_hash, {SMAREGI_HASH} AS smaregi_hash,
       b.fields AS base_fields, coalesce(g.members, 1) AS group_members
FROM core.product_links AS l
LEFT JOIN group_links AS g ON g.shopify_product_id = l.shopify_product_id
JOIN raw.shopify_variants AS v ON v.variant_id = l.shopify_variant_id
JOIN raw.shopify_products AS p ON p.product_id = v.product_id
JOIN raw.smaregi_products AS s ON s.product_id = l.smaregi_product_id
LEFT JOIN raw.smaregi_categories AS c ON c.category_id = s.category_id
LEFT JOIN core.product_sync_base AS b ON b.smaregi_product_id = l.smaregi_product_id
WHERE v.deleted_at IS NULL AND p.deleted_at IS NULL AND s.deleted_at IS NULL
  AND (b.smaregi_product_id IS NULL OR b.shopify_variant_id <> l.shopify_variant_id
       OR b.shopify_hash IS DISTINCT FROM {SHOPIFY_HASH} OR b.smaregi_hash IS DISTINCT FROM {SMAREGI_HASH})
"""

_DELETED_LINKS = """
SELECT l.smaregi_product_id, l.shopify_variant_id, l.shopify_product_id, l.product_code,
       coalesce(v.deleted_at IS NOT NULL OR p.deleted_at IS NOT NULL, true) AS shopify_gone,
       coalesce(s.deleted_at IS NOT NULL, true) AS smaregi_gone,
       (SELECT count(*) FROM core.product_links AS o
        JOIN raw.shopify_variants AS ov ON ov.variant_id = o.shopify_variant_id AND ov.deleted_at IS NULL
        JOIN raw.smaregi_products AS os ON os.product_id = o.smaregi_product_id AND os.deleted_at IS NULL
        WHERE o.shopify_product_id = l.shopify_product_id AND o.smaregi_product_id <> l.smaregi_product_id
       ) AS siblings
FROM core.product_links AS l
LEFT JOIN raw.shopify_variants AS v ON v.variant_id = l.shopify_variant_id
LEFT JOIN raw.shopify_products AS p ON p.product_id = v.product_id
LEFT JOIN raw.smaregi_products AS s ON s.product_id = l.smaregi_product_id
WHERE v.deleted_at IS NOT NULL OR p.deleted_at IS NOT NULL OR s.deleted_at IS NOT NULL
   OR v.variant_id IS NULL OR s.product_id IS NULL
"""

_NEW_ON_SHOPIFY = f"""
SELECT {SHOPIFY_SELECT}
FROM core.unlinked_products AS u
JOIN raw.shopify_variants AS v ON v.variant_id = u.record_id
JOIN raw.shopify_products AS p ON p.product_id = v.product_id
WHERE u.platform = 'shopify' AND u.status = 'no_partner'
ORDER BY p.product_id, v.position NULLS LAST, v.variant_id
"""

_NEW_ON_SMAREGI = f"""
SELECT {SMAREGI_SELECT}
FROM core.unlinked_products AS u
JOIN raw.smaregi_products AS s ON s.product_id = u.record_id
LEFT JOIN raw.smaregi_categories AS c ON c.category_id = s.category_id
WHERE u.platform = 'smaregi' AND u.status = 'no_partner'
ORDER BY coalesce(s.group_code, s.product_id), s.product_id
"""

BASE_COLUMNS = (
    "smaregi_product_id",
    "shopify_variant_id",
    "fields",
    "shopify_hash",
    "smaregi_hash",
    "write_keys",
    "audit",
)


@dataclass
class ProductPlanReport:
    merged: int = 0
    conflicts: int = 0
    unmappable: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)


# --- adapters -------------------------------------------------------------------------------------------------


def fields_json(fields: ProductFields) -> str:
    return json.dumps(asdict(fields), ensure_ascii=False, default=str, sort_keys=True)


def fields_from_json(text: str | None) -> ProductFields | None:
    if not text:
        return None
    raw = json.loads(text)
    return ProductFields(code=raw["code"], **{f.name: f.load(raw.get(f.name)) for f in SYNCED_FIELDS})


# --- the plan ---------------------------------------------------------------------------------------------------


def plan_products(
    conn: duckdb.DuckDBPyConnection,
    *,
    primary: str,
    match_key: str,
    delete_policy: str,
    run_id: str | None = None,
) -> ProductPlanReport:
    """Rebuild ``plan.product_plan`` and ``plan.product_base``."""
    report = ProductPlanReport()
    plan_rows: list[PlanRow] = []
    base_rows: list[dict[str, Any]] = []
    quarantined: list[tuple[str, str, dict[str, Any]]] = []
    categories = dict(
        conn.execute(
            "SELECT category_name, min(category_id) FROM raw.smaregi_categories "
            "WHERE category_name IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    pairs = []
    for row in _records(conn, _CHANGED_LINKS):
        report.merged += 1
        try:
            pairs.append(_read_pair(row, match_key))
        except UnmappableDocument as error:
            report.unmappable += 1
            quarantined.append((f"{row['smaregi_product_id']}={row['variant_id']}", str(error), row))
    renamed = _group_renames(pairs)
    generations = _update_generations(conn)
    for pair in pairs:
        planned, base = _merge_row(pair, renamed, primary, categories, generations)
        report.conflicts += sum(
            1 for p in planned for a in (p.audit or ()) if a["kind"] == AuditKind.PRODUCT_CONFLICT
        )
        plan_rows += planned
        base_rows.append(base)
    plan_rows += _creates_from_shopify(conn, match_key, categories, quarantined)
    plan_rows += _creates_from_smaregi(conn, quarantined)
    plan_rows += _deletions(conn, delete_policy)
    report.by_kind = Counter(row.kind for row in plan_rows)
    base = pd.DataFrame(base_rows, columns=list(BASE_COLUMNS))
    replace_plan(conn, PLAN_TABLE, plan_rows, companions={BASE_TABLE: base})
    if quarantined:
        quarantine_rows(conn, QUARANTINE_SOURCE, quarantined, run_id=run_id)
    return report


@dataclass(frozen=True)
class _Pair:
    """A changed linked pair, read: both snapshots, their canonical fields, the base and the Smaregi name."""

    row: dict[str, Any]
    shopify: Any
    smaregi: Any
    shopify_fields: ProductFields
    smaregi_fields: ProductFields
    base: ProductFields | None
    name: NameReading


def _read_pair(row: dict[str, Any], match_key: str) -> _Pair:
    shopify = shopify_snapshot(row)
    smaregi = smaregi_snapshot(row)
    base = fields_from_json(row.get("base_fields"))
    on_shopify = shopify_fields(shopify, match_key)
    on_smaregi = smaregi_fields(smaregi)
    reading = read_smaregi_name(
        smaregi.product_name or "",
        on_smaregi.size,
        on_smaregi.color,
        base.title if base is not None else on_shopify.title,
        base.size if base is not None else None,
        base.color if base is not None else None,
    )
    return _Pair(row, shopify, smaregi, on_shopify, on_smaregi, base, reading)


def _group_renames(pairs: list[_Pair]) -> dict[str, str]:
    """Shopify product → new title, where every linked member of its group renamed the common part alike
    (a product with one member renames alone)."""
    by_product: dict[str, list[str | None]] = defaultdict(list)
    members: dict[str, int] = {}
    for pair in pairs:
        by_product[pair.shopify.product_id].append(pair.name.renamed_common)
        members[pair.shopify.product_id] = int(pair.row.get("group_members") or 1)
    return {
        product: names[0]
        for product, names in by_product.items()
        if names[0] is not None and len(names) >= members[product] and len(set(names)) == 1
    }


def _update_generations(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Update key prefix (one product on one side) → how many of its updates the ledger holds as applied."""
    rows = conn.execute(
        "SELECT regexp_extract(key, '^(.*:update:)', 1), count(*) FROM sync.ledger "
        "WHERE status = 'applied' AND key LIKE '%:product:%:update:%' GROUP BY 1"
    ).fetchall()
    return {prefix: int(count) for prefix, count in rows}


def _merge_row(
    pair: _Pair,
    renamed: dict[str, str],
    primary: str,
    categories: dict[str, str],
    generations: dict[str, int],
) -> tuple[list[PlanRow], dict[str, Any]]:
    row, shopify, smaregi, reading = pair.row, pair.shopify, pair.smaregi, pair.name
    notes: list[dict[str, Any]] = []
    title = renamed.get(shopify.product_id, reading.title)
    if reading.renamed_common is not None and shopify.product_id not in renamed:
        notes.append(_name_kept(pair, f"the common part was renamed to {reading.renamed_common!r} on this member "
                                      "only; the Shopify product title is left as it is"))  # fmt: skip
    elif reading.unreadable is not None:
        notes.append(_name_kept(pair, f"the variant part {reading.unreadable!r} matches no option value; "
                                      "the option values are left as they are"))  # fmt: skip
    read = replace(pair.smaregi_fields, title=title, size=reading.size, color=reading.color)
    merge = merge_product(pair.base, pair.shopify_fields, read, primary)
    result = merge.result
    conflicts = [asdict(c) for c in merge.conflicts]
    loser = "shopify" if primary == "smaregi" else "smaregi"
    rows: list[PlanRow] = []
    to_smaregi = {k: v for k, v in merge.to_smaregi.items() if k not in _NAME_PARTS}
    for name in ("size", "color"):
        if getattr(result, name) != getattr(pair.smaregi_fields, name):
            to_smaregi[name] = getattr(result, name)
    parts_changed = result.title != read.title or "size" in to_smaregi or "color" in to_smaregi
    written_name = name_to_write(
        smaregi.product_name or "",
        reading,
        result.title,
        result.size,
        result.color,
        parts_changed=parts_changed,
    )
    if written_name is not None:
        to_smaregi["title"] = written_name
    if "category" in to_smaregi and to_smaregi["category"] not in categories:
        to_smaregi.pop("category")
    if to_smaregi:
        generation = generations.get(keys.product_update_prefix("smaregi", smaregi.product_id), 0)
        key, body = smaregi_product_patch(smaregi.product_id, to_smaregi, categories, generation)
        audits = (conflicts if loser == "smaregi" else []) + _cut_audits(pair, result, to_smaregi, key)
        rows.append(
            _plan_row(
                key, "product_update", "smaregi", row, {"path": f"/products/{smaregi.product_id}", "body": body},
                audits, f"copy {sorted(to_smaregi)} to Smaregi",
            )
        )  # fmt: skip
    if merge.to_shopify:
        generation = generations.get(keys.product_update_prefix("shopify", shopify.variant_id), 0)
        update = shopify_product_update(shopify, merge.to_shopify, generation)
        payload = {"product": update.product, "variants": update.variants}
        rows.append(
            _plan_row(
                update.key, "product_update", "shopify", row, payload,
                conflicts if loser == "shopify" else None, f"copy {sorted(merge.to_shopify)} to Shopify",
            )
        )  # fmt: skip
    base_row = {
        "smaregi_product_id": smaregi.product_id,
        "shopify_variant_id": shopify.variant_id,
        "fields": fields_json(result),
        "shopify_hash": row["shopify_hash"],
        "smaregi_hash": row["smaregi_hash"],
        "write_keys": [r.key for r in rows],
        "audit": json.dumps(notes, ensure_ascii=False) if notes else None,
    }
    return rows, base_row


_NAME_PARTS = ("title", "size", "color")
"""The merged fields a Smaregi productName is made of."""


def _name_kept(pair: _Pair, why: str) -> dict[str, Any]:
    """The audit of a Smaregi name left on its member; recorded once per name (its ledger key)."""
    name = pair.smaregi.product_name or ""
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    return asdict(
        AuditRecord(
            kind=AuditKind.NAME_KEPT, entity="product", entity_key=pair.smaregi.product_id,
            location=None, old_value={"field": "productName", "value": name},
            new_value={"field": "title", "value": pair.shopify.title}, why=why,
            ledger_key=f"smaregi:product:{pair.smaregi.product_id}:name:{digest}",
        )
    )  # fmt: skip


def _cut_audits(
    pair: _Pair, result: ProductFields, to_smaregi: dict[str, Any], key: str
) -> list[dict[str, Any]]:
    """An audit per field written to Smaregi cut from a longer Shopify value."""
    audits = []
    for name, cut in shopify_cuts(pair.shopify, pair.shopify_fields).items():
        if name in to_smaregi and getattr(result, name) == cut.kept:
            audits.append(cut_audit(cut, pair.smaregi.product_id, f"{key}#cut:{name}"))
    return audits


def _plan_row(
    key: str,
    kind: str,
    target: str,
    row: dict[str, Any],
    payload: dict[str, Any],
    audit: list[dict[str, Any]] | None,
    reason: str,
) -> PlanRow:
    product, variant = row.get("smaregi_product_id"), row.get("variant_id")
    return PlanRow(
        key=key,
        kind=kind,
        target=target,
        source="shopify" if target == "smaregi" else "smaregi",
        smaregi_product_ids=(product,) if product else (),
        shopify_variant_ids=(variant,) if variant else (),
        payload=json.loads(json.dumps(payload, ensure_ascii=False, default=str)),
        audit=audit or None,
        reason=reason,
    )


def _creates_from_shopify(
    conn: duckdb.DuckDBPyConnection,
    match_key: str,
    categories: dict[str, str],
    quarantined: list[tuple[str, str, dict[str, Any]]],
) -> list[PlanRow]:
    by_product: dict[str, list[ShopifyVariantSnapshot]] = defaultdict(list)
    for row in _records(conn, _NEW_ON_SHOPIFY):
        by_product[row["shopify_product_id"]].append(shopify_snapshot(row))
    if not by_product:
        return []
    default_category = min(categories.values()) if categories else None
    stock = _shopify_stock_by_store(conn)
    rows = []
    for variants in by_product.values():
        category = categories.get((variants[0].product_type or "").strip(), default_category)
        if category is None:
            for v in variants:
                quarantined.append((v.variant_id, "no Smaregi category to create the product in", asdict(v)))
            continue
        by_code = {v.variant_id: v for v in variants}
        for create in smaregi_creates_for(variants, match_key, category):
            variant = by_code[_variant_of(create.key, variants)]
            payload = {
                "body": create.body,
                "code": create.body["productCode"],
                "shopify_variant_id": variant.variant_id,
                "shopify_product_id": variant.product_id,
                "inventory_item_id": variant.inventory_item_id,
                "stock": stock.get(variant.inventory_item_id, {}),
            }
            rows.append(
                _plan_row(
                    create.key, "product_create", "smaregi",
                    {"smaregi_product_id": None, "variant_id": variant.variant_id}, payload, list(create.cuts),
                    f"created on Shopify: create Smaregi product {create.body['productCode']}",
                )
            )  # fmt: skip
    return rows


def _variant_of(create_key: str, variants: list[ShopifyVariantSnapshot]) -> str:
    return next(
        v.variant_id for v in variants if keys.product_create_key("shopify", v.variant_id) == create_key
    )


def _creates_from_smaregi(
    conn: duckdb.DuckDBPyConnection, quarantined: list[tuple[str, str, dict[str, Any]]]
) -> list[PlanRow]:
    groups: dict[str, list[SmaregiProductSnapshot]] = defaultdict(list)
    for row in _records(conn, _NEW_ON_SMAREGI):
        snapshot = smaregi_snapshot(row)
        groups[snapshot.group_code or f"product:{snapshot.product_id}"].append(snapshot)
    if not groups:
        return []
    stock = _smaregi_stock_by_location(conn)
    rows = []
    for group in groups.values():
        try:
            create = shopify_create_for(group, stock)
        except UnmappableDocument as error:
            for product in group:
                quarantined.append((product.product_id, str(error), asdict(product)))
            continue
        payload = {
            "variables": create.variables,
            "members": [{"smaregi_product_id": p.product_id, "code": p.product_code} for p in group],
            "stock": {p.product_id: stock.get(p.product_id, {}) for p in group},
        }
        rows.append(
            _plan_row(
                create.key, "product_create", "shopify",
                {"smaregi_product_id": group[0].product_id, "variant_id": None}, payload, None,
                f"created on Smaregi: create a Shopify product for {[p.product_code for p in group]}",
            )
        )  # fmt: skip
    return rows


def _deletions(conn: duckdb.DuckDBPyConnection, policy: str) -> list[PlanRow]:
    rows = []
    for row in _records(conn, _DELETED_LINKS):
        shopify_gone, smaregi_gone = bool(row["shopify_gone"]), bool(row["smaregi_gone"])
        ids = {"smaregi_product_id": row["smaregi_product_id"], "variant_id": row["shopify_variant_id"]}
        if shopify_gone and smaregi_gone:
            key = f"link:{row['smaregi_product_id']}:unlink"
            rows.append(_plan_row(key, "product_unlink", "core", ids, {}, None, "deleted on both sides"))
            continue
        deleted_on = "shopify" if shopify_gone else "smaregi"
        target_id = row["smaregi_product_id"] if shopify_gone else row["shopify_variant_id"]
        action = plan_delete(
            deleted_on, policy, target_id, row["shopify_product_id"], siblings=int(row["siblings"] or 0)
        )
        if action is None or action.kind == "unlink":
            key = keys.product_delete_key("smaregi" if shopify_gone else "shopify", target_id, policy)
            reason = f"deleted on {deleted_on}; delete_policy {policy}: only the link ends"
            rows.append(_plan_row(key, "product_unlink", "core", ids, {}, None, reason))
            continue
        payload = _delete_request(action.kind, action.target_id, action.payload)
        reason = f"deleted on {deleted_on}; delete_policy {policy}: {action.kind} on {action.target}"
        rows.append(
            _plan_row(action.key, f"product_{action.kind}", action.target, ids, payload, None, reason)
        )
    return rows


# --- helpers ----------------------------------------------------------------------------------------------------


def _records(conn: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    frame = conn.execute(sql).fetchdf()
    frame = frame.astype(object).where(frame.notna(), None)
    return frame.to_dict("records")  # type: ignore[return-value]


def _delete_request(kind: str, target_id: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The exact request of a deletion; hiding a Smaregi product is a ``PATCH`` of its ``displayFlag``."""
    if kind == "hide":
        return {"path": f"/products/{target_id}", "body": {"displayFlag": payload["displayFlag"]}}
    return {**payload, "target_id": target_id}


def _shopify_stock_by_store(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """inventory item → {paired Smaregi store: available}. An impossible count (negative, or above what both
    platforms hold) does not travel with a create: the stock plan reports it instead."""
    return _counts_by(
        conn,
        "SELECT i.inventory_item_id, ll.smaregi_store_id, i.available FROM raw.shopify_inventory AS i "
        "JOIN core.location_links AS ll ON ll.shopify_location_id = i.location_id "
        f"WHERE i.available BETWEEN 0 AND {choices.STOCK_COUNT_MAX}",
    )


def _smaregi_stock_by_location(conn: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Smaregi product → {paired Shopify location: stock}."""
    return _counts_by(
        conn,
        "SELECT s.product_id, ll.shopify_location_id, s.stock_amount FROM raw.smaregi_stock AS s "
        "JOIN core.location_links AS ll ON ll.smaregi_store_id = s.store_id "
        f"WHERE s.stock_amount BETWEEN 0 AND {choices.STOCK_COUNT_MAX}",
    )


def _counts_by(conn: duckdb.DuckDBPyConnection, sql: str) -> dict[str, dict[str, int]]:
    """{first column: {second column: third column}} of a query."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for subject, place, count in conn.execute(sql).fetchall():
        found[subject][place] = int(count)
    return found
