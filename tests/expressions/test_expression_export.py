"""An expression that fails on one record fails that record only, on a real slapd."""

from __future__ import annotations

import subprocess

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.expressions._functions_replace import REGEX_TIMEOUT
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

CATASTROPHIC_CN = 'Replace([displayName], , "(a|aa)+$", , "x", , )'
"""Leaves ordinary names alone; backtracks exponentially on a run of a's before a '!'."""


def _config(server: OpenLDAPServer) -> ConnectorConfig:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    for mapping in data["mappings"]:
        if mapping["target"] == "cn":
            mapping.clear()
            mapping.update(type="expression", target="cn", expression=CATASTROPHIC_CN)
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _uids(server: OpenLDAPServer) -> set[str]:
    """The uids under the people container, read with ldap-utils (not the library)."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-ZZ", "-H", server.ldap_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", server.people_dn,
        "(objectClass=inetOrgPerson)", "uid",
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=True)
    return {line.removeprefix("uid: ") for line in done.stdout.splitlines() if line[:5] == "uid: "}


def test_regex_timeout_fails_one_record_and_the_next_is_exported(
    fresh_openldap_server: OpenLDAPServer,
) -> None:
    """A Replace that times out gives its record a failed result with the reason; others go on."""
    server = fresh_openldap_server
    records = users(3)
    records[1]["displayName"] = "a" * 40 + "!"
    with SqliteLinkStore.in_memory() as store, Connector(_config(server), store=store) as conn:
        report = conn.export(records)
    outcomes = [(r.id, r.outcome) for r in report.results]
    assert outcomes == [
        ("src-000000", ExportOutcome.CREATED),
        ("src-000001", ExportOutcome.FAILED),
        ("src-000002", ExportOutcome.CREATED),
    ]
    reason = report.results[1].error or ""
    assert "Replace" in reason
    assert f"gave up after {REGEX_TIMEOUT:g} s" in reason
    assert "(a|aa)+$" in reason
    assert report.error is None
    logins = {str(r["userPrincipalName"]).partition("@")[0] for r in records}
    assert _uids(server) == logins - {records[1]["userPrincipalName"].partition("@")[0]}
