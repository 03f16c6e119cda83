"""``ldapconnector export --object-type``: users, then a group with its members, on slapd."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._demo_data import to_toml
from ldapconnector.testing import OpenLDAPServer
from tests.profiles.export.test_export_openldap import ldapsearch

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own for the CLI runs."""
    with OpenLDAPServer() as server:
        yield server


def _config(server: OpenLDAPServer, tmp_path: Path) -> Path:
    connectivity = dict(server.connectivity(security="ldaps", as_service=False))
    (tmp_path / "password").write_text(str(connectivity.pop("password")))
    connectivity["password_file"] = str(tmp_path / "password")
    people, groups = server.people_dn, server.groups_dn
    cn = {"type": "direct", "source": "name", "target": "cn"}
    data: dict[str, Any] = {
        "connectivity": connectivity,
        "object_types": [
            {"name": "users", "target": "inetOrgPerson", "containers": [people], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "uid=", [login], ",{people}")'},
                {"type": "direct", "source": "login", "target": "sn"}, cn,
            ]},
            {"name": "groups", "target": "groupOfNames", "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "cn=", [name], ",{groups}")'}, cn,
            ], "membership": {"members_of": "users", "placeholder_member": "cn=nobody"}},
        ],
    }  # fmt: skip
    path = tmp_path / "connector.toml"
    path.write_text(to_toml(data))
    return path


def _lines(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def test_users_then_group_with_members(
    server: OpenLDAPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each type has its own state file; the group export writes its members too."""
    config = str(_config(server, tmp_path))
    users = _lines(tmp_path / "u.jsonl", [{"id": f"u{n}", "login": f"cli{n}", "name": "U"}
                                          for n in range(3)])  # fmt: skip
    groups = _lines(tmp_path / "g.jsonl",
                    [{"id": "g1", "name": "cli-group", "members": ["u0", "u2", "u9"]}])  # fmt: skip
    assert main(["export", "--config", config, "--source", users]) == 2
    assert "name one with --object-type (users, groups)" in capsys.readouterr().err
    assert main(["export", "--config", config, "--source", users, "--object-type", "users"]) == 0
    capsys.readouterr()
    code = main(["export", "--config", config, "--source", groups, "--object-type", "groups",
                 "--json"])  # fmt: skip
    assert code == 0
    (membership,) = json.loads(capsys.readouterr().out)["memberships"]
    assert (membership["added"], membership["removed"], membership["pending"]) == (2, 1, ["u9"])
    assert (tmp_path / "connector.state.users.sqlite").exists()
    assert (tmp_path / "connector.state.groups.sqlite").exists()
    found = ldapsearch(server, f"cn=cli-group,{server.groups_dn}", "(cn=*)", "member")
    assert set(found[0]["member"]) == {
        f"uid=cli0,{server.people_dn}",
        f"uid=cli2,{server.people_dn}",
    }
