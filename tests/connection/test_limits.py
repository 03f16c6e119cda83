"""A search cut short by the server's limits raises; it never looks complete."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ldapconnector.config import Binding, ConnectivityConfig, Secret, Security
from ldapconnector.connection import open_connection
from ldapconnector.errors import SizeLimitExceededError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"
PASSWORD = "Reader-Pa55"


@pytest.fixture(name="server", scope="module")
def fixture_server() -> Iterator[OpenLDAPServer]:
    """A slapd with 700 people and an ordinary reader held to the default 500 limit."""
    seed = [
        f"dn: uid=reader,ou=groups,{BASE}\nobjectClass: account\n"
        f"objectClass: simpleSecurityObject\nuid: reader\nuserPassword: {PASSWORD}\n\n"
    ]
    seed += [
        f"dn: uid=p{i},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: p{i}\ncn: p\nsn: p\n\n"
        for i in range(700)
    ]
    with OpenLDAPServer(seed_ldif="".join(seed)) as server:
        yield server


def _reader(server: OpenLDAPServer) -> ConnectivityConfig:
    return ConnectivityConfig(
        host="localhost",
        port=server.connectivity_config(security="ldaps").port,
        security=Security.LDAPS,
        binding=Binding.SIMPLE,
        user=f"uid=reader,ou=groups,{BASE}",
        password=Secret(PASSWORD),
        ca_file=str(server.ca_file),
    )


@pytest.mark.parametrize("page_size", [0, 100, 1000])
def test_server_size_limit_raises(server: OpenLDAPServer, page_size: int) -> None:
    """Paged or not, the reader's search stops at 500 with SizeLimitExceededError."""
    seen: list[str] = []

    def read_all() -> None:
        with open_connection(_reader(server)) as conn:
            for entry in conn.search(f"ou=people,{BASE}", "(uid=p*)", page_size=page_size):
                seen.append(entry.dn)

    with pytest.raises(SizeLimitExceededError) as caught:
        read_all()
    assert len(seen) <= 500
    assert f"ou=people,{BASE}" in str(caught.value)


def test_callers_own_size_limit_is_not_an_error(server: OpenLDAPServer) -> None:
    """A size limit the caller asked for ends the search quietly with that many entries."""
    with open_connection(_reader(server)) as conn:
        found = list(conn.search(f"ou=people,{BASE}", "(uid=p*)", page_size=0, size_limit=10))
    assert len(found) == 10


def test_service_account_reads_all(server: OpenLDAPServer) -> None:
    """The service account, with no size limit, reads all 700."""
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        assert sum(1 for _ in conn.search(f"ou=people,{BASE}", "(uid=p*)", page_size=100)) == 700
