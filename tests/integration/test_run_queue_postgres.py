"""Overlapping sync runs queue on the PostgreSQL-backed instance, and analysts read the snapshot while the
working file is held read-write.

The queue is shown with the instance's own pieces: runs are submitted through its QueuedRunCoordinator (status
QUEUED) and the daemon's dequeue pass (``QueuedRunCoordinatorDaemon._get_runs_to_dequeue``, the selection
step of ``run_iteration`` before a launch) decides what may start, under the ``smapify/sync`` tag limit from
deploy/dagster.postgres.yaml. Run progress is reported as the run worker would (start and success events).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster._core.events import DagsterEvent, DagsterEventType
from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.run_coordinator import QueuedRunCoordinator, SubmitRunContext
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

from smapify_pipeline import warehouse
from smapify_pipeline.definitions import defs
from smapify_pipeline.jobs import SYNC_TAG
from smapify_pipeline.settings import PROJECT_ROOT
from tests.integration.test_postgres_instance import postgres_database, postgres_instance  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@dg.op
def _noop() -> None:
    return None


@dg.job
def untagged_job() -> None:
    _noop()


def _origin(job_name: str) -> RemoteJobOrigin:
    """Where the run's job lives, as the UI or a sensor would record it (the workspace.yaml location)."""
    location = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(
            executable_path=sys.executable,
            module_name="smapify_pipeline.definitions",
            working_directory=str(PROJECT_ROOT),
        ),
        location_name="smapify_pipeline",
    )
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, "__repository__"), job_name)


def _submit(instance: dg.DagsterInstance, job: dg.JobDefinition) -> str:
    run = instance.create_run_for_job(
        job_def=job, tags=dict(job.run_tags), remote_job_origin=_origin(job.name)
    )
    submitted = instance.run_coordinator.submit_run(SubmitRunContext(run, workspace=None))  # type: ignore[arg-type]
    assert submitted.status == dg.DagsterRunStatus.QUEUED
    return run.run_id


def _dequeue_pass(instance: dg.DagsterInstance) -> list[str]:
    daemon = QueuedRunCoordinatorDaemon(interval_seconds=1)
    try:
        runs = daemon._get_runs_to_dequeue(
            instance, instance.get_concurrency_config(), fixed_iteration_time=None
        )
    finally:
        daemon.__exit__(None, None, None)
    return [run.run_id for run in runs]


def _report(instance: dg.DagsterInstance, run_id: str, event_type: DagsterEventType, job_name: str) -> None:
    instance.report_dagster_event(
        DagsterEvent(event_type_value=event_type.value, job_name=job_name), run_id=run_id
    )


def test_a_second_full_sync_stays_queued_while_the_first_is_in_progress(
    postgres_instance: dg.DagsterInstance,  # noqa: F811
) -> None:
    instance = postgres_instance
    assert isinstance(instance.run_coordinator, QueuedRunCoordinator)
    full_sync = defs.resolve_job_def("full_sync")
    assert full_sync.run_tags[SYNC_TAG] == "true"

    first = _submit(instance, full_sync)
    second = _submit(instance, full_sync)
    assert _dequeue_pass(instance) == [first]

    _report(instance, first, DagsterEventType.PIPELINE_STARTING, "full_sync")
    _report(instance, first, DagsterEventType.PIPELINE_START, "full_sync")
    untagged = _submit(instance, untagged_job)
    while_first_runs = _dequeue_pass(instance)

    assert while_first_runs == [untagged]
    assert instance.get_run_by_id(second).status == dg.DagsterRunStatus.QUEUED

    _report(instance, first, DagsterEventType.PIPELINE_SUCCESS, "full_sync")
    after_first = _dequeue_pass(instance)

    assert second in after_first
    assert instance.get_run_by_id(first).status == dg.DagsterRunStatus.SUCCESS


_HOLD_WORKING_FILE = """
import sys
from smapify_pipeline import warehouse
conn = warehouse.connect({path!r})
conn.execute("BEGIN TRANSACTION")
conn.execute("INSERT INTO sync.cursors VALUES ('writer', 'busy', now())")
print("holding", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""

_READ_SNAPSHOT = """
from smapify_pipeline import warehouse
with warehouse.open_snapshot({snapshot!r}) as reader:
    print(reader.execute("SELECT count(*) FROM analytics.sales_daily").fetchone()[0])
    print(reader.execute("SELECT count(*) FROM main.snapshot_info").fetchone()[0] > 0)
try:
    warehouse.connect({path!r}, read_only=True).close()
    print("working file opened")
except Exception as error:
    print("working file locked:", type(error).__name__)
"""


def test_the_snapshot_is_readable_while_a_run_holds_the_working_file(tmp_path: Path) -> None:
    working = tmp_path / "smapify.duckdb"
    snapshot = tmp_path / "snapshot" / "smapify.duckdb"
    with warehouse.connect(working) as conn:
        warehouse.publish_snapshot(conn, snapshot)
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_HOLD_WORKING_FILE.format(path=str(working)))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        reader = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(_READ_SNAPSHOT.format(snapshot=str(snapshot), path=str(working))),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.close()
        writer.wait(60)

    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.splitlines()[:2] == ["0", "True"]
    assert reader.stdout.splitlines()[2].startswith("working file locked")
    assert writer.returncode == 0
    with duckdb.connect(str(working), read_only=True) as check:
        assert check.execute("SELECT value FROM sync.cursors WHERE stream = 'writer'").fetchone() == ("busy",)
