"""The Python examples in docs/detection.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "detection.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_page_has_its_examples() -> None:
    """Rebrands, an in-house rule, a fork's rule and the recorded servers each have one."""
    assert len(BLOCKS) == 4


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_example_runs(source: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each Python block executes without error (its asserts hold)."""
    exec(compile(source, str(DOC), "exec"), {"__name__": "docs_example"})  # noqa: S102
    capsys.readouterr()
