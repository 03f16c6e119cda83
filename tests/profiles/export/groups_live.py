"""The groups scenario on any live server: users and one group type, checked with ldapsearch.

Used by the 389 DS and Samba AD group tests (the OpenLDAP ones have their own, older
module). Each scenario works in containers of its own, so it can share a session server.
"""

from __future__ import annotations

import subprocess
import uuid
from typing import Any

import attrs

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key
from ldapconnector.profiles import ExportReport, MembershipReport
from ldapconnector.space import SqliteLinkStore


def ldapsearch_values(server: Any, dn: str, attribute: str) -> set[str]:
    """One entry's values of ``attribute`` read with the ldap-utils ``ldapsearch`` over LDAPS
    as the admin (independent of the library), as ``dn_key`` when DN-valued, else as given."""
    argv = [
        "ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-x", "-H", server.ldaps_uri,
        "-D", server.admin_dn, "-w", server.admin_password, "-b", dn, "-s", "base",
        "(objectClass=*)", attribute,
    ]  # fmt: skip
    done = subprocess.run(argv, env=server.tool_env(), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    prefix = f"{attribute.lower()}: "
    return {
        line[len(prefix) :] for line in done.stdout.splitlines() if line.lower().startswith(prefix)
    }


def dn_keys(values: set[str]) -> set[str]:
    """The values as DN keys (case and spacing do not matter)."""
    return {dn_key(value) for value in values}


@attrs.define
class GroupScenario:
    """A server, containers of the scenario's own, the configuration and the link stores.

    Attributes:
        server: the running server fixture.
        config: the two-type configuration (``users`` and ``groups``).
        people: the users' container.
        groups: the groups' container.
        user_rdn: the users' naming attribute (``CN`` on AD, ``uid`` elsewhere).
        member_attribute: the group class's membership attribute.
        stores: one link store per object type.
    """

    server: Any
    config: ConnectorConfig
    people: str
    groups: str
    user_rdn: str
    member_attribute: str
    stores: dict[str, SqliteLinkStore] = attrs.field(
        factory=lambda: {name: SqliteLinkStore.in_memory() for name in ("users", "groups")}
    )

    def export(self, name: str, records: list[dict[str, Any]]) -> ExportReport:
        """Export records of one object type; every record must succeed."""
        with Connector(self.config.for_object_type(name), self.stores[name]) as connector:
            report = connector.export(records)
        assert not [r for r in report.results if r.error], report.failed[:3]
        return report

    def members(self, records: list[dict[str, Any]], **kw: Any) -> MembershipReport:
        """Export (or plan) the members of group records."""
        config = self.config.for_object_type("groups")
        with Connector(config, self.stores["groups"], member_store=self.stores["users"]) as c:
            return c.export_members(records, **kw)

    def group_dn(self, name: str) -> str:
        """The DN of group ``name``."""
        return f"cn={name},{self.groups}"

    def dn(self, n: int, login: str | None = None) -> str:
        """The DN of user ``n`` (or of its new login)."""
        return f"{self.user_rdn}={login or f'user{n}'},{self.people}"

    def values(self, name: str) -> set[str]:
        """The group's member DNs (as DN keys), read with ldapsearch."""
        return dn_keys(ldapsearch_values(self.server, self.group_dn(name), self.member_attribute))

    def expected(self, members: range | list[int]) -> set[str]:
        """The DN keys of these users."""
        return {dn_key(self.dn(n)) for n in members}

    def close(self) -> None:
        """Close the link stores."""
        for store in self.stores.values():
            store.close()


def user(n: int, login: str | None = None) -> dict[str, Any]:
    """The source record of user ``n``."""
    return {"id": f"u{n}", "login": login or f"user{n}", "name": f"User {n}"}


def group(name: str, members: range | list[int]) -> dict[str, Any]:
    """The record of group ``name`` with these users as members."""
    return {"id": f"g-{name}", "name": name, "members": [f"u{n}" for n in members]}


def own_container(server: Any, parent: str, prefix: str) -> str:
    """A fresh OU under ``parent`` (a shared server's scenarios do not meet)."""
    name = f"{prefix}{uuid.uuid4().hex[:8]}"
    dn = f"ou={name},{parent}"
    server.add_ldif(f"dn: {dn}\nobjectClass: organizationalUnit\nou: {name}\n")
    return dn
