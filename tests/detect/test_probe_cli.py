"""``ldapconnector probe`` against the real throwaway slapd."""

from __future__ import annotations

import json

import pytest

from ldapconnector.cli import main
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def test_probe_url_json(
    openldap_server: OpenLDAPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Probing an ldaps:// URL anonymously prints one JSON document naming OpenLDAP."""
    port = openldap_server.connectivity_config(security="ldaps").effective_port
    code = main(
        ["probe", f"ldaps://localhost:{port}", "--ca-file", str(openldap_server.ca_file), "--json"]
    )
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    assert document["vendor"] == "openldap"
    assert document["delta_source"] == "accesslog"
    assert document["certificate"]["subject"].startswith("CN=")


def test_probe_human_output_with_bind(
    openldap_server: OpenLDAPServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A StartTLS probe bound as the service account prints the Global-page style report."""
    monkeypatch.setenv("PROBE_PASSWORD", openldap_server.service_password)
    port = openldap_server.connectivity_config(security="starttls").effective_port
    code = main(
        [
            "probe",
            f"ldap://localhost:{port}",
            "--starttls",
            "--ca-file",
            str(openldap_server.ca_file),
            "--bind-dn",
            openldap_server.service_dn,
            "--password-env",
            "PROBE_PASSWORD",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "OpenLDAP" in out
    assert "cn=accesslog" in out
    assert openldap_server.service_password not in out


def test_probe_bad_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A URL that is not ldap:// or ldaps:// exits with 2 and says why."""
    assert main(["probe", "http://example.invalid"]) == 2
    assert "url:" in capsys.readouterr().err
