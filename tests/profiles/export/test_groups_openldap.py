"""Groups on a real slapd: 5,000 members, 100 in and out, a rename, a delete, posixGroup.

The fixture's slapd has no refint or memberOf overlay, so a renamed or deleted member's
value is rewritten by the connector itself, from the members' links. A slapd of its own
with both overlays (``OpenLDAPServer(overlays=("memberof", "refint"))``) has already done
it when the membership run comes, which then sends nothing. Every check reads the
directory with the ldap-utils ``ldapsearch``, independent of the library.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import ModifyOp
from ldapconnector.profiles import ExportReport, MembershipReport
from ldapconnector.space import SqliteLinkStore
from ldapconnector.testing import OpenLDAPServer, SlapdOverlay
from tests.profiles.export.test_export_openldap import ldapsearch

pytestmark = [pytest.mark.integration, pytest.mark.openldap]

MEMBERS = 5000
PLACEHOLDER = "cn=nobody"


def group_config(server: OpenLDAPServer) -> ConnectorConfig:
    """Users (uid=<login>) and two group types whose members are users."""
    people, groups = server.people_dn, server.groups_dn
    cn = {"type": "direct", "source": "name", "target": "cn"}
    return server.connector_config(
        as_service=False,  # the service account may write ou=people only
        deprovisioning={"delete": "delete", "max_deletes": 1000},
        object_types=[
            {"name": "users", "target": "inetOrgPerson", "containers": [people], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "uid=", [login], ",{people}")'},
                {"type": "direct", "source": "login", "target": "uid"},
                {"type": "direct", "source": "login", "target": "sn"}, cn,
            ]},
            {"name": "groups", "target": "groupOfNames", "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "cn=", [name], ",{groups}")'}, cn,
            ], "membership": {"members_of": "users", "placeholder_member": PLACEHOLDER}},
            {"name": "posix", "target": "posixGroup", "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "cn=", [name], ",{groups}")'}, cn,
                {"type": "direct", "source": "gid", "target": "gidNumber"},
            ], "membership": {"members_of": "users", "chunk_size": 2}},
        ],
    )  # fmt: skip


def user(n: int, login: str | None = None) -> dict[str, Any]:
    """The source record of user ``n``."""
    return {"id": f"u{n}", "login": login or f"user{n}", "name": f"User {n}"}


@attrs.define
class Groups:
    """The server, one link store per object type, and the configuration."""

    server: OpenLDAPServer
    config: ConnectorConfig
    stores: dict[str, SqliteLinkStore]

    def export(self, name: str, records: list[dict[str, Any]]) -> ExportReport:
        """Export records of one object type."""
        with Connector(self.config.for_object_type(name), self.stores[name]) as connector:
            report = connector.export(records)
        assert not [r for r in report.results if r.error], report.results
        return report

    def members(self, name: str, records: list[dict[str, Any]], **kw: Any) -> MembershipReport:
        """Export (or plan) the members of group records of one type."""
        config = self.config.for_object_type(name)
        with Connector(config, self.stores[name], member_store=self.stores["users"]) as c:
            return c.export_members(records, **kw)

    def values(self, cn: str, attribute: str = "member") -> set[str]:
        """The group's values of ``attribute``, read with ldapsearch."""
        found = ldapsearch(self.server, f"cn={cn},{self.server.groups_dn}", "(cn=*)", attribute)
        return set(found[0].get(attribute.lower(), []))

    def dn(self, n: int, login: str | None = None) -> str:
        """The DN of user ``n``."""
        return f"uid={login or f'user{n}'},{self.server.people_dn}"


@pytest.fixture(name="groups", scope="module")
def fixture_groups() -> Iterator[Groups]:
    """A slapd of its own with 5,000 users exported first, then a group of all of them."""
    stores = {name: SqliteLinkStore.in_memory() for name in ("users", "groups", "posix")}
    with OpenLDAPServer() as server:
        scenario = Groups(server=server, config=group_config(server), stores=stores)
        scenario.export("users", [user(n) for n in range(MEMBERS)])
        yield scenario
    for store in stores.values():
        store.close()


def big(members: range) -> dict[str, Any]:
    """The record of the big group with these users as members."""
    return {"id": "g-big", "name": "big", "members": [f"u{n}" for n in members]}


def test_a_group_of_5000_members_is_created_in_chunks(groups: Groups) -> None:
    """The group is added with the placeholder, then 5,000 members in chunks of 500."""
    groups.export("groups", [big(range(MEMBERS))])
    assert groups.values("big") == {PLACEHOLDER}
    report = groups.members("groups", [big(range(MEMBERS))])
    (result,) = report.results
    assert (result.added, result.removed, result.error, result.pending) == (MEMBERS, 1, None, ())
    assert [len(op.changes[0].values) for op in result.operations] == [500] * 10 + [1]
    assert groups.values("big") == {groups.dn(n) for n in range(MEMBERS)}


def test_100_members_added_and_100_removed(groups: Groups) -> None:
    """Only the 200 changed values are sent: one add and one delete request."""
    groups.export("users", [user(n) for n in range(MEMBERS, MEMBERS + 100)])
    wanted = range(100, MEMBERS + 100)
    plan = groups.members("groups", [big(wanted)], plan_only=True)
    assert "add: member\n" in plan.ldif()
    assert "delete: member\n" in plan.ldif()
    assert groups.values("big") == {groups.dn(n) for n in range(MEMBERS)}  # a plan writes nothing
    (result,) = groups.members("groups", [big(wanted)]).results
    assert [(op.changes[0].op, len(op.changes[0].values)) for op in result.operations] == [
        (ModifyOp.ADD, 100),
        (ModifyOp.DELETE, 100),
    ]
    assert groups.values("big") == {groups.dn(n) for n in wanted}


def test_a_renamed_member_is_rewritten_and_a_deleted_one_removed(groups: Groups) -> None:
    """No refint here: the member value follows the rename, a deleted user leaves the group."""
    groups.export("users", [user(200, login="renamed200")])
    groups.export("users", [{**user(201), "@deleted": True}])
    assert groups.dn(200) in groups.values("big")  # the server itself rewrote nothing
    (result,) = groups.members("groups", [big(range(100, MEMBERS + 100))]).results
    assert (result.added, result.removed) == (1, 2)
    assert [m.reference for m in result.added_members] == ["u200"]
    # The old DN is no link's any more; the deleted member's link still names its DN.
    assert sorted(m.reference for m in result.removed_members) == ["u201", groups.dn(200)]
    values = groups.values("big")
    assert groups.dn(200, "renamed200") in values
    assert groups.dn(200) not in values
    assert groups.dn(201) not in values
    assert len(values) == MEMBERS - 1


def test_a_member_not_yet_provisioned_is_pending_then_added(groups: Groups) -> None:
    """An unknown member id is recorded pending, not dropped, and added once it exists,
    by a later run that is not even given the group's record."""
    record = {"id": "g-small", "name": "small", "members": ["u1", "u-later"]}
    groups.export("groups", [record])
    (first,) = groups.members("groups", [record]).results
    assert first.pending == ("u-later",)
    assert groups.stores["groups"].pending_members("g-small") == ("u-later",)
    assert groups.values("small") == {groups.dn(1)}
    groups.export("users", [{"id": "u-later", "login": "later", "name": "Later"}])
    (second,) = groups.members("groups", []).results
    assert (second.source_id, second.pending, second.added, second.removed) == (
        "g-small", (), 1, 0,
    )  # fmt: skip
    assert groups.stores["groups"].pending_members("g-small") == ()
    assert groups.values("small") == {groups.dn(1), groups.dn(0, "later")}
    (third,) = groups.members("groups", [{**record, "members": []}]).results
    assert groups.values("small") == {PLACEHOLDER}  # the placeholder comes back
    assert (third.added, third.removed) == (1, 2)


def test_posix_group_holds_member_uids(groups: Groups) -> None:
    """posixGroup gets memberUid values (the members' uids), in chunks of the configured 2."""
    record = {"id": "p1", "name": "posix1", "gid": "5000", "members": ["u1", "u2", "u3", "u200"]}
    groups.export("posix", [record])
    (result,) = groups.members("posix", [record]).results
    assert [len(op.changes[0].values) for op in result.operations] == [2, 2]
    assert groups.values("posix1", "memberUid") == {"user1", "user2", "user3", "renamed200"}


def test_a_posix_member_renamed_or_deleted_by_our_export_is_rewritten(groups: Groups) -> None:
    """memberUid follows a rename made by the users' export (the new uid replaces the
    old), and a member deleted by it leaves: no dangling value after the next run."""
    record = {"id": "p4", "name": "posix4", "gid": "5004", "members": ["u4", "u5", "u6"]}
    groups.export("posix", [record])
    groups.members("posix", [record])
    assert groups.values("posix4", "memberUid") == {"user4", "user5", "user6"}
    groups.export("users", [user(4, login="renamed4")])
    groups.export("users", [{**user(5), "@deleted": True}])
    (result,) = groups.members("posix", [record]).results
    assert result.error is None
    assert groups.values("posix4", "memberUid") == {"renamed4", "user6"}
    assert [m.reference for m in result.added_members] == ["u4"]
    assert sorted(m.reference for m in result.removed_members) == ["u5", "user4"]


def test_group_not_exported_yet_fails_alone(groups: Groups) -> None:
    """A group without an entry gets an error naming it; the other groups still run."""
    records = [{"id": "g-none", "name": "none", "members": ["u1"]}, big(range(100, 5100))]
    report = groups.members("groups", records)
    assert [r.error for r in report.failed] == [
        "group 'g-none' has no entry in the directory yet: export it first"
    ]
    assert report.results[1].error is None


def test_a_configuration_of_several_types_is_run_one_type_at_a_time(groups: Groups) -> None:
    """A Connector given the whole multi-type file refuses before any search or write."""
    with Connector(groups.config) as connector, pytest.raises(ConfigurationError) as info:
        connector.export([user(1)])
    assert info.value.problems == (
        "object_types: the configuration has several object types ('users', 'groups', "
        "'posix'); run each on config.for_object_type(name) with its own link store",
    )


def test_a_record_without_the_members_key_leaves_the_members_alone(groups: Groups) -> None:
    """Only a given list changes members: a record without ``members`` sends nothing."""
    before = groups.values("big")
    (result,) = groups.members("groups", [{"id": "g-big", "name": "big"}]).results
    assert (result.operations, result.error) == ((), None)
    assert groups.values("big") == before


def test_a_refused_chunk_is_reported_with_what_was_applied(groups: Groups) -> None:
    """memberUid is IA5: a non-ASCII uid's chunk is refused; the result says what went in
    before it, and the next group still runs."""
    groups.export("users", [{"id": "u-jurgen", "login": "jürgen", "name": "Jürgen"}])
    bad = {"id": "p2", "name": "posix2", "gid": "5001", "members": ["u1", "u2", "u-jurgen"]}
    good = {"id": "p3", "name": "posix3", "gid": "5002", "members": ["u3"]}
    groups.export("posix", [bad, good])
    first, second = groups.members("posix", [bad, good]).results
    assert first.added == 2
    assert first.error is not None
    assert first.error.startswith(
        "group 'p2' (cn=posix2,ou=groups,dc=contoso,dc=lab): add of 1 memberUid value "
        "refused after 1 of 2 requests: "
    )
    assert groups.values("posix2", "memberUid") == {"user1", "user2"}
    assert (second.error, groups.values("posix3", "memberUid")) == (None, {"user3"})


def test_a_deleted_member_leaves_the_groups_whose_records_the_run_lacks(groups: Groups) -> None:
    """No refint here: a run given no group record still removes the value of a member
    the users' export deleted since the last run (a new entry could take that DN), in a
    plan first; a group left without members gets its placeholder back."""
    pair = {"id": "g-pair", "name": "pair", "members": ["u7", "u8"]}
    solo = {"id": "g-solo", "name": "solo", "members": ["u9"]}
    groups.export("groups", [pair, solo])
    groups.members("groups", [pair, solo])
    groups.export("users", [{**user(7), "@deleted": True}, {**user(9), "@deleted": True}])
    planned = groups.members("groups", [], plan_only=True)
    assert sorted(r.source_id for r in planned.results) == ["g-pair", "g-solo"]
    assert groups.values("pair") == {groups.dn(7), groups.dn(8)}  # a plan writes nothing
    report = groups.members("groups", [])
    by_id = {r.source_id: r for r in report.results}
    assert sorted(by_id) == ["g-pair", "g-solo"]
    assert [m.reference for m in by_id["g-pair"].removed_members] == ["u7"]
    assert (by_id["g-solo"].added, by_id["g-solo"].removed) == (1, 1)  # the placeholder in
    assert groups.values("pair") == {groups.dn(8)}
    assert groups.values("solo") == {PLACEHOLDER}
    assert groups.members("groups", []).results == ()  # the next run looks after it only


def test_a_renamed_member_is_rewritten_in_the_groups_whose_records_the_run_lacks(
    groups: Groups,
) -> None:
    """No refint here: a run given no group record still rewrites the old DN of a member
    the users' export renamed since the last run (twice: the first DN too), in a plan
    first, in every group holding it; a posixGroup gets the new uid."""
    one = {"id": "g-one", "name": "one", "members": ["u20", "u21", "u22"]}
    two = {"id": "g-two", "name": "two", "members": ["u20"]}
    posix = {"id": "p20", "name": "posix20", "gid": "5020", "members": ["u20", "u21"]}
    groups.export("groups", [one, two])
    groups.members("groups", [one, two])
    groups.export("posix", [posix])
    groups.members("posix", [posix])
    groups.export("users", [user(20, login="renamed20"), user(22, login="moved22")])
    groups.export("users", [user(22, login="renamed22")])
    planned = groups.members("groups", [], plan_only=True)
    assert sorted(r.source_id for r in planned.results) == ["g-one", "g-two"]
    assert groups.values("two") == {groups.dn(20)}  # a plan writes nothing
    by_id = {r.source_id: r for r in groups.members("groups", []).results}
    assert sorted(by_id) == ["g-one", "g-two"]
    assert sorted(m.reference for m in by_id["g-one"].added_members) == ["u20", "u22"]
    assert sorted(m.reference for m in by_id["g-one"].removed_members) == [
        groups.dn(20), groups.dn(22)
    ]  # fmt: skip
    assert groups.values("one") == {
        groups.dn(20, "renamed20"), groups.dn(21), groups.dn(22, "renamed22")
    }  # fmt: skip
    assert groups.values("two") == {groups.dn(20, "renamed20")}
    (result,) = groups.members("posix", []).results
    assert (result.source_id, result.error) == ("p20", None)
    assert groups.values("posix20", "memberUid") == {"renamed20", "user21"}
    assert groups.members("groups", []).results == ()  # the next run looks after it only
    assert groups.members("posix", []).results == ()


@pytest.fixture(name="refint", scope="module")
def fixture_refint() -> Iterator[Groups]:
    """A slapd with the memberof and refint overlays, 20 users and a group of all of them."""
    stores = {name: SqliteLinkStore.in_memory() for name in ("users", "groups", "posix")}
    with OpenLDAPServer(overlays=(SlapdOverlay.MEMBEROF, SlapdOverlay.REFINT)) as server:
        scenario = Groups(server=server, config=group_config(server), stores=stores)
        scenario.export("users", [user(n) for n in range(20)])
        scenario.export("groups", [big(range(20))])
        (result,) = scenario.members("groups", [big(range(20))]).results
        assert (result.added, result.error) == (20, None)
        yield scenario
    for store in stores.values():
        store.close()


def test_with_refint_a_renamed_member_keeps_its_memberships(refint: Groups) -> None:
    """refint rewrote the value at the rename, so the run sends nothing; memberOf follows."""
    refint.export("users", [user(3, login="renamed3")])
    values = refint.values("big")
    assert refint.dn(3, "renamed3") in values
    assert refint.dn(3) not in values
    (result,) = refint.members("groups", [big(range(20))]).results
    assert (result.operations, result.error) == ((), None)
    assert refint.values("big") == values
    member_of = ldapsearch(refint.server, refint.dn(3, "renamed3"), "(uid=*)", "memberOf")
    assert member_of[0]["memberof"] == [f"cn=big,{refint.server.groups_dn}"]


def test_with_refint_a_deleted_member_is_gone_already(refint: Groups) -> None:
    """refint removed the deleted user's value: the run finds nothing to delete."""
    refint.export("users", [{**user(4), "@deleted": True}])
    assert refint.dn(4) not in refint.values("big")
    (result,) = refint.members("groups", [big(range(20))]).results
    assert (result.operations, result.error) == ((), None)
    assert len(refint.values("big")) == 19
