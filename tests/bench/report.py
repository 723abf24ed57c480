"""Writing a benchmark's numbers into its own marked section of docs/benchmarks.md."""

from __future__ import annotations

import json
import platform
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"


def write_section(section: str, title: str, description: str, results: dict[str, Any]) -> None:
    """Replace (or append) the block between ``<!-- section -->`` and ``<!-- /section -->``."""
    text = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = (
        f"<!-- {section} -->\n"
        f"## {title}\n\n"
        f"{description}\n\n"
        f"```json\n{json.dumps(results, indent=2, ensure_ascii=False)}\n```\n"
        f"<!-- /{section} -->\n"
    )
    pattern = re.compile(rf"<!-- {re.escape(section)} -->.*?<!-- /{re.escape(section)} -->\n", re.DOTALL)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    BENCHMARKS.write_text(text, encoding="utf-8")
