"""Imports of a group type on a real slapd: members reported by the members' source ids.

The connector exports users and a group as the admin; members are then added and
removed by the admin with the ldap-utils ``ldapmodify`` while the imports run as the
service account (which reads the accesslog), so the changes come from another account.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.model import GroupMember
from ldapconnector.profiles import ChangeRecord, ChangeType, ImportedEntry
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

PLACEHOLDER = "cn=nobody"


def _types(server: OpenLDAPServer) -> list[dict[str, Any]]:
    people, groups = server.people_dn, server.groups_dn
    cn = {"type": "direct", "source": "name", "target": "cn"}
    dn = {"type": "expression", "target": "-dn-",
          "expression": f'Join("", "cn=", [name], ",{groups}")'}  # fmt: skip
    return [
        {"name": "users", "target": "inetOrgPerson", "containers": [people], "mappings": [
            {"type": "expression", "target": "-dn-",
             "expression": f'Join("", "uid=", [login], ",{people}")'},
            {"type": "direct", "source": "login", "target": "uid"},
            {"type": "direct", "source": "login", "target": "sn"}, cn,
        ]},
        {"name": "groups", "target": "groupOfNames", "containers": [groups], "mappings": [dn, cn],
         "membership": {"members_of": "users", "placeholder_member": PLACEHOLDER}},
        {"name": "posix", "target": "posixGroup", "containers": [groups], "mappings": [
            dn, cn, {"type": "direct", "source": "gid", "target": "gidNumber"},
        ], "membership": {"members_of": "users"}},
    ]  # fmt: skip


@attrs.define
class Scene:
    """The server, the admin's and the service account's configurations, the stores."""

    server: OpenLDAPServer
    admin: ConnectorConfig
    service: ConnectorConfig
    stores: dict[str, SqliteLinkStore]

    def connector(self, name: str, *, admin: bool = False) -> Connector:
        """A connector of one type; group types get the users' store as members' store."""
        config = (self.admin if admin else self.service).for_object_type(name)
        members = self.stores["users"] if name != "users" else None
        return Connector(config, self.stores[name], member_store=members)

    def ldapmodify(self, ldif: str) -> None:
        """Apply LDIF as the admin with the ldap-utils ``ldapmodify``."""
        argv = ["ldapmodify", "-x", "-ZZ", "-H", self.server.ldap_uri,
                "-D", self.server.admin_dn, "-w", self.server.admin_password]  # fmt: skip
        subprocess.run(argv, input=ldif, text=True, check=True, capture_output=True,
                       env=self.server.tool_env())  # fmt: skip

    def changes(self, name: str) -> list[ChangeRecord]:
        """The changes a delta import of one type reports (the watermark moves on)."""
        with self.connector(name) as connector:
            return list(connector.delta_import(ignore_own_writes=True).records())

    def user_dn(self, login: str) -> str:
        """The DN of a user exported with this login."""
        return f"uid={login},{self.server.people_dn}"


@pytest.fixture(name="scene", scope="module")
def fixture_scene() -> Iterator[Scene]:
    """Users u0..u4, a groupOfNames g1 of u0 and u1, a posixGroup p1 of u0, exported."""
    stores = {name: SqliteLinkStore.in_memory() for name in ("users", "groups", "posix")}
    with OpenLDAPServer() as server:
        sections: dict[str, Any] = {"object_types": _types(server),
                                    "deprovisioning": {"delete": "delete"},
                                    "run_profiles": {"delta_import": True}}  # fmt: skip
        scene = Scene(
            server=server, stores=stores,
            admin=server.connector_config(as_service=False, **sections),
            service=server.connector_config(as_service=True, **sections),
        )  # fmt: skip
        users = [{"id": f"u{n}", "login": f"user{n}", "name": f"U {n}"} for n in range(5)]
        group = {"id": "g1", "name": "g1", "members": ["u0", "u1"]}
        posix = {"id": "p1", "name": "p1", "gid": "7001", "members": ["u0"]}
        with scene.connector("users", admin=True) as c:
            assert not c.export(users).failed
        for name, record in (("groups", group), ("posix", posix)):
            with scene.connector(name, admin=True) as c:
                assert not c.export([record]).failed
                assert not c.export_members([record]).failed
            assert scene.changes(name) == []  # the first run establishes the watermark
        yield scene
    for store in stores.values():
        store.close()


def _imported(scene: Scene, name: str) -> dict[str, ImportedEntry]:
    with scene.connector(name) as connector:
        return {obj.dn: obj for obj in connector.full_import()}


def test_full_import_reports_members_by_source_id(scene: Scene) -> None:
    """A group's members carry their source ids; a value no link names is reported as
    it is; the placeholder is no member. Other types carry no members at all."""
    foreign = f"cn=outsider,{scene.server.groups_dn}"
    scene.ldapmodify(f"dn: cn=g1,{scene.server.groups_dn}\nchangetype: modify\n"
                     f"add: member\nmember: {foreign}\n")  # fmt: skip
    scene.changes("groups")  # not this test's subject: move the watermark past it
    (group,) = _imported(scene, "groups").values()
    assert group.members == (
        GroupMember(value=scene.user_dn("user0"), source_id="u0"),
        GroupMember(value=scene.user_dn("user1"), source_id="u1"),
        GroupMember(value=foreign, source_id=None),
    )
    assert "member" in {name.lower() for name in group.attributes}  # as read, too
    (posix,) = _imported(scene, "posix").values()
    assert posix.members == (GroupMember(value="user0", source_id="u0"),)
    assert {obj.members for obj in _imported(scene, "users").values()} == {None}


def test_delta_import_reports_members_added_and_removed(scene: Scene) -> None:
    """Members added and removed by another account are reported as exactly those, by
    source id, on a modify record of the group."""
    groups = scene.server.groups_dn
    scene.ldapmodify(
        f"dn: cn=g1,{groups}\nchangetype: modify\nadd: member\n"
        f"member: {scene.user_dn('user2')}\nmember: {scene.user_dn('user3')}\n-\n"
        f"delete: member\nmember: {scene.user_dn('user0')}\n"
    )
    (record,) = scene.changes("groups")
    assert (record.type, record.dn) == (ChangeType.MODIFY, f"cn=g1,{groups}")
    membership = record.membership
    assert membership is not None
    assert [m.source_id for m in membership.added] == ["u2", "u3"]
    assert [(m.source_id, m.value) for m in membership.removed] == [("u0", scene.user_dn("user0"))]
    assert membership.members is None  # an incremental change states no whole membership


def test_delta_import_of_a_posix_group_resolves_uids(scene: Scene) -> None:
    """memberUid values are resolved through the users' uid RDNs; a replace states the
    whole membership and what it added and removed (logold keeps the old values)."""
    scene.ldapmodify(f"dn: cn=p1,{scene.server.groups_dn}\nchangetype: modify\n"
                     "replace: memberUid\nmemberUid: user4\nmemberUid: someone\n")  # fmt: skip
    (record,) = scene.changes("posix")
    membership = record.membership
    assert membership is not None
    assert [m.reference for m in membership.added] == ["u4", "someone"]
    assert [m.reference for m in membership.removed] == ["u0"]
    assert membership.members == membership.added


def test_other_changes_of_a_group_carry_no_membership(scene: Scene) -> None:
    """A modify of another attribute is an entry change only."""
    scene.ldapmodify(f"dn: cn=g1,{scene.server.groups_dn}\nchangetype: modify\n"
                     "replace: description\ndescription: sales\n")  # fmt: skip
    (record,) = scene.changes("groups")
    assert (record.type, record.membership) == (ChangeType.MODIFY, None)


def test_a_deleted_group_reports_its_members_removed(scene: Scene) -> None:
    """A group deleted in the directory: every member it had (from reqOld) is removed."""
    groups = scene.server.groups_dn
    member = scene.user_dn("user1")
    scene.ldapmodify(f"dn: cn=g2,{groups}\nchangetype: add\nobjectClass: groupOfNames\n"
                     f"cn: g2\nmember: {PLACEHOLDER}\nmember: {member}\n")  # fmt: skip
    scene.ldapmodify(f"dn: cn=g2,{groups}\nchangetype: delete\n")
    added, deleted = scene.changes("groups")
    assert added.type is ChangeType.ADD
    assert added.membership is not None
    assert [m.reference for m in added.membership.added] == ["u1"]  # no placeholder
    assert deleted.type is ChangeType.DELETE
    assert deleted.membership is not None
    assert [m.reference for m in deleted.membership.removed] == ["u1"]
    assert deleted.membership.members == ()
