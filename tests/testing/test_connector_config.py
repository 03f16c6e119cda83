"""``server.connector_config(**sections)``: a whole ConnectorConfig for a test server."""

from __future__ import annotations

import subprocess
import uuid

import pytest

from ldapconnector import Connector
from ldapconnector.config import Security
from ldapconnector.errors import ConfigurationError
from ldapconnector.testing import OpenLDAPServer


@pytest.mark.integration
@pytest.mark.openldap
def test_one_call_gives_a_config_an_export_can_use(openldap_server: OpenLDAPServer) -> None:
    """The config binds as the service account over LDAPS and exports a user."""
    server = openldap_server
    name = f"cc-{uuid.uuid4().hex[:8]}"
    config = server.connector_config(
        object_type={"target": "inetOrgPerson", "containers": [server.people_dn]},
        mappings=[
            {
                "type": "expression",
                "target": "-dn-",
                "expression": f'Join("", "uid=", [login], ",{server.people_dn}")',
            },
            {"type": "direct", "source": "login", "target": "uid"},
            {"type": "direct", "source": "login", "target": "cn"},
            {"type": "direct", "source": "surname", "target": "sn"},
        ],
    )
    assert config.connectivity.security is Security.LDAPS
    assert config.connectivity.user == server.service_dn
    with Connector(config) as connector:
        report = connector.export([{"id": name, "login": name, "surname": "Doe"}])
    assert [result.outcome.value for result in report.results] == ["created"]
    found = subprocess.run(
        ["ldapsearch", "-LLL", "-x", "-ZZ", "-H", server.ldap_uri, "-D", server.admin_dn,
         "-w", server.admin_password, "-b", server.people_dn, f"(uid={name})", "sn"],
        env=server.tool_env(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "sn: Doe" in found.stdout


def test_connectivity_overrides_and_bad_sections_are_reported(
    openldap_server: OpenLDAPServer,
) -> None:
    """A ``connectivity`` dict is merged over the server's; a bad section is refused."""
    config = openldap_server.connector_config(
        "starttls",
        connectivity={"timeout": 7.5},
        object_type={"target": "inetOrgPerson"},
    )
    assert config.connectivity.security is Security.STARTTLS
    assert config.connectivity.timeout == 7.5
    with pytest.raises(ConfigurationError, match="object_type"):
        openldap_server.connector_config(object_type={"target": ""})
