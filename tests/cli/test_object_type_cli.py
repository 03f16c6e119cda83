"""``[object_type]`` classes against a real slapd's schema, through the command line.

A target class the schema lacks is a configuration error at start (exit 2) for every
profile, and ``ldapconnector schema --config`` shows the configured classes by default.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._demo_data import posix_example, to_toml, users
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

MISSING = "object_type.target: the server's schema has no object class 'inetOrgPerso'"


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own for the CLI runs."""
    with OpenLDAPServer() as server:
        yield server


def _config(tmp_path: Path, server: OpenLDAPServer, **object_type: Any) -> Path:
    connectivity = dict(server.connectivity(security="ldaps"))
    connectivity.pop("password")
    connectivity["password_env"] = "TEST_LDAP_PASSWORD"
    document = posix_example(connectivity, people_dn=server.people_dn)
    document["object_type"].update(object_type)
    document["run_profiles"] = {"delta_import": True}
    config = tmp_path / "connector.toml"
    config.write_text(to_toml(document), encoding="utf-8")
    return config


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["import"], id="import"),
        pytest.param(["import", "--delta"], id="delta"),
        pytest.param(["export", "--plan"], id="plan"),
        pytest.param(["export"], id="export"),
    ],
)
def test_a_target_class_the_schema_lacks_exits_2_with_a_suggestion(
    command: list[str],
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A misspelt target is refused before any search or write, naming the closest class."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config = _config(tmp_path, server, target="inetOrgPerso")
    source = tmp_path / "users.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in users(2)), encoding="utf-8")
    extra = ["--source", str(source)] if command[0] == "export" else []
    output = tmp_path / "objects.jsonl"
    state = tmp_path / "state.sqlite"
    argv = [*command, "--config", str(config), "--state", str(state), *extra]
    if command[0] == "import":
        argv += ["--output", str(output)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert f"{MISSING}; did you mean 'inetOrgPerson'?" in captured.err
    assert server.service_password not in captured.err + captured.out
    assert not output.exists() or output.read_text(encoding="utf-8") == ""


def test_an_auxiliary_class_the_schema_lacks_is_named_by_position(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each missing auxiliary class is one problem naming its index; no suggestion if none."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config = _config(tmp_path, server, auxiliary=["posixAccount", "posixAcount", "zzzqqq"])
    assert main(["import", "--config", str(config), "--state", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "invalid configuration (2 problems)" in err
    lines = err.splitlines()
    assert (
        "  - object_type.auxiliary[1]: the server's schema has no object class 'posixAcount'; "
        "did you mean 'posixAccount'?"
    ) in lines
    assert "  - object_type.auxiliary[2]: the server's schema has no object class 'zzzqqq'" in lines


def test_schema_config_without_class_shows_the_configured_classes(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No --class: [object_type] target and auxiliary; --aux adds to them."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config = _config(tmp_path, server, auxiliary=["posixAccount"])
    argv = ["schema", "--config", str(config), "--json"]
    assert main([*argv, "--aux", "shadowAccount"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["structural"] == "inetOrgPerson"
    assert report["auxiliary"] == ["posixAccount", "shadowAccount"]
    required = {row["name"] for row in report["required"]}
    assert {"uidNumber", "homeDirectory", "sn"} <= required
    assert main([*argv, "--class", "person"]) == 0  # --class still wins, without auxiliaries
    report = json.loads(capsys.readouterr().out)
    assert (report["structural"], report["auxiliary"]) == ("person", [])


def test_schema_config_without_class_refuses_a_missing_configured_class(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The configured target is checked like the profiles check it: exit 2, did-you-mean."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    config = _config(tmp_path, server, target="inetOrgPerso")
    assert main(["schema", "--config", str(config)]) == 2
    assert f"{MISSING}; did you mean 'inetOrgPerson'?" in capsys.readouterr().err


def test_schema_file_without_class_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A schema dump has no configured class to fall back on."""
    dump = tmp_path / "schema.json"
    dump.write_text("{}", encoding="utf-8")
    assert main(["schema", "--schema", str(dump)]) == 2
    assert "--class is required with --schema" in capsys.readouterr().err
