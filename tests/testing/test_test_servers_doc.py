"""The Python examples in docs/test-servers.md run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ldapconnector.testing.pytest_plugin import require_openldap

DOC = Path(__file__).resolve().parents[2] / "docs" / "test-servers.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_page_has_examples() -> None:
    """The page shows at least the Python, connectivity and pytest examples."""
    assert len(BLOCKS) >= 3


@pytest.mark.integration
@pytest.mark.openldap
@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_example_runs(source: str) -> None:
    """Each Python block of the page executes without error."""
    require_openldap()
    exec(compile(source, str(DOC), "exec"), {"__name__": "docs_example"})  # noqa: S102
