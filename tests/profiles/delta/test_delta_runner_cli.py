"""``ldapconnector import --delta`` against a real slapd."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._delta import run_delta
from ldapconnector.connection import open_connection
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _config_file(tmp_path: Path, server: OpenLDAPServer) -> Path:
    section = server.connectivity(security="ldaps")
    path = tmp_path / "connector.toml"
    path.write_text(
        "[connectivity]\n"
        f'host = "{section["host"]}"\nport = {section["port"]}\nsecurity = "ldaps"\n'
        f'binding = "simple"\nuser = "{section["user"]}"\npassword_env = "TEST_LDAP_PASSWORD"\n'
        f'ca_file = "{section["ca_file"]}"\n\n'
        '[object_type]\ntarget = "inetOrgPerson"\n'
        f'containers = ["{server.people_dn}"]\n\n'
        "[run_profiles]\nexport = false\ndelta_import = true\n",
        encoding="utf-8",
    )
    return path


def test_delta_writes_one_json_line_per_change(
    fresh_openldap_server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A first run sets the watermark; the next writes the add and modify as JSON Lines."""
    server = fresh_openldap_server
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    output, state = tmp_path / "changes.jsonl", tmp_path / "state.sqlite"
    args = ["import", "--delta", "--config", str(_config_file(tmp_path, server)),
            "--output", str(output), "--state", str(state), "--json"]  # fmt: skip
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["baseline"] is True
    dn = f"uid=jl,{server.people_dn}"
    with open_connection(server.connectivity_config("ldaps", "simple", as_service=False)) as admin:
        admin.add(dn, {"objectClass": "inetOrgPerson", "uid": "jl", "cn": "J L", "sn": "L"})
        admin.modify(dn, [Modification(ModifyOp.REPLACE, "sn", "Lee")])
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["changes"] == 2
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(line["type"], line["dn"], line["old_dn"]) for line in lines] == [
        ("add", dn, None),
        ("modify", dn, None),
    ]
    assert lines[0]["anchor"] == lines[1]["anchor"]
    assert lines[0]["attributes"]["cn"] == ["J L"]
    assert lines[1]["attributes"] == {"sn": ["Lee"]}
    assert lines[1]["changes"] == [{"attribute": "sn", "op": "replace", "values": ["Lee"]}]


def test_purged_log_exits_one_with_advice(
    fresh_openldap_server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A watermark older than the log exits 1 and says a full import is required."""
    server = fresh_openldap_server
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    args = argparse.Namespace(
        config=str(_config_file(tmp_path, server)), output=None,
        state=str(tmp_path / "state.sqlite"), json=False,
    )  # fmt: skip
    with open_connection(server.connectivity_config("ldaps", "simple", as_service=False)) as admin:
        admin.add(f"uid=a,{server.people_dn}", {"objectClass": "account", "uid": "a"})
        assert run_delta(args) == 0  # anchored on the add's log entry
        for entry in list(admin.search("cn=accesslog", "(reqType=add)", attributes=("1.1",))):
            admin.delete(entry.dn)
    assert run_delta(args) == 1
    assert "full import required" in capsys.readouterr().err
