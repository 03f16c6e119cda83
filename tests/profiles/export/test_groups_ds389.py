"""Groups on 389 DS: 5,000 members, 100 in and out, a rename and a delete, with and without
the MemberOf and Referential Integrity plug-ins.

Without referential integrity (the shared session server) the connector rewrites a
renamed member's value and deletes a deleted member's one itself; with it (a server of its
own, ``DS389Server(plugins=("memberof", "refint"))``) the server has already done both,
so the membership run sends nothing, and ``memberOf`` shows on the members. The plain
server's groups are ``groupOfNames``, the plug-in server's ``groupOfUniqueNames``. Every
check reads the directory with ``ldapsearch``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ldapconnector.dn import dn_key
from ldapconnector.model import ModifyOp
from ldapconnector.testing import DS389Plugin, DS389Server
from tests.profiles.export.groups_live import (
    GroupScenario,
    group,
    ldapsearch_values,
    own_container,
    user,
)

pytestmark = [pytest.mark.integration, pytest.mark.ds389]

MEMBERS = 5000
PLACEHOLDER = "cn=nobody"


def scenario_for(server: DS389Server, target: str) -> GroupScenario:
    """Users under an OU of their own, groups of class ``target`` under another."""
    people = own_container(server, server.people_dn, "p")
    groups = own_container(server, server.groups_dn, "g")
    cn = {"type": "direct", "source": "name", "target": "cn"}
    config = server.connector_config(
        as_service=False,  # the service account may write ou=people only
        deprovisioning={"delete": "delete"},
        object_types=[
            {"name": "users", "target": "inetOrgPerson", "containers": [people], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "uid=", [login], ",{people}")'},
                {"type": "direct", "source": "login", "target": "uid"},
                {"type": "direct", "source": "login", "target": "sn"}, cn,
            ]},
            {"name": "groups", "target": target, "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "cn=", [name], ",{groups}")'}, cn,
            ], "membership": {"members_of": "users", "placeholder_member": PLACEHOLDER}},
        ],
    )  # fmt: skip
    attribute = "member" if target == "groupOfNames" else "uniqueMember"
    return GroupScenario(
        server=server, config=config, people=people, groups=groups, user_rdn="uid",
        member_attribute=attribute,
    )  # fmt: skip


@pytest.fixture(name="plugin_server", scope="module")
def fixture_plugin_server() -> Iterator[DS389Server]:
    """A 389 DS of its own with the MemberOf and Referential Integrity plug-ins on."""
    with DS389Server(plugins=(DS389Plugin.MEMBEROF, DS389Plugin.REFINT)) as server:
        yield server


@pytest.fixture(name="groups", scope="module", params=["plain", "refint"])
def fixture_groups(
    request: pytest.FixtureRequest, ds389_server: DS389Server
) -> Iterator[GroupScenario]:
    """5,000 users exported, on the shared server (plain) or the plug-in server (refint)."""
    if request.param == "plain":
        scenario = scenario_for(ds389_server, "groupOfNames")
    else:
        scenario = scenario_for(request.getfixturevalue("plugin_server"), "groupOfUniqueNames")
    scenario.export("users", [user(n) for n in range(MEMBERS)])
    yield scenario
    scenario.close()


def has_refint(scenario: GroupScenario) -> bool:
    """Whether the scenario's server has the plug-ins on."""
    return bool(scenario.server.plugins)


def test_a_group_of_5000_members_is_created_in_chunks(groups: GroupScenario) -> None:
    """The group is added with the placeholder, then 5,000 members in chunks of 500."""
    groups.export("groups", [group("big", range(MEMBERS))])
    assert groups.values("big") == {dn_key(PLACEHOLDER)}
    (result,) = groups.members([group("big", range(MEMBERS))]).results
    assert (result.added, result.removed, result.error, result.pending) == (MEMBERS, 1, None, ())
    assert [len(op.changes[0].values) for op in result.operations] == [500] * 10 + [1]
    assert groups.values("big") == groups.expected(range(MEMBERS))


def test_100_members_added_and_100_removed(groups: GroupScenario) -> None:
    """Only the 200 changed values are sent: one add and one delete request."""
    groups.export("users", [user(n) for n in range(MEMBERS, MEMBERS + 100)])
    wanted = range(100, MEMBERS + 100)
    (result,) = groups.members([group("big", wanted)]).results
    assert [(op.changes[0].op, len(op.changes[0].values)) for op in result.operations] == [
        (ModifyOp.ADD, 100),
        (ModifyOp.DELETE, 100),
    ]
    assert groups.values("big") == groups.expected(wanted)


def test_a_renamed_and_a_deleted_member(groups: GroupScenario) -> None:
    """With refint the server rewrote and removed the values and nothing is sent; without
    it the run deletes the old and the deleted values and adds the new one."""
    groups.export("users", [user(200, login="renamed200")])
    groups.export("users", [{**user(201), "@deleted": True}])
    old, new, gone = dn_key(groups.dn(200)), dn_key(groups.dn(200, "renamed200")), groups.dn(201)
    before = groups.values("big")
    assert (old in before, new in before, dn_key(gone) in before) == (
        (False, True, False) if has_refint(groups) else (True, False, True)
    )
    (result,) = groups.members([group("big", range(100, MEMBERS + 100))]).results
    assert (result.added, result.removed, result.error) == (
        (0, 0, None) if has_refint(groups) else (1, 2, None)
    )
    after = groups.values("big")
    assert new in after
    assert old not in after
    assert dn_key(gone) not in after
    assert len(after) == MEMBERS - 1


def test_memberof_shows_on_the_members_only_with_the_plugin(groups: GroupScenario) -> None:
    """The MemberOf plug-in gives the renamed member ``memberOf`` naming the group."""
    member_of = ldapsearch_values(groups.server, groups.dn(200, "renamed200"), "memberOf")
    expected = {groups.group_dn("big")} if has_refint(groups) else set()
    assert {dn_key(v) for v in member_of} == {dn_key(v) for v in expected}
