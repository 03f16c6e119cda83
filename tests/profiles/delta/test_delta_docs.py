"""docs/delta-import.md: its examples import public paths only, and "Running it" runs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ldapconnector.connection import open_connection
from ldapconnector.connector import detect
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

DOC = Path(__file__).parents[3] / "docs" / "delta-import.md"
_PYTHON = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks() -> list[str]:
    return [str(block) for block in _PYTHON.findall(DOC.read_text("utf-8"))]


def test_examples_import_only_public_modules() -> None:
    """No example imports a private module (``ldapconnector.x._y``); every import resolves."""
    imports = [
        node
        for block in _blocks()
        for node in ast.walk(ast.parse(block))
        if isinstance(node, ast.ImportFrom)
    ]
    assert imports
    modules = [(node.module or "").split(".") for node in imports]
    assert [m for m in modules if any(part.startswith("_") for part in m)] == []
    body: list[ast.stmt] = list(imports)
    exec(compile(ast.Module(body=body, type_ignores=[]), str(DOC), "exec"), {})  # noqa: S102


@pytest.mark.integration
@pytest.mark.openldap
def test_running_it_example_runs(fresh_openldap_server: OpenLDAPServer) -> None:
    """The first example, run twice: a baseline, then the admin's add is applied."""
    server = fresh_openldap_server
    example = compile(_blocks()[0], str(DOC), "exec")
    applied: list[str] = []
    with (
        SqliteLinkStore.in_memory() as store,
        open_connection(server.connectivity_config("ldaps", "simple")) as connection,
    ):
        names = {
            "connection": connection,
            "info": detect(connection),
            "store": store,
            "service_dn": server.service_dn,
            "apply": lambda record: applied.append(record.dn),
        }
        exec(example, dict(names))  # noqa: S102 - our own documentation
        assert applied == []
        dn = f"uid=docs,{server.people_dn}"
        server.add_ldif(f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: docs\ncn: docs\nsn: Docs\n")
        exec(example, dict(names))  # noqa: S102 - our own documentation
    assert applied == [dn]
