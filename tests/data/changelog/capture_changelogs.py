"""Capture the change logs under tests/data/changelog from real throwaway servers.

Run ``.venv/bin/python tests/data/changelog/capture_changelogs.py`` to rewrite
``openldap-accesslog.ldif`` (slapd with slapo-accesslog) and ``389ds-retro-changelog.ldif``
(389 DS with the Retro Changelog). Both servers get the same writes, made through
``ldapconnector.connection`` as the service account; OpenLDAP also gets the bind
bookkeeping of a password policy with lockout (failed binds, a good bind).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import sys
import warnings
from pathlib import Path

import attrs
import ldif

from ldapconnector.config import Secret
from ldapconnector.connection import LdapConnection, open_connection
from ldapconnector.errors import AuthenticationFailedError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.delta._accesslog_decode import ACCESSLOG_ATTRIBUTES, accesslog_search
from ldapconnector.profiles.delta._changelog_decode import CHANGELOG_ATTRIBUTES, changelog_search
from ldapconnector.testing import DS389Server, OpenLDAPServer

HERE = Path(__file__).parent


def write_scenario(conn: LdapConnection, people: str) -> None:
    """Make the captured writes under ``people``: add, modify, move, rename, delete."""
    ann = f"uid=ann,{people}"
    conn.add(
        ann,
        {
            "objectClass": ["inetOrgPerson"],
            "uid": "ann",
            "cn": "Ann Archer",
            "sn": "Archer",
            "mail": ["ann@contoso.lab", "archer@contoso.lab"],
            "description": "first line\nsecond line é",
        },
    )
    conn.add(f"ou=sub,{people}", {"objectClass": ["organizationalUnit"], "ou": "sub"})
    conn.modify(
        ann,
        [
            Modification(ModifyOp.ADD, "telephoneNumber", ["+1 555 0100", "+1 555 0101"]),
            Modification(ModifyOp.DELETE, "mail", ["archer@contoso.lab"]),
            Modification(ModifyOp.REPLACE, "sn", ["Archer-Smith"]),
        ],
    )
    conn.modify(ann, [Modification(ModifyOp.DELETE, "telephoneNumber")])
    conn.modify(ann, [Modification(ModifyOp.REPLACE, "description")])
    conn.modify(ann, [Modification(ModifyOp.REPLACE, "userPassword", ["Secret-123"])])
    conn.modify_dn(ann, "uid=anna", new_superior=f"ou=sub,{people}")
    conn.modify_dn(f"uid=anna,ou=sub,{people}", "cn=Anna Archer", delete_old_rdn=False)
    conn.delete(f"cn=Anna Archer,ou=sub,{people}")


def _bind_bookkeeping(server: OpenLDAPServer) -> None:
    people = f"ou=people,{server.base_dn}"
    admin = server.connectivity_config(security="ldaps", as_service=False)
    with open_connection(admin) as conn:
        policy = next(conn.search(server.base_dn, "(objectClass=pwdPolicy)", attributes=["1.1"]))
        changes = [
            Modification(ModifyOp.REPLACE, "pwdLockout", ["TRUE"]),
            Modification(ModifyOp.REPLACE, "pwdMaxFailure", ["3"]),
        ]
        conn.modify(policy.dn, changes)
    with open_connection(server.connectivity_config(security="ldaps")) as conn:
        conn.add(
            f"uid=bob,{people}",
            {"objectClass": ["inetOrgPerson"], "uid": "bob", "cn": "Bob", "sn": "B"}
            | {"userPassword": "Bob-Secret-1"},
        )
    user = attrs.evolve(admin, user=f"uid=bob,{people}", password=Secret("wrong"))
    with contextlib.suppress(AuthenticationFailedError):
        open_connection(user).close()
    open_connection(attrs.evolve(user, password=Secret("Bob-Secret-1"))).close()


Record = tuple[str, dict[str, list[str | bytes]]]


def _dump(entries: list[Record], header: str, path: Path) -> None:
    out = io.BytesIO()
    writer = ldif.LDIFWriter(out, cols=78)
    for dn, attributes in entries:
        writer.unparse(dn, attributes)
    text = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    path.write_bytes(text.encode() + b"\n" + out.getvalue())


def _raw(
    conn: LdapConnection, base: str, search_filter: str, names: tuple[str, ...]
) -> list[Record]:
    found: list[Record] = []
    for entry in conn.search(base, search_filter, attributes=names, binary_attributes=frozenset()):
        found.append((entry.dn, {name: list(vs) for name, vs in entry.attributes.items()}))
    return found


def capture_openldap() -> None:
    """Capture ``openldap-accesslog.ldif``."""
    with OpenLDAPServer() as server:
        with open_connection(server.connectivity_config(security="ldaps")) as conn:
            write_scenario(conn, f"ou=people,{server.base_dn}")
        _bind_bookkeeping(server)
        admin = server.connectivity_config(security="ldaps", as_service=False)
        search = accesslog_search()
        with open_connection(admin) as conn:
            names = (*ACCESSLOG_ATTRIBUTES, "reqEnd", "reqSession")
            entries = _raw(conn, search.base, search.search_filter, names)
    entries.sort(key=lambda item: str(item[1]["entryCSN"][0]))
    header = f"""\
Captured, not written by hand: slapd 2.5.13 (Debian 12) from ldapconnector.testing's
OpenLDAPServer (accesslog: logops writes, logsuccess TRUE, logold (objectClass=*)),
on {datetime.date.today().isoformat()}, by tests/data/changelog/capture_changelogs.py.
Writes: write_scenario() as the service account, then the admin turns on pwdLockout,
bob is added, one bind of bob fails and one succeeds (ppolicy bind bookkeeping).
Search: base cn=accesslog, the filter of accesslog_search(), sorted by entryCSN."""
    _dump(entries, header, HERE / "openldap-accesslog.ldif")


def capture_389ds() -> None:
    """Capture ``389ds-retro-changelog.ldif``."""
    with DS389Server() as server:
        with open_connection(server.connectivity_config(security="ldaps")) as conn:
            write_scenario(conn, server.people_dn)
        admin = server.connectivity_config(security="ldaps", as_service=False)
        search = changelog_search()
        with open_connection(admin) as conn:
            entries = _raw(conn, search.base, search.search_filter, CHANGELOG_ATTRIBUTES)
    entries.sort(key=lambda item: int(item[1]["changeNumber"][0]))
    header = f"""\
Captured, not written by hand: 389 Directory Server 2.3.1 (Debian 12) from
ldapconnector.testing's DS389Server (Retro Changelog with nsslapd-attribute
nsuniqueid:targetUniqueId and entryuuid:targetEntryUUID),
on {datetime.date.today().isoformat()}, by tests/data/changelog/capture_changelogs.py.
Writes: write_scenario() as the service account. Search: base cn=changelog, the filter
of changelog_search(), sorted by changeNumber. Modify records keep 389's trailing NUL,
so their changes values are base64 here."""
    _dump(entries, header, HERE / "389ds-retro-changelog.ldif")


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    wanted = set(sys.argv[1:]) or {"openldap", "389ds"}
    if "openldap" in wanted:
        capture_openldap()
    if "389ds" in wanted:
        capture_389ds()
