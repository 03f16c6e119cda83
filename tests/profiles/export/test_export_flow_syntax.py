"""A set-attribute flow is checked against the attribute's syntax before the first record."""

from __future__ import annotations

import pytest

from ldapconnector.cli._demo_data import posix_example, user_record
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


def _connector(server: OpenLDAPServer, attribute: str) -> Connector:
    data = posix_example(server.connectivity(security="ldaps"), people_dn=server.people_dn)
    data["deprovisioning"]["disable"] = {"set_attribute": attribute, "value": True}
    return Connector(ConnectorConfig.from_dict(data, allow_literal_password=True))


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ("pwdAccountLockedTime", "'pwdAccountLockedTime' holds generalized-time values"),
        ("shadowMin", "'shadowMin' holds integer values"),
        ("noSuchLockFlag", "the server's schema has no attribute 'noSuchLockFlag'"),
    ],
)
def test_a_flow_on_an_attribute_that_cannot_hold_a_boolean_is_refused_at_start(
    openldap_server: OpenLDAPServer, attribute: str, message: str
) -> None:
    """pwdAccountLockedTime (a time), a number or an unknown name: refused before any write."""
    with _connector(openldap_server, attribute) as connector:
        for run in (connector.export, connector.plan):
            with pytest.raises(ConfigurationError, match=message) as info:
                run([user_record(900)])
            assert "deprovisioning.disable" in str(info.value)
    # Nothing was written: the record's user does not exist.
    with _connector(openldap_server, "pwdReset") as connector:
        report = connector.plan([user_record(900)])
    assert [r.outcome.value for r in report.results] == ["created"]


def test_a_boolean_flow_attribute_is_accepted(openldap_server: OpenLDAPServer) -> None:
    """pwdReset (Boolean syntax) passes the check; the plan is made."""
    with _connector(openldap_server, "pwdReset") as connector:
        report = connector.plan([user_record(901)])
    assert report.ok
