"""``Connector`` checks the ``[object_type]`` classes against a real slapd's schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.cli._demo_data import posix_example, users
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import SearchScope
from ldapconnector.profiles.delta import DELTA_WATERMARK_KEY
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own."""
    with OpenLDAPServer() as server:
        yield server


def _config(server: OpenLDAPServer, **object_type: Any) -> ConnectorConfig:
    document = posix_example(server.connectivity(), people_dn=server.people_dn)
    document["object_type"].update(object_type)
    document["run_profiles"] = {"delta_import": True}
    return ConnectorConfig.from_dict(document, allow_literal_password=True)


def test_every_profile_refuses_a_target_the_schema_lacks(server: OpenLDAPServer) -> None:
    """Full import, delta import, plan and export raise before any search or write."""
    expected = (
        "object_type.target: the server's schema has no object class 'inetOrgPersn'; "
        "did you mean 'inetOrgPerson'?",
    )
    with Connector(_config(server, target="inetOrgPersn")) as connector:
        runs = {
            "full_import": connector.full_import,
            "delta_import": connector.delta_import,
            "plan": lambda: connector.plan(users(1)),
            "export": lambda: connector.export(users(1)),
        }
        for name, run in runs.items():
            with pytest.raises(ConfigurationError) as caught:
                run()
            assert caught.value.problems == expected, name
        people = connector.connection.search(
            server.people_dn, scope=SearchScope.ONE_LEVEL, attributes=["1.1"]
        )
        assert list(people) == []
    assert connector.store.get_watermark(DELTA_WATERMARK_KEY) is None


def test_known_classes_pass_whatever_their_case(server: OpenLDAPServer) -> None:
    """Class names are case-insensitive, as in LDAP; aliases and OIDs name classes too."""
    config = _config(server, target="INETORGPERSON", auxiliary=["posixaccount", "1.3.6.1.1.1.2.1"])
    with Connector(config) as connector:
        connector.check_object_type()
        assert list(connector.full_import()) == []
