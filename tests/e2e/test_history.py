"""Documents that exist before the first sync are history: never mirrored; later ones are."""

from pathlib import Path

import dagster as dg

from smapify_pipeline import warehouse
from smapify_pipeline.definitions import build_definitions
from smapify_pipeline.demo import demo_settings
from smapify_pipeline.sandbox.pair import SandboxPair


def test_the_first_sync_mirrors_no_past_sale_and_the_next_sale_is_mirrored(tmp_path: Path) -> None:
    pair = SandboxPair.create(seed_size="small", seed=2, locations=2, sales=40, time_scale=20)
    with pair.serve() as servers, dg.instance_for_test() as instance:
        settings = demo_settings(servers, pair, "smaregi", tmp_path)
        defs = build_definitions(settings)

        first = defs.resolve_job_def("full_sync").execute_in_process(instance=instance)

        assert first.success
        assert [o for o in pair.shopify.state.orders.values() if o.source_name == "smapify"] == []
        with warehouse.connect(settings.warehouse_path) as conn:
            extracted = conn.execute("SELECT count(*) FROM raw.smaregi_transactions").fetchall()[0][0]
            history = conn.execute(
                "SELECT count(*) FROM core.history_documents WHERE source LIKE 'smaregi:txn:%'"
            ).fetchall()[0][0]
        assert extracted > 0
        assert history == extracted

        store = min(pair.smaregi.state.stores)
        code = next(iter(pair.smaregi.state.product_ids_by_code))
        pair.smaregi.ring_up_sale(store, [(code, 1)])
        second = defs.resolve_job_def("orders_sync").execute_in_process(instance=instance)

        assert second.success
        ours = [o for o in pair.shopify.state.orders.values() if o.source_name == "smapify"]
        assert len(ours) == 1


def test_a_deployment_already_mirroring_records_no_history(tmp_path: Path) -> None:
    """Upgrading onto this code must not turn extracted-but-unmirrored sales into history."""
    from datetime import UTC, datetime

    from smapify_pipeline.documents.plan import record_history

    with warehouse.connect(tmp_path / "smapify.duckdb") as conn:
        conn.execute(
            "INSERT INTO raw.smaregi_transactions (transaction_head_id, extracted_at) VALUES ('41', now())"
        )
        warehouse.ledger.begin(conn, "smaregi:c:txn:40:order", "shopify_order", "shopify")
        warehouse.ledger.mark_applied(conn, "smaregi:c:txn:40:order", "gid://shopify/Order/1")

        assert record_history(conn, datetime.now(UTC)) == 0
        assert conn.execute("SELECT count(*) FROM core.history_documents").fetchall() == [(0,)]
        assert record_history(conn, datetime.now(UTC)) == 0
