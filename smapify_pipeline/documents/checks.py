"""Asset checks of the document pushes."""

from collections import Counter

import dagster as dg

from smapify_pipeline.documents.apply import ALL_KINDS
from smapify_pipeline.resources import WarehouseResource


@dg.asset_check(
    asset="push_refunds", description="No document write failed or is left with an unknown outcome."
)
def document_pushes_settled(warehouse_db: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse_db.connect() as conn:
        rows = conn.execute(
            "SELECT status, kind, key, error FROM sync.ledger WHERE status <> 'applied' AND kind IN "
            f"({', '.join('?' for _ in ALL_KINDS)}) ORDER BY updated_at DESC",
            list(ALL_KINDS),
        ).fetchdf()
    counts = Counter(rows["status"]) if len(rows) else Counter()
    return dg.AssetCheckResult(
        passed=len(rows) == 0,
        metadata={
            "failed": int(counts.get("failed", 0)),
            "pending": int(counts.get("pending", 0)),
            "rows": dg.MetadataValue.md(rows.head(20).to_markdown(index=False) if len(rows) else "_(none)_"),
        },
    )


DOCUMENT_CHECKS = [document_pushes_settled]
