"""docs/schema.md: its examples run, and it documents every problem and warning kind."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.schema import ProblemKind, WarningKind

DOC = Path(__file__).parent.parent.parent / "docs" / "schema.md"
OPENLDAP = DOC.parent.parent / "tests" / "data" / "schema" / "openldap-2.5-subschema.ldif"
_PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)


def test_examples_run() -> None:
    """Every ``pycon`` block of docs/schema.md gives the output the page shows."""
    text = DOC.read_text("utf-8")
    source = "\n".join(_PYCON.findall(text))
    assert source.count(">>>") > 20
    parser = doctest.DocTestParser()
    test = parser.get_doctest(
        source, {"subschema": load_subschema_file(OPENLDAP)}, "docs/schema.md", str(DOC), 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures: list[str] = []
    runner.run(test, out=failures.append)
    assert failures == []


@pytest.mark.parametrize("kind", list(ProblemKind))
def test_every_problem_kind_is_documented(kind: ProblemKind) -> None:
    """Each ProblemKind has a heading-like mention with an example message."""
    assert f"**`{kind.value}`**" in DOC.read_text("utf-8")


@pytest.mark.parametrize("kind", list(WarningKind))
def test_every_warning_kind_is_documented(kind: WarningKind) -> None:
    """Each WarningKind is in the table of tolerated quirks."""
    assert f"| `{kind.value}` |" in DOC.read_text("utf-8")
