"""``[object_type] query_attribute``: what ``Connector.resolve`` searches, on a real slapd."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ldapconnector.anchors import Anchor
from ldapconnector.cli._demo_data import posix_example
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key
from ldapconnector.errors import ConfigurationError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

# RDN values with every character RFC 4515 makes special in a filter value.
STARRED = r"cn=Smith (J*) \5C x,ou=people,dc=contoso,dc=lab"
PLAIN = "cn=Smith (Jo),ou=people,dc=contoso,dc=lab"
OUTSIDE = "cn=Outside,dc=contoso,dc=lab"
UUID = "0d1e3f6a-1111-4222-8333-944455556666"


def _person(dn: str, cn: str, extra: str = "") -> str:
    return f"dn: {dn}\nobjectClass: inetOrgPerson\ncn: {cn}\nsn: Smith\n{extra}\n"


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd of its own with two people under ou=people and one outside it."""
    with OpenLDAPServer() as server:
        server.add_ldif(
            _person(STARRED, "Smith (J*) \\ x")
            + "\n"
            + _person(PLAIN, "Smith (Jo)", f"employeeNumber: {UUID}\n")
            + "\n"
            + _person(OUTSIDE, "Outside")
        )
        yield server


def _connector(server: OpenLDAPServer, **object_type: Any) -> Connector:
    document = posix_example(server.connectivity(), people_dn=server.people_dn)
    document["object_type"].update(object_type)
    return Connector(ConnectorConfig.from_dict(document, allow_literal_password=True))


def test_dn_anchor_is_found_through_the_query_attribute(server: OpenLDAPServer) -> None:
    """With entryDN as query attribute, a DN anchor is an escaped filter under the containers.

    Without it the lookup is a base search of the DN, which finds an entry outside the
    configured containers too: with it, only the containers are searched.
    """
    with _connector(server, anchor="-dn-", query_attribute="entryDN") as connector:
        connector.check_object_type()
        found = connector.resolve(Anchor.parse("dn", STARRED))
        assert found is not None
        assert dn_key(found.dn) == dn_key(STARRED)
        assert found.texts("entryDN")  # read back with the entry
        assert connector.resolve(Anchor.parse("dn", OUTSIDE)) is None
    with _connector(server, anchor="-dn-") as connector:
        assert connector.resolve(Anchor.parse("dn", OUTSIDE)) is not None


def test_other_attribute_holding_the_anchor_value(server: OpenLDAPServer) -> None:
    """An entryUUID anchor is looked up in employeeNumber when that is the query attribute."""
    anchor = Anchor.parse("entryUUID", UUID)
    with _connector(server, anchor="entryUUID", query_attribute="employeeNumber") as connector:
        found = connector.resolve(anchor)
        assert found is not None
        assert dn_key(found.dn) == dn_key(PLAIN)
    with _connector(server, anchor="entryUUID") as connector:
        assert connector.resolve(anchor) is None


def test_unknown_query_attribute_is_refused_at_start(server: OpenLDAPServer) -> None:
    """A query attribute the schema lacks stops every run before it searches."""
    connector = _connector(server, query_attribute="employeeNumbr")
    with connector, pytest.raises(ConfigurationError) as caught:
        connector.full_import()
    assert caught.value.problems == (
        "object_type.query_attribute: the server's schema has no attribute 'employeeNumbr'",
    )


@pytest.mark.parametrize("spelling", ["-dn-", "_distinguishedName"])
def test_dn_query_attribute_needs_a_dn_anchor(server: OpenLDAPServer, spelling: str) -> None:
    """A DN spelling finds a DN anchor as before, and refuses an entryUUID anchor clearly."""
    with _connector(server, anchor="-dn-", query_attribute=spelling) as connector:
        connector.check_object_type()
        assert connector.resolve(Anchor.parse("dn", OUTSIDE)) is not None
    with _connector(server, anchor="entryUUID", query_attribute=spelling) as connector:
        connector.check_object_type()
        with pytest.raises(ConfigurationError, match="finds entries by DN, but the anchor is"):
            connector.resolve(Anchor.parse("entryUUID", UUID))
