import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from smapify_pipeline.warehouse import connect, open_snapshot, publish_snapshot

READER = Path(__file__).with_name("_snapshot_reader.py")
ANSWER_TIMEOUT_SECONDS = 120
"""A deadlock guard only: every wait is for an explicit answer of the reader, however slow the machine."""
RELATIONS = [
    "core.products",
    "analytics.orders",
    "analytics.order_lines",
    "analytics.order_totals",
    "analytics.version",
]


def fill(conn: duckdb.DuckDBPyConnection, version: int, orders: int) -> None:
    """A consistent working state: every order has three lines; the view sums them per order."""
    conn.execute(
        f"""
        CREATE OR REPLACE TABLE core.products AS
            SELECT range AS product_id, 'product ' || range AS title FROM range(20);
        CREATE OR REPLACE TABLE analytics.orders AS
            SELECT range AS order_id, {version} AS version FROM range({orders});
        CREATE OR REPLACE TABLE analytics.order_lines AS
            SELECT o.order_id, l.range AS line, (o.order_id + l.range) % 20 AS product_id, 100 * {version} AS price
            FROM analytics.orders AS o CROSS JOIN range(3) AS l;
        CREATE OR REPLACE VIEW analytics.order_totals AS
            SELECT order_id, sum(price) AS total FROM analytics.order_lines GROUP BY order_id;
        CREATE OR REPLACE TABLE analytics.version AS SELECT {version} AS version, {orders} AS orders;
        """
    )


def expected_counts(orders: int) -> dict[str, int]:
    return {
        "core.products": 20,
        "analytics.orders": orders,
        "analytics.order_lines": 3 * orders,
        "analytics.order_totals": orders,
        "analytics.version": 1,
    }


def assert_whole(state: Any, version: int, orders: int) -> None:
    assert state["version"] == [[version, orders]]
    assert state["counts"] == expected_counts(orders)
    assert state["info"] == expected_counts(orders)


class ReaderProcess:
    """The reader subprocess and its line protocol (see _snapshot_reader.py)."""

    def __init__(self, snapshot: Path, program: Path = READER) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(program), str(snapshot)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._answers: queue.Queue[str] = queue.Queue()
        self._listener = threading.Thread(target=self._listen, daemon=True)
        self._listener.start()

    def _listen(self) -> None:
        """Every line the reader writes, in order; ``""`` once its stdout closes."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._answers.put(line)
        self._answers.put("")

    @property
    def pid(self) -> int:
        return self.process.pid

    def expect(self, stage: str) -> dict[str, object]:
        """The reader's next answer, which must be ``stage``. The reader may write several answers before we
        look (``opened`` and ``reading`` come back to back), so lines are taken from the listener's queue in
        order, never by waiting for the pipe to become readable again."""
        try:
            line = self._answers.get(timeout=ANSWER_TIMEOUT_SECONDS)
        except queue.Empty:
            raise AssertionError(f"the reader gave no {stage!r} answer") from None
        if not line:
            assert self.process.stderr is not None
            raise AssertionError(f"the reader exited before {stage!r}: {self.process.stderr.read()}")
        message: dict[str, object] = json.loads(line)
        assert message["stage"] == stage
        return message

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def open_paths(self) -> list[str]:
        fd_dir = Path(f"/proc/{self.pid}/fd")
        paths = []
        for fd in os.listdir(fd_dir):
            try:
                paths.append(os.readlink(fd_dir / fd))
            except FileNotFoundError:
                continue
        return paths

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._listener.join()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    return tmp_path / "data" / "smapify.duckdb", tmp_path / "data" / "snapshot" / "smapify.duckdb"


@pytest.fixture
def reader_factory() -> Iterator[list[ReaderProcess]]:
    started: list[ReaderProcess] = []
    yield started
    for reader in started:
        reader.close()


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="reads the reader's open files from /proc")
def test_a_reader_process_keeps_the_old_snapshot_then_sees_the_new_one_whole(
    paths: tuple[Path, Path], reader_factory: list[ReaderProcess]
) -> None:
    working, target = paths

    def assert_reader_never_opened_working_files(reader: ReaderProcess) -> list[str]:
        opened = reader.open_paths()
        snapshot_dir_files = [p for p in opened if p.startswith(str(target.parent))]
        assert not [p for p in opened if p.startswith(str(working))], opened
        assert not [p for p in snapshot_dir_files if ".tmp" in p], opened
        return snapshot_dir_files

    # The parent holds the working file read-write throughout, so DuckDB's lock would refuse any other
    # process that tried to open it, read-only included.
    with connect(working) as conn:
        fill(conn, version=1, orders=100)
        publish_snapshot(conn, target, RELATIONS)

        reader = ReaderProcess(target)
        reader_factory.append(reader)
        assert_whole(reader.expect("opened")["state"], version=1, orders=100)
        reader.expect("reading")
        assert assert_reader_never_opened_working_files(reader) == [str(target)]

        fill(conn, version=2, orders=250)
        publish_snapshot(conn, target, RELATIONS)
        reader.send("published")

        old = reader.expect("old")
        assert_whole(old["state"], version=1, orders=100)
        assert old["changed_while_reading"] is False
        assert assert_reader_never_opened_working_files(reader) == [f"{target} (deleted)"]

        reader.send("reopen")
        assert_whole(reader.expect("reopened")["state"], version=2, orders=250)
        assert assert_reader_never_opened_working_files(reader) == [str(target)]

        reader.send("quit")
        assert reader.process.wait(timeout=ANSWER_TIMEOUT_SECONDS) == 0


def test_answers_written_back_to_back_are_each_received(
    tmp_path: Path, reader_factory: list[ReaderProcess]
) -> None:
    """The reader writes ``opened`` and ``reading`` without waiting for us; when both are already in the pipe
    by the time we look, the second must still be received (it sits in our read buffer, not in the pipe)."""
    program = tmp_path / "two_answers.py"
    program.write_text(
        "import sys\n"
        'sys.stdout.write(\'{"stage": "opened"}\\n{"stage": "reading"}\\n\')\n'
        "sys.stdout.flush()\n"
        "sys.stdin.readline()\n"
    )
    reader = ReaderProcess(tmp_path / "unused.duckdb", program)
    reader_factory.append(reader)
    assert reader.expect("opened") == {"stage": "opened"}
    assert reader.expect("reading") == {"stage": "reading"}
    reader.send("quit")
    assert reader.process.wait(timeout=ANSWER_TIMEOUT_SECONDS) == 0


def test_views_are_copied_as_tables_and_the_snapshot_stands_alone(paths: tuple[Path, Path]) -> None:
    working, target = paths
    with connect(working) as conn:
        fill(conn, version=1, orders=10)
        published = publish_snapshot(conn, target, RELATIONS)
    working.unlink()

    assert published == target.resolve()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    with open_snapshot(target) as snapshot:
        kinds = dict(
            snapshot.execute(
                "SELECT schema_name || '.' || table_name, 'table' FROM duckdb_tables() "
                "UNION ALL SELECT schema_name || '.' || view_name, 'view' FROM duckdb_views() WHERE NOT internal"
            ).fetchall()
        )
        assert kinds == {**dict.fromkeys(RELATIONS, "table"), "main.snapshot_info": "table"}
        assert snapshot.execute("SELECT sum(total) FROM analytics.order_totals").fetchall() == [(3000,)]
        source_kinds = dict(
            snapshot.execute("SELECT relation, source_kind FROM main.snapshot_info").fetchall()
        )
        assert source_kinds["analytics.order_totals"] == "view"
        with pytest.raises(duckdb.Error):
            snapshot.execute("DELETE FROM analytics.orders")


def test_default_relations_are_the_core_and_analytics_schemas(paths: tuple[Path, Path]) -> None:
    working, target = paths
    with connect(working) as conn:
        fill(conn, version=1, orders=5)
        conn.execute("CREATE TABLE raw.never_published AS SELECT 1 AS id")
        expected = {
            f"{schema}.{name}"
            for schema, name in conn.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('core', 'analytics')"
            ).fetchall()
        }
        publish_snapshot(conn, target)
    with open_snapshot(target) as snapshot:
        relations = {row[0] for row in snapshot.execute("SELECT relation FROM main.snapshot_info").fetchall()}
    assert set(RELATIONS) <= relations
    assert relations == expected
    assert "raw.never_published" not in relations


def test_publishing_from_a_closed_working_file_by_path(paths: tuple[Path, Path]) -> None:
    working, target = paths
    with connect(working) as conn:
        fill(conn, version=3, orders=7)
    publish_snapshot(working, target, ["analytics.version"])
    with open_snapshot(target) as snapshot:
        assert snapshot.execute("SELECT version, orders FROM analytics.version").fetchall() == [(3, 7)]


@pytest.mark.parametrize(
    ("relations", "error"),
    [
        (["analytics.version", "analytics.nowhere"], LookupError),
        (["analytics.version", "analytics.broken"], duckdb.Error),
    ],
)
def test_a_failed_publish_leaves_the_previous_snapshot(
    paths: tuple[Path, Path], relations: list[str], error: type[Exception]
) -> None:
    working, target = paths
    with connect(working) as conn:
        fill(conn, version=1, orders=10)
        publish_snapshot(conn, target, RELATIONS)
        fill(conn, version=2, orders=20)
        conn.execute("CREATE VIEW analytics.broken AS SELECT error('not today') AS x")

        with pytest.raises(error):
            publish_snapshot(conn, target, relations)

        assert conn.execute("SELECT count(*) FROM duckdb_databases() WHERE NOT internal").fetchall() == [(1,)]
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    with open_snapshot(target) as snapshot:
        assert snapshot.execute("SELECT version FROM analytics.version").fetchall() == [(1,)]
