"""A search sent by ldap3's encoder (the path for connections ldap3 counts or signs) and by
the library's own encoder reach the same answer from a real slapd."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from ldapconnector.connection._entry_decoder import EntryDecoder
from ldapconnector.connection._lean import use_lean_decoder
from ldapconnector.connection._open import connect
from ldapconnector.connection._search_results import SearchRequest
from ldapconnector.connection._search_send import collect_search, send_search
from ldapconnector.model import SearchScope
from ldapconnector.testing import OpenLDAPServer

if TYPE_CHECKING:  # imported at run time only after the package (which quiets its warnings)
    import ldap3

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

BASE = "dc=contoso,dc=lab"


def _bound(server: OpenLDAPServer, *, counted: bool) -> ldap3.Connection:
    settings = server.connectivity_config(security="ldaps")
    if not counted:
        connection = connect(settings)
    else:  # as connect() builds it, with ldap3's usage counters on
        import ldap3

        base = connect(settings)
        connection = ldap3.Connection(
            base.server, user=base.user, password=base.password, collect_usage=True,
            raise_exceptions=True, auto_referrals=False, return_empty_attributes=False,
        )  # fmt: skip
        base.unbind()
        use_lean_decoder(connection.strategy)
        connection.open(read_server_info=False)
    connection.bind()
    return connection


def _pages(connection: ldap3.Connection, request: SearchRequest) -> Iterator[list[str]]:
    """The DNs of each page of a paged search (two entries a page)."""
    cookie: bytes | None = None
    while True:
        message_id = send_search(connection, request, [], page_size=2, cookie=cookie)
        raw, result, _ = collect_search(connection, message_id)
        decoder = EntryDecoder(base=request.base)
        yield [decoder.decode(message).dn for message in raw]
        paged = result.get("controls", {}).get("1.2.840.113556.1.4.319", {})
        cookie = paged.get("value", {}).get("cookie") or None
        if not cookie:
            return


@pytest.mark.parametrize(
    "search_filter",
    [
        "(objectClass=*)",
        "(|(ou=p*)(cn=*e*)(!(ou=x\\2a)))",
        "(&(objectClass=organizationalUnit)(ou=*))",
    ],
)
def test_both_encoders_page_through_the_same_entries(
    openldap_server: OpenLDAPServer, search_filter: str
) -> None:
    request = SearchRequest(BASE, search_filter, SearchScope.SUBTREE, ("uid", "cn"), 0)
    own, counted = _bound(openldap_server, counted=False), _bound(openldap_server, counted=True)
    try:
        by_own = list(_pages(own, request))
        by_ldap3 = list(_pages(counted, request))
        assert counted.usage.search_operations == len(by_ldap3)  # ldap3's path was taken
    finally:
        own.unbind()
        counted.unbind()
    assert by_own == by_ldap3
    assert sum(map(len, by_own)) > 2  # more than one page: the cookie went both ways
