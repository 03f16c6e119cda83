"""``ldapconnector export --object-type``: users, then a group with its members, on slapd."""

from __future__ import annotations

import json
import subprocess
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
        "run_profiles": {"delta_import": True},
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


def _ldapmodify(server: OpenLDAPServer, ldif: str) -> None:
    argv = ["ldapmodify", "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
            "-w", server.admin_password]  # fmt: skip
    subprocess.run(argv, input=ldif, text=True, check=True, capture_output=True,
                   env=server.tool_env())  # fmt: skip


def test_imports_of_a_group_type_list_members_by_source_id(
    server: OpenLDAPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``import`` lines of a group carry ``members``; ``import --delta`` lines of a
    membership change carry ``membership`` with the members added and removed."""
    config = str(_config(server, tmp_path))
    users = _lines(tmp_path / "u.jsonl", [{"id": f"i{n}", "login": f"imp{n}", "name": "U"}
                                          for n in range(3)])  # fmt: skip
    groups = _lines(tmp_path / "g.jsonl",
                    [{"id": "ig", "name": "imp-group", "members": ["i0", "i1"]}])  # fmt: skip
    for kind, source in (("users", users), ("groups", groups)):
        assert main(["export", "--config", config, "--source", source, "--object-type", kind]) == 0
    out = tmp_path / "groups.jsonl"
    assert (
        main(["import", "--config", config, "--object-type", "groups", "--output", str(out)]) == 0
    )
    lines = {json.loads(line)["dn"]: json.loads(line) for line in out.read_text().splitlines()}
    group_dn, people = f"cn=imp-group,{server.groups_dn}", server.people_dn
    assert lines[group_dn]["members"] == [
        {"id": "i0", "value": f"uid=imp0,{people}"},
        {"id": "i1", "value": f"uid=imp1,{people}"},
    ]
    _ldapmodify(
        server,
        f"dn: {group_dn}\nchangetype: modify\nadd: member\nmember: uid=imp2,{people}\n-\n"
        f"delete: member\nmember: uid=imp0,{people}\n",
    )
    capsys.readouterr()
    delta = tmp_path / "delta.jsonl"
    assert main(["import", "--config", config, "--object-type", "groups", "--delta",
                 "--output", str(delta)]) == 0  # fmt: skip
    (line,) = [json.loads(x) for x in delta.read_text().splitlines()]
    assert (line["type"], line["dn"]) == ("modify", group_dn)
    assert line["membership"] == {
        "attribute": "member",
        "added": [{"id": "i2", "value": f"uid=imp2,{people}"}],
        "removed": [{"id": "i0", "value": f"uid=imp0,{people}"}],
        "members": None,
    }


def test_the_plan_names_the_members_added_removed_and_pending(
    server: OpenLDAPServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --plan`` has a line per group naming its members to add, remove and wait
    for, by source id; ``--json`` lists them with their values; nothing is written."""
    config = str(_config(server, tmp_path))
    users = _lines(tmp_path / "u.jsonl", [{"id": f"p{n}", "login": f"plan{n}", "name": "U"}
                                          for n in range(3)])  # fmt: skip
    record = {"id": "pg", "name": "plan-group", "members": ["p0", "p1"]}
    for kind, source in (("users", users), ("groups", _lines(tmp_path / "g.jsonl", [record]))):
        assert main(["export", "--config", config, "--source", source, "--object-type", kind]) == 0
    changed = _lines(tmp_path / "g2.jsonl", [{**record, "members": ["p1", "p2", "p-later"]}])
    capsys.readouterr()
    plan = ["export", "--config", config, "--source", changed, "--object-type", "groups", "--plan"]
    assert main(plan) == 0
    group_dn, people = f"cn=plan-group,{server.groups_dn}", server.people_dn
    assert f"  pg ({group_dn}): added p2; removed p0; pending p-later\n" in capsys.readouterr().err
    assert main([*plan, "--json"]) == 0
    (membership,) = json.loads(capsys.readouterr().out)["memberships"]
    assert (membership["added_members"], membership["removed_members"]) == (
        [{"id": "p2", "value": f"uid=plan2,{people}"}],
        [{"id": "p0", "value": f"uid=plan0,{people}"}],
    )
    found = ldapsearch(server, group_dn, "(cn=*)", "member")
    assert set(found[0]["member"]) == {f"uid=plan0,{people}", f"uid=plan1,{people}"}
