from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.served_ops import Ops, served_ops


@pytest.fixture
def ops(tmp_path: Path) -> Iterator[Ops]:
    """Both sandboxes and the webhook receiver over real HTTP (the sensor and receiver tests)."""
    with served_ops(tmp_path) as served:
        yield served
