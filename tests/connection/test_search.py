"""Paged, streaming search as the service account against the real slapd."""

from __future__ import annotations

import pytest

from ldapconnector.connection import SearchScope, open_connection
from ldapconnector.errors import InvalidRequestError, NoSuchObjectError
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

SEEDED = 5000


def _people_ldif(base_dn: str, count: int) -> str:
    return "".join(
        f"dn: uid=bulk{i:05d},ou=bulk,ou=people,{base_dn}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: bulk{i:05d}\ncn: Bulk User {i}\nsn: User{i}\n\n"
        for i in range(count)
    )


@pytest.fixture(name="bulk_server", scope="module")
def fixture_bulk_server() -> OpenLDAPServer:
    """A slapd of its own seeded with 5,000 people under ou=bulk,ou=people."""
    base = "dc=contoso,dc=lab"
    seed = f"dn: ou=bulk,ou=people,{base}\nobjectClass: organizationalUnit\nou: bulk\n\n"
    with OpenLDAPServer(seed_ldif=seed + _people_ldif(base, SEEDED)) as server:
        yield server  # type: ignore[misc]


def test_service_account_pages_past_the_size_limit(bulk_server: OpenLDAPServer) -> None:
    """All 5,000 entries come back to the service account (the 500 limit does not bite)."""
    settings = bulk_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        uids = {
            entry.first("uid")
            for entry in conn.search(
                f"ou=bulk,ou=people,{bulk_server.base_dn}",
                "(objectClass=inetOrgPerson)",
                attributes=["uid"],
                page_size=1000,
            )
        }
    assert len(uids) == SEEDED


def test_search_streams_before_the_last_page(bulk_server: OpenLDAPServer) -> None:
    """The first entry is yielded after one page request, before the rest are asked for."""
    settings = bulk_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        before = conn.requests_sent
        results = conn.search(
            f"ou=bulk,ou=people,{bulk_server.base_dn}",
            "(objectClass=inetOrgPerson)",
            attributes=["uid"],
            page_size=100,
        )
        first = next(results)
        after_first = conn.requests_sent
        rest = sum(1 for _ in results)
        after_all = conn.requests_sent
    assert first.first("uid") is not None
    assert after_first - before == 1
    assert rest == SEEDED - 1
    assert after_all - before == SEEDED // 100


def test_binary_attributes_stay_bytes(openldap_server: OpenLDAPServer) -> None:
    """A jpegPhoto with arbitrary bytes comes back as bytes, byte for byte."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    photo = bytes(range(256))
    dn = f"uid=photo-user,ou=people,{openldap_server.base_dn}"
    with open_connection(settings) as conn:
        conn.add(
            dn,
            {
                "objectClass": ["inetOrgPerson"],
                "uid": "photo-user",
                "cn": "Photo User",
                "sn": "User",
                "jpegPhoto": photo,
            },
        )
        try:
            entry = conn.read_entry(dn, ["jpegPhoto", "cn"])
        finally:
            conn.delete(dn)
    assert entry is not None
    assert entry.get("jpegPhoto") == (photo,)
    assert entry.get("CN") == ("Photo User",)


def test_read_missing_entry_returns_none(openldap_server: OpenLDAPServer) -> None:
    """Reading a DN that does not exist returns None rather than raising."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        assert conn.read_entry(f"uid=nobody-here,ou=people,{openldap_server.base_dn}") is None
        with pytest.raises(NoSuchObjectError):
            list(conn.search(f"ou=nowhere,{openldap_server.base_dn}", scope=SearchScope.ONE_LEVEL))


def test_malformed_filter_is_refused(openldap_server: OpenLDAPServer) -> None:
    """A filter with unbalanced parentheses raises InvalidRequestError, not an ldap3 error."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn, pytest.raises(InvalidRequestError):
        list(conn.search(openldap_server.base_dn, "(uid=x"))


def test_subschema_is_readable(openldap_server: OpenLDAPServer) -> None:
    """The subschema entry found through the Root DSE lists inetOrgPerson."""
    settings = openldap_server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        subschema = conn.read_subschema()
    classes = " ".join(subschema.texts("objectClasses"))
    assert "inetOrgPerson" in classes
    assert len(subschema.texts("attributeTypes")) > 100
