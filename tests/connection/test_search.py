"""Paged, streaming search as the service account against every real server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs
import pytest

from ldapconnector.connection import open_connection
from ldapconnector.errors import InvalidRequestError, NoSuchObjectError
from ldapconnector.model import SearchScope
from ldapconnector.testing import DS389Server, OpenLDAPServer
from ldapconnector.testing.pytest_plugin import require_ds389, require_openldap

if TYPE_CHECKING:
    from tests.conftest import AnyServer, DirectoryUnderTest

pytestmark = [pytest.mark.integration]

BULK_PARAMS = [
    pytest.param("openldap", marks=pytest.mark.openldap, id="openldap"),
    pytest.param("ds389", marks=pytest.mark.ds389, id="ds389"),
    pytest.param("samba", marks=pytest.mark.samba, id="samba"),
]

# Samba adds ~110 entries/s over LDAP (seeding offline would need a second instance on
# its fixed ports): 1,200 still exceed its MaxPageSize of 1,000.
SEEDED = {"openldap": 5000, "ds389": 5000, "samba": 1200}


@attrs.frozen
class Bulk:
    """A server holding ``count`` people under ``base``.

    Samba answers a last full page with a cookie, so reading everything takes one more
    (empty) page request than OpenLDAP and 389 DS need: ``extra_page_requests``.
    """

    server: AnyServer
    base: str
    count: int
    extra_page_requests: int = 0


def _people_ldif(parent: str, naming: str, count: int) -> str:
    return "".join(
        f"dn: {naming}=bulk{i:05d},{parent}\n"
        "objectClass: inetOrgPerson\n"
        f"uid: bulk{i:05d}\ncn: {f'bulk{i:05d}' if naming == 'cn' else f'Bulk User {i}'}\n"
        f"sn: User{i}\n\n"
        for i in range(count)
    )


@pytest.fixture(name="bulk", scope="module", params=BULK_PARAMS)
def fixture_bulk(request: pytest.FixtureRequest) -> Iterator[Bulk]:
    """A server with 5,000 people under ou=bulk,ou=people (1,200 on the shared Samba)."""
    kind = request.param
    count = SEEDED[kind]
    if kind == "samba":  # the session's Samba (one at a time), filled over LDAP
        server = request.getfixturevalue("samba_ad_server")
        parent = f"OU=bulk,{server.people_dn}"
        ou = f"dn: {parent}\nobjectClass: organizationalUnit\nou: bulk\n\n"
        server.add_ldif(ou + _people_ldif(parent, "cn", count))
        yield Bulk(server, parent, count, extra_page_requests=1)
        return
    cls = OpenLDAPServer if kind == "openldap" else DS389Server
    (require_openldap if kind == "openldap" else require_ds389)()
    parent = f"ou=bulk,{cls.people_dn}"
    seed = f"dn: {parent}\nobjectClass: organizationalUnit\nou: bulk\n\n"
    with cls(seed_ldif=seed + _people_ldif(parent, "uid", count)) as server:
        yield Bulk(server, parent, count)


def test_service_account_pages_past_the_size_limit(bulk: Bulk) -> None:
    """All seeded entries come back to the service account (size limits do not bite)."""
    settings = bulk.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        uids = {
            entry.first("uid")
            for entry in conn.search(
                bulk.base,
                "(objectClass=inetOrgPerson)",
                attributes=["uid"],
                page_size=1000,
            )
        }
    assert len(uids) == bulk.count


def test_search_streams_before_the_last_page(bulk: Bulk) -> None:
    """The first entry comes after two page requests (one answered, one read ahead).

    The rest of the pages are asked for only as the caller reads on.
    """
    settings = bulk.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        before = conn.requests_sent
        results = conn.search(
            bulk.base,
            "(objectClass=inetOrgPerson)",
            attributes=["uid"],
            page_size=100,
        )
        first = next(results)
        after_first = conn.requests_sent
        rest = sum(1 for _ in results)
        after_all = conn.requests_sent
    assert first.first("uid") is not None
    assert after_first - before == 2
    assert rest == bulk.count - 1
    assert after_all - before == bulk.count // 100 + bulk.extra_page_requests


def test_other_operations_while_a_page_is_read_ahead(bulk: Bulk) -> None:
    """Reads on the same connection mid-search get their own answers; no entry is lost."""
    settings = bulk.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        seen = 0
        for entry in conn.search(
            bulk.base, "(objectClass=inetOrgPerson)", attributes=["uid"], page_size=100
        ):
            seen += 1
            if seen % 150 == 1:  # now and then, while the next page is on its way
                again = conn.read_entry(entry.dn, ["uid"])
                assert again is not None
                assert again.first("uid") == entry.first("uid")
    assert seen == bulk.count


def test_a_search_left_early_does_not_disturb_the_next(bulk: Bulk) -> None:
    """Stopping mid-search (a page still read ahead) leaves the connection usable."""
    settings = bulk.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        results = conn.search(bulk.base, "(objectClass=inetOrgPerson)", page_size=100)
        for _ in range(150):
            next(results)
        results.close()
        count = sum(1 for _ in conn.search(bulk.base, "(objectClass=inetOrgPerson)"))
        # Another kind of request, answered as itself (Samba has no WhoAmI operation).
        root = conn.read_root_dse(("namingContexts",))
    assert count == bulk.count
    assert root.get("namingContexts")


def test_binary_attributes_stay_bytes(directory_server: DirectoryUnderTest) -> None:
    """A jpegPhoto with arbitrary bytes comes back as bytes, byte for byte."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    photo = bytes(range(256))
    dn = directory_server.person_dn("photo-user")
    with open_connection(settings) as conn:
        conn.add(
            dn,
            {
                "objectClass": ["inetOrgPerson"],
                "uid": "photo-user",
                "cn": directory_server.display_cn("photo-user", "Photo User"),
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
    assert entry.get("CN") == (directory_server.display_cn("photo-user", "Photo User"),)


def test_read_missing_entry_returns_none(directory_server: DirectoryUnderTest) -> None:
    """Reading a DN that does not exist returns None rather than raising."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        assert conn.read_entry(directory_server.person_dn("nobody-here")) is None
        nowhere = f"ou=nowhere,{directory_server.base_dn}"
        if directory_server.paged_missing_base_is_empty:  # 389 DS: success, no entries
            assert list(conn.search(nowhere, scope=SearchScope.ONE_LEVEL)) == []
            with pytest.raises(NoSuchObjectError):
                list(conn.search(nowhere, scope=SearchScope.ONE_LEVEL, page_size=0))
            return
        with pytest.raises(NoSuchObjectError):
            list(conn.search(nowhere, scope=SearchScope.ONE_LEVEL))


def test_malformed_filter_is_refused(directory_server: DirectoryUnderTest) -> None:
    """A filter with unbalanced parentheses raises InvalidRequestError, not an ldap3 error."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn, pytest.raises(InvalidRequestError):
        list(conn.search(directory_server.base_dn, "(uid=x"))


def test_subschema_is_readable(directory_server: DirectoryUnderTest) -> None:
    """The subschema entry found through the Root DSE lists inetOrgPerson."""
    settings = directory_server.server.connectivity_config(security="ldaps", binding="simple")
    with open_connection(settings) as conn:
        subschema = conn.read_subschema()
    classes = " ".join(subschema.texts("objectClasses"))
    assert "inetOrgPerson" in classes
    assert len(subschema.texts("attributeTypes")) > 100
