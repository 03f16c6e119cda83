"""``ldapconnector import`` against a real slapd, with a TOML config file."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldapconnector.cli import main
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"
PHOTO = bytes(range(256))


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd with 30 people, one of them with a binary photo."""
    photo = base64.b64encode(PHOTO).decode()
    seed = "".join(
        f"dn: uid=u{i},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: u{i}\ncn: U {i}\nsn: U\n"
        + (f"jpegPhoto:: {photo}\n" if i == 0 else "")
        + "\n"
        for i in range(30)
    )
    with OpenLDAPServer(seed_ldif=seed) as server:
        yield server


def _config_file(tmp_path: Path, server: OpenLDAPServer) -> Path:
    section = server.connectivity(security="ldaps")
    path = tmp_path / "connector.toml"
    path.write_text(
        "[connectivity]\n"
        f'host = "{section["host"]}"\nport = {section["port"]}\nsecurity = "ldaps"\n'
        f'binding = "simple"\nuser = "{section["user"]}"\npassword_env = "TEST_LDAP_PASSWORD"\n'
        f'ca_file = "{section["ca_file"]}"\n\n'
        '[object_type]\ntarget = "inetOrgPerson"\n'
        f'containers = ["ou=people,{BASE}"]\n\n'
        "[run_profiles]\nexport = false\n",
        encoding="utf-8",
    )
    return path


def test_import_writes_json_lines(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Thirty objects come out as JSON Lines; the photo is base64; the summary counts them."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", server.service_password)
    output = tmp_path / "objects.jsonl"
    state = tmp_path / "state.sqlite"
    code = main(
        ["import", "--config", str(_config_file(tmp_path, server)), "--output", str(output),
         "--state", str(state), "--json"]
    )  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["summary"]["objects"] == 30
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 30
    assert {tuple(line["objectClass"]) for line in lines} == {("inetOrgPerson",)}
    assert len({line["anchor"] for line in lines}) == 30
    photo = next(line for line in lines if line["dn"].startswith("uid=u0,"))
    assert base64.b64decode(photo["attributes"]["jpegPhoto"][0]["base64"]) == PHOTO
    assert state.exists()


def test_import_with_missing_password_variable_is_a_usage_error(
    server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without the password variable the command exits 2 and names the variable."""
    monkeypatch.delenv("TEST_LDAP_PASSWORD", raising=False)
    assert main(["import", "--config", str(_config_file(tmp_path, server))]) == 2
    assert "TEST_LDAP_PASSWORD" in capsys.readouterr().err
