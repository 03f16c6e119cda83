"""DN shapes the hostile soak found that a source value could give an expression-built DN.

Each was a bug: a multi-valued RDN added an attribute value no mapping gives, a hex-string
RDN value was stored as other text, and whitespace controls around a value were dropped by
the parser but kept by slapd. All three are now refused per record.
"""

from __future__ import annotations

import subprocess

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _ldap_dns(server: OpenLDAPServer, search_filter: str) -> list[str]:
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.base_dn,
        search_filter, "1.1",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return [line[4:] for line in done.stdout.splitlines() if line.startswith("dn: ")]


def test_a_plus_in_a_login_cannot_add_an_attribute_value() -> None:
    """Login a+employeeType=admin: refused, or created without employeeType=admin."""
    record = {**user_record(0), "userPrincipalName": "a+employeeType=admin@h.lab"}
    with OpenLDAPServer() as server, Connector(_config(server)) as connector:
        connector.export([record])
        assert _ldap_dns(server, "(employeeType=admin)") == []


def test_a_login_starting_with_a_hash_exports_the_same_way_twice() -> None:
    """Login #41: refused both times, or created then unchanged."""
    record = {**user_record(0), "userPrincipalName": "#41@h.lab"}
    with OpenLDAPServer() as server, Connector(_config(server)) as connector:
        (first,) = connector.export([record]).results
        (second,) = connector.export([record]).results
    if first.outcome is ExportOutcome.FAILED:
        assert second.outcome is ExportOutcome.FAILED
    else:
        assert second.outcome is ExportOutcome.UNCHANGED, second.error


def test_a_leading_separator_control_does_not_add_a_second_cn() -> None:
    """Login \\x1ex: refused, or the entry's cn is the display name and the RDN value only."""
    record = {**user_record(0), "userPrincipalName": "\x1ex@h.lab"}
    with OpenLDAPServer() as server, Connector(_config(server)) as connector:
        (result,) = connector.export([record]).results
        argv = [
            "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
            "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
            "-s", "one", "(objectClass=posixAccount)", "cn",
        ]  # fmt: skip
        done = subprocess.run(argv, env=server.tool_env(), capture_output=True, check=True)
    cn_lines = [line for line in done.stdout.splitlines() if line.startswith(b"cn:")]
    assert result.outcome is ExportOutcome.FAILED or len(cn_lines) == 2, cn_lines
