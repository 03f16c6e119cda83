"""The real-server matrix: one ``directory_server`` fixture over OpenLDAP, 389 DS and Samba AD.

Tests that take ``directory_server`` run once per server kind, each marked with the
server's marker (``-m openldap``, ``-m ds389``, ``-m samba``). Where the servers behave
differently the difference is a field of :class:`DirectoryUnderTest`, so each test asserts
the real behaviour of the server it runs against instead of skipping.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import attrs
import pytest

from ldapconnector.testing import DS389Server, OpenLDAPServer, SambaADServer

ServerKind = Literal["openldap", "ds389", "samba"]
AnyServer = OpenLDAPServer | DS389Server | SambaADServer

SERVER_PARAMS = [
    pytest.param("openldap", marks=pytest.mark.openldap, id="openldap"),
    pytest.param("ds389", marks=pytest.mark.ds389, id="ds389"),
    pytest.param("samba", marks=pytest.mark.samba, id="samba"),
]

_FIXTURES: dict[str, str] = {
    "openldap": "openldap_server",
    "ds389": "ds389_server",
    "samba": "samba_ad_server",
}


@attrs.frozen(kw_only=True)
class DirectoryUnderTest:
    """One running server of the matrix and the ways it differs from the others.

    Attributes:
        kind: ``openldap``, ``ds389`` or ``samba``.
        server: the running fixture.
        naming_attribute: the RDN attribute of a person (AD insists on ``cn``).
        has_who_am_i: the server implements the WhoAmI extended operation (RFC 4532).
        authz_id_prefix: what WhoAmI puts before a DN: ``dn:`` (RFC 4513), but 389 DS
            answers ``dn: `` with a space.
        has_client_certificates: SASL EXTERNAL with a client certificate is set up.
        refuses_plain_simple_bind: a simple bind over unprotected LDAP is refused (8).
        has_password_modify: the Password Modify extended operation (RFC 3062) exists.
        multi_valued_attribute: a multi-valued text attribute of inetOrgPerson (AD makes
            ``mail`` single-valued, so Samba uses ``otherMailbox``).
        requires_sn: ``person`` needs ``sn`` (in AD's schema it is optional).
        paged_missing_base_is_empty: a *paged* search below a missing base answers
            success with no entries (389 DS 2.3) instead of noSuchObject (32).
    """

    kind: ServerKind
    server: AnyServer
    naming_attribute: str
    has_who_am_i: bool
    authz_id_prefix: str
    has_client_certificates: bool
    refuses_plain_simple_bind: bool
    has_password_modify: bool
    multi_valued_attribute: str
    requires_sn: bool
    paged_missing_base_is_empty: bool

    @property
    def base_dn(self) -> str:
        """The suffix (``DC=contoso,DC=lab`` as Samba spells it)."""
        return self.server.base_dn

    @property
    def people_dn(self) -> str:
        """The container the service account may write."""
        return self.server.people_dn

    @property
    def groups_dn(self) -> str:
        """A container the service account may not write."""
        return self.server.groups_dn

    def person_dn(self, name: str, parent: str | None = None) -> str:
        """Return the DN of a person called ``name`` under ``parent`` (``people_dn``)."""
        return f"{self.naming_attribute}={name},{parent or self.people_dn}"

    def display_cn(self, name: str, wanted: str) -> str:
        """Return the ``cn`` a person gets: ``wanted``, or ``name`` where cn is the RDN."""
        return name if self.naming_attribute == "cn" else wanted


def describe(kind: ServerKind, server: AnyServer) -> DirectoryUnderTest:
    """Return the matrix entry for a running server of ``kind``."""
    samba = kind == "samba"
    return DirectoryUnderTest(
        kind=kind,
        server=server,
        naming_attribute="cn" if samba else "uid",
        has_who_am_i=not samba,
        authz_id_prefix="dn: " if kind == "ds389" else "dn:",
        has_client_certificates=kind == "openldap",
        refuses_plain_simple_bind=samba,
        has_password_modify=not samba,
        multi_valued_attribute="otherMailbox" if samba else "mail",
        requires_sn=not samba,
        paged_missing_base_is_empty=kind == "ds389",
    )


@pytest.fixture(params=SERVER_PARAMS, name="directory_server")
def fixture_directory_server(request: pytest.FixtureRequest) -> DirectoryUnderTest:
    """Each real server of the matrix in turn (session-scoped servers, started once)."""
    kind: ServerKind = request.param
    server: AnyServer = request.getfixturevalue(_FIXTURES[kind])
    return describe(kind, server)


def _listening_sockets() -> dict[str, str]:
    """Map socket inodes to local ``address:port`` for every listening TCP socket."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as handle:
            for line in handle.readlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    found[fields[9]] = fields[1]
    return found


def listening_addresses(pid: int) -> set[str]:
    """Return the local addresses ``pid`` listens on, in /proc hex (``0100007F:0185``)."""
    sockets = _listening_sockets()
    addresses = set()
    for link in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(link)
        except OSError:
            continue
        if target.startswith("socket:["):
            inode = target[len("socket:[") : -1]
            if inode in sockets:
                addresses.add(sockets[inode])
    return addresses


@pytest.fixture(name="listening_on")
def fixture_listening_on() -> Callable[[int], set[str]]:
    """A function returning the addresses a process listens on (hex, as /proc shows them)."""
    return listening_addresses
