"""Our Shopify SDL against Shopify's published 2024-04 Admin schema.

Every type, field, argument, enum value and input field of ours that also exists in the reference must
have the same type (and kind), unless it is in :data:`LATER_CHANGES`, each entry quoting the line of
``reference/shopify.md`` that records the change after 2024-04. Names the reference lacks are not checked
here (they were added later: ``orderCreate``, ``inventorySetQuantities``, ``changeFromQuantity`` …).
"""

from __future__ import annotations

from pathlib import Path

import graphql
import pytest

from smapify_pipeline.sandbox.shopify.schema import SCHEMA_PATH

REFERENCE = (
    Path(__file__).resolve().parents[3] / ".." / "shared" / "reference" / "shopify-admin-2024-04.graphql"
)

LATER_CHANGES: dict[str, str] = {
    "ProductStatus.UNLISTED": (
        "shopify.md §5: `ProductStatus`: ACTIVE, ARCHIVED, DRAFT, **UNLISTED** (visible only in ≥2025-10)"
    ),
    "BulkOperationRunQueryPayload.userErrors": (
        "shopify.md §4: `bulkOperationRunQuery(query: String!, groupObjects: Boolean!)` → "
        "`{bulkOperation{id status} userErrors{field message code}}` (2026-01 payload page)"
    ),
    "InventoryAdjustQuantitiesUserErrorCode.CHANGE_FROM_QUANTITY_STALE": (
        "shopify.md §6: `InventoryAdjustQuantitiesUserErrorCode`: ADJUST_QUANTITIES_FAILED, "
        "CHANGE_FROM_QUANTITY_STALE, IDEMPOTENCY_CONCURRENT_REQUEST, IDEMPOTENCY_KEY_PARAMETER_MISMATCH, …"
    ),
    "InventoryAdjustQuantitiesUserErrorCode.IDEMPOTENCY_CONCURRENT_REQUEST": (
        "shopify.md §6: `InventoryAdjustQuantitiesUserErrorCode`: … IDEMPOTENCY_CONCURRENT_REQUEST …"
    ),
    "InventoryAdjustQuantitiesUserErrorCode.IDEMPOTENCY_KEY_PARAMETER_MISMATCH": (
        "shopify.md §6: `InventoryAdjustQuantitiesUserErrorCode`: … IDEMPOTENCY_KEY_PARAMETER_MISMATCH …"
    ),
    "InventoryAdjustQuantitiesUserErrorCode.SERVICE_UNAVAILABLE": (
        "shopify.md §6: `InventoryAdjustQuantitiesUserErrorCode`: … NON_MUTABLE_INVENTORY_ITEM, SERVICE_UNAVAILABLE"
    ),
}


def _load(path: Path) -> graphql.GraphQLSchema:
    return graphql.build_schema(path.read_text(encoding="utf-8"), assume_valid=True)


@pytest.fixture(scope="module")
def reference() -> graphql.GraphQLSchema:
    if not REFERENCE.is_file():
        pytest.skip(f"reference schema not found at {REFERENCE} (shared/ is expected beside the clone)")
    return _load(REFERENCE)


def _differences(ours: graphql.GraphQLSchema, ref: graphql.GraphQLSchema) -> list[str]:
    problems: list[str] = []
    ref_root_names = {"QueryRoot": ref.query_type, "Mutation": ref.mutation_type}
    for name, our_type in ours.type_map.items():
        if name.startswith("__"):
            continue
        ref_type = ref_root_names.get(name) or ref.type_map.get(name)
        if ref_type is None:
            continue
        if type(our_type) is not type(ref_type):
            problems.append(
                f"{name}: {type(our_type).__name__} here, {type(ref_type).__name__} in the reference"
            )
            continue
        if isinstance(our_type, graphql.GraphQLEnumType):
            problems += [f"{name}.{v}" for v in our_type.values if v not in ref_type.values]
        elif isinstance(our_type, graphql.GraphQLInputObjectType):
            for field_name, field in our_type.fields.items():
                ref_field = ref_type.fields.get(field_name)
                if ref_field is not None and str(field.type) != str(ref_field.type):
                    problems.append(f"{name}.{field_name}")
        elif isinstance(our_type, graphql.GraphQLObjectType | graphql.GraphQLInterfaceType):
            for field_name, field in our_type.fields.items():
                ref_field = ref_type.fields.get(field_name)
                if ref_field is None:
                    continue
                if str(field.type) != str(ref_field.type):
                    problems.append(f"{name}.{field_name}")
                for arg_name, arg in field.args.items():
                    ref_arg = ref_field.args.get(arg_name)
                    if ref_arg is not None and str(arg.type) != str(ref_arg.type):
                        problems.append(f"{name}.{field_name}({arg_name})")
        elif isinstance(our_type, graphql.GraphQLUnionType):
            ref_members = {t.name for t in ref_type.types}
            problems += [f"{name}|{t.name}" for t in our_type.types if t.name not in ref_members]
    return problems


def test_every_shared_name_keeps_the_reference_type(reference: graphql.GraphQLSchema) -> None:
    problems = [p for p in _differences(_load(SCHEMA_PATH), reference) if p not in LATER_CHANGES]
    assert problems == [], f"differ from the 2024-04 reference without a recorded later change: {problems}"


def test_every_allowed_change_is_still_a_difference(reference: graphql.GraphQLSchema) -> None:
    """An allow-list entry that no longer differs is stale and must go."""
    problems = set(_differences(_load(SCHEMA_PATH), reference))
    assert [name for name in LATER_CHANGES if name not in problems] == []


def test_the_check_catches_a_renamed_type(reference: graphql.GraphQLSchema) -> None:
    broken = graphql.build_schema(
        SCHEMA_PATH.read_text(encoding="utf-8").replace(
            "  sku: String\n  barcode: String\n", "  sku: Int\n  barcode: String\n"
        ),
        assume_valid=True,
    )
    assert "ProductVariant.sku" in _differences(broken, reference)
