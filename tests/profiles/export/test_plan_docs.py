"""docs/provisioning.md: its examples run against the recorded OpenLDAP 2.5 schema."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from ldapconnector.cli._schema import load_subschema_file

DOC = Path(__file__).parents[3] / "docs" / "provisioning.md"
OPENLDAP = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
_PYCON = re.compile(r"```pycon\n(.*?)```", re.DOTALL)


def test_examples_run() -> None:
    """Every ``pycon`` block of docs/provisioning.md gives the output the page shows."""
    source = "\n".join(_PYCON.findall(DOC.read_text("utf-8")))
    assert source.count(">>>") > 30
    parser = doctest.DocTestParser()
    test = parser.get_doctest(
        source, {"subschema": load_subschema_file(OPENLDAP)}, "docs/provisioning.md", str(DOC), 0
    )
    failures: list[str] = []
    doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test, out=failures.append)
    assert failures == [], "".join(failures)
