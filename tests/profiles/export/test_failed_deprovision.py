"""A disable or delete the server refuses fails that record, and the result names its entry."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.profiles import ExportOutcome
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _config(server: OpenLDAPServer, disable: object) -> ConnectorConfig:
    data = posix_example(
        server.connectivity(security="ldaps"), people_dn=server.people_dn, disable=disable
    )
    return ConnectorConfig.from_dict(data, allow_literal_password=True)


def _deprovision(
    server: OpenLDAPServer, disable: object, index: int, flag: str, child: bool = False
) -> tuple[Any, str]:
    """Create user ``index``, optionally give it a child entry, then send it through a flow."""
    record = user_record(index)
    with (
        SqliteLinkStore.in_memory() as store,
        Connector(_config(server, disable), store=store) as connector,
    ):
        created = connector.export([record]).results[0]
        assert created.outcome is ExportOutcome.CREATED
        assert created.dn is not None
        if child:
            ldif = f"dn: cn=child,{created.dn}\nobjectClass: device\ncn: child\n"
            argv = ["ldapadd", "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
                    "-w", server.admin_password]  # fmt: skip
            subprocess.run(argv, input=ldif, env=server.tool_env(), text=True, check=True,
                           capture_output=True)  # fmt: skip
        result = connector.export([record | {flag: True}]).results[0]
    return result, created.dn


def test_a_refused_disable_reports_the_entry(openldap_server: OpenLDAPServer) -> None:
    """pwdLockout is Boolean but no class of the user allows it: slapd says 65, the DN is named."""
    disable = {"set_attribute": "pwdLockout", "value": True}
    result, dn = _deprovision(openldap_server, disable, 620, "isSoftDeleted")
    assert result.outcome is ExportOutcome.FAILED
    assert result.dn is not None
    assert result.dn.lower() == dn.lower()
    assert result.anchor is not None
    assert result.to_json_dict()["dn"] == result.dn
    assert "objectClassViolation" in str(result.error)


def test_a_refused_delete_reports_the_entry(openldap_server: OpenLDAPServer) -> None:
    """A user entry that has a child cannot be deleted (66): the failure names the entry."""
    result, dn = _deprovision(openldap_server, "vendor", 621, "@deleted", child=True)
    assert result.outcome is ExportOutcome.FAILED
    assert result.dn is not None
    assert result.dn.lower() == dn.lower()
    assert "notAllowedOnNonLeaf" in str(result.error)
