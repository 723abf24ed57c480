from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from smapify_pipeline.warehouse import connect


@pytest.fixture
def working_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "smapify.duckdb"


@pytest.fixture
def conn(working_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with connect(working_path) as connection:
        yield connection
