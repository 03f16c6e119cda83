"""Every CLI command that connects turns a CA file that is not PEM into one line and exit 2."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import pytest

from ldapconnector.cli import main
from ldapconnector.cli._demo_data import posix_example, to_toml
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _bad_ca(tmp_path: Path, server: OpenLDAPServer, kind: str) -> Path:
    if kind == "garbage":
        path = tmp_path / "ca.pem"
        path.write_text("garbage, not a certificate\n", encoding="utf-8")
        return path
    path = tmp_path / "ca.der"
    path.write_bytes(ssl.PEM_cert_to_DER_cert(Path(server.ca_file).read_text(encoding="ascii")))
    return path


def _config(tmp_path: Path, server: OpenLDAPServer, ca_file: Path) -> Path:
    connectivity = dict(server.connectivity(security="ldaps"))
    connectivity.pop("password")
    connectivity["password_env"] = "TEST_LDAP_PASSWORD"
    connectivity["ca_file"] = str(ca_file)
    config = tmp_path / "connector.toml"
    config.write_text(to_toml(posix_example(connectivity, people_dn=server.people_dn)))
    return config


def _argv(command: str, config: Path, tmp_path: Path, server: OpenLDAPServer) -> list[str]:
    source = tmp_path / "users.jsonl"
    source.write_text(json.dumps({"id": "1", "userPrincipalName": "a@b.c"}) + "\n")
    return {
        "probe-config": ["probe", "--config", str(config)],
        "probe-url": ["probe", f"ldaps://localhost:{server.ldaps_port}", "--ca-file", "CA"],
        "import": ["import", "--config", str(config)],
        "import-delta": ["import", "--config", str(config), "--delta"],
        "export": ["export", "--config", str(config), "--source", str(source)],
        "plan": ["export", "--config", str(config), "--source", str(source), "--plan"],
        "schema": ["schema", "--config", str(config), "--class", "inetOrgPerson"],
    }[command]


@pytest.mark.parametrize("kind", ["garbage", "der"])
@pytest.mark.parametrize(
    "command",
    ["probe-config", "probe-url", "import", "import-delta", "export", "plan", "schema"],
)
def test_ca_file_not_pem_is_one_line_and_exit_2(
    openldap_server: OpenLDAPServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
    kind: str,
) -> None:
    """The command prints one error line naming the file, no traceback, and exits 2."""
    monkeypatch.setenv("TEST_LDAP_PASSWORD", openldap_server.service_password)
    ca_file = _bad_ca(tmp_path, openldap_server, kind)
    argv = _argv(command, _config(tmp_path, openldap_server, ca_file), tmp_path, openldap_server)
    argv = [str(ca_file) if arg == "CA" else arg for arg in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(ca_file) in lines[0]
    assert "not a PEM certificate" in lines[0]
    assert "Traceback" not in err
