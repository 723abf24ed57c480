"""The analyst process of test_snapshot: it is given only the snapshot path and opens it read-only.

Commands arrive one per line on stdin, answers leave as one JSON object per line on stdout:

* at start: open the snapshot, answer ``{"stage": "opened", "state": …}``;
* then read once more, answer ``{"stage": "reading"}`` and keep reading through that connection until a
  command arrives; ``published`` answers
  ``{"stage": "old", "state": …, "reads": n, "changed_while_reading": bool}`` with the state read after the
  publish, through the old connection;
* ``reopen``: close, open again, answer ``{"stage": "reopened", "state": …}``;
* ``quit``: exit 0.
"""

from __future__ import annotations

import json
import select
import sys

import duckdb


def read_state(conn: duckdb.DuckDBPyConnection) -> dict[str, object]:
    info = conn.execute("SELECT relation, row_count FROM main.snapshot_info ORDER BY relation").fetchall()
    counts = {
        relation: conn.execute(f"SELECT count(*) FROM {relation}").fetchall()[0][0] for relation, _ in info
    }
    version = conn.execute("SELECT version, orders FROM analytics.version").fetchall()
    return {"info": dict(info), "counts": counts, "version": [list(row) for row in version]}


def answer(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def command() -> str:
    return sys.stdin.readline().strip()


def main(snapshot_path: str) -> None:
    conn = duckdb.connect(snapshot_path, read_only=True)
    opened = read_state(conn)
    answer({"stage": "opened", "state": opened})

    changed = read_state(conn) != opened
    reads = 1
    answer({"stage": "reading"})
    while not select.select([sys.stdin], [], [], 0.005)[0]:
        changed = changed or read_state(conn) != opened
        reads += 1
    if command() != "published":
        raise SystemExit("expected 'published'")
    answer({"stage": "old", "state": read_state(conn), "reads": reads, "changed_while_reading": changed})

    if command() != "reopen":
        raise SystemExit("expected 'reopen'")
    conn.close()
    conn = duckdb.connect(snapshot_path, read_only=True)
    answer({"stage": "reopened", "state": read_state(conn)})

    if command() != "quit":
        raise SystemExit("expected 'quit'")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
