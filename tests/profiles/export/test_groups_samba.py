"""Groups on Samba AD: class ``group`` (``member``, ``groupType``), 5,000 members, 100 in and
out, a rename and a delete, and ranged retrieval of the members.

AD keeps ``member`` right by itself (it is a linked attribute: a renamed member's value
follows the rename, a deleted member's value goes, and ``memberOf`` is its back link), so
after a rename or a delete the membership run finds nothing to send. AD answers a plain
``member`` read of a group larger than ``MaxValRange`` (1,500) with ``member;range=0-1499``
only; Samba has no such limit and returns every value unless the request names a range, so
the ranged loop is driven here with explicit windows (``read_window``), which Samba answers
exactly as AD does (``member;range=0-999`` ... ``member;range=4000-*``). Every check reads
the directory with ``ldapsearch``.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

from ldapconnector.connection import open_connection, read_ranged_values
from ldapconnector.connector import Connector
from ldapconnector.dn import dn_key
from ldapconnector.model import ModifyOp
from ldapconnector.profiles import (
    MemberResolver,
    MembershipRequest,
    member_settings,
    run_full_import,
    run_memberships,
    with_group_members,
)
from ldapconnector.testing import SambaADServer
from tests.profiles.export.groups_live import (
    GroupScenario,
    dn_keys,
    group,
    ldapsearch_values,
    own_container,
    user,
)

# Exporting 5,000 users to Samba takes minutes (more on a loaded machine): the module's
# fixture gets more than the suite's 300 s default.
pytestmark = [pytest.mark.integration, pytest.mark.samba, pytest.mark.timeout(1200)]

MEMBERS = 5000
GLOBAL_SECURITY = "-2147483646"  # groupType: ACCOUNT_GROUP | SECURITY_ENABLED


def scenario_for(server: SambaADServer) -> GroupScenario:
    """Users (CN=<login>) and AD groups under OUs of their own."""
    people = own_container(server, server.people_dn, "p")
    groups = own_container(server, server.people_dn, "g")
    config = server.connector_config(
        as_service=False,
        # Samba AD answers as AD DS, which export refuses unless opted in.
        **{"global": {"allow_ad_ds_export": True}},
        deprovisioning={"delete": "delete"},
        object_types=[
            {"name": "users", "target": "user", "containers": [people], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "CN=", [login], ",{people}")'},
                {"type": "direct", "source": "login", "target": "sAMAccountName"},
                # NORMAL_ACCOUNT | PASSWD_NOTREQD: an enabled account with no password yet.
                {"type": "constant", "target": "userAccountControl", "value": "544",
                 "apply": "create"},
            ]},
            {"name": "groups", "target": "group", "containers": [groups], "mappings": [
                {"type": "expression", "target": "-dn-",
                 "expression": f'Join("", "CN=", [name], ",{groups}")'},
                {"type": "direct", "source": "name", "target": "sAMAccountName"},
                {"type": "constant", "target": "groupType", "value": GLOBAL_SECURITY,
                 "apply": "create"},
            ], "membership": {"members_of": "users"}},
        ],
    )  # fmt: skip
    return GroupScenario(
        server=server, config=config, people=people, groups=groups, user_rdn="CN",
        member_attribute="member",
    )  # fmt: skip


@pytest.fixture(name="groups", scope="module")
def fixture_groups(samba_ad_server: SambaADServer) -> Iterator[GroupScenario]:
    """5,000 users exported (Samba adds one in 10-40 ms: this takes a minute or more)."""
    scenario = scenario_for(samba_ad_server)
    scenario.export("users", [user(n) for n in range(MEMBERS)])
    yield scenario
    scenario.close()


def test_a_group_of_5000_members_is_created_in_chunks(groups: GroupScenario) -> None:
    """An AD group needs no placeholder: 5,000 members go in as 10 adds of 500."""
    groups.export("groups", [group("big", range(MEMBERS))])
    assert groups.values("big") == set()
    assert ldapsearch_values(groups.server, groups.group_dn("big"), "groupType") == {
        GLOBAL_SECURITY
    }
    (result,) = groups.members([group("big", range(MEMBERS))]).results
    assert (result.added, result.removed, result.error, result.pending) == (MEMBERS, 0, None, ())
    assert [len(op.changes[0].values) for op in result.operations] == [500] * 10
    assert groups.values("big") == groups.expected(range(MEMBERS))


def test_ranged_retrieval_reads_every_range(groups: GroupScenario) -> None:
    """Asked in windows of 1,000, the server answers member;range=0-999 ... 4000-*, and the
    read follows them to the end: five requests, all 5,000 values."""
    settings = groups.server.connectivity_config("ldaps", "simple", as_service=False)
    with open_connection(settings) as connection:
        first = connection.read_entry(groups.group_dn("big"), ("member;range=0-999",))
        before = connection.requests_sent
        values = read_ranged_values(connection, groups.group_dn("big"), "member", window=1000)
        sent = connection.requests_sent - before
    assert first is not None
    assert list(first.attributes) == ["member;range=0-999"]  # the answer is cut, as AD's
    assert sent == 5
    assert values is not None
    assert len(values) == MEMBERS
    assert dn_keys(set(map(str, values))) == groups.expected(range(MEMBERS))


def test_a_membership_run_over_ranged_answers_sees_the_whole_group(
    groups: GroupScenario,
) -> None:
    """Reading the members in ranges, an unchanged group plans nothing (reading only the
    first range would see 1,000 members and re-add the other 4,000)."""
    config = groups.config.for_object_type("groups")
    settings = member_settings(config.object_type)
    assert settings is not None
    with open_connection(config.connectivity) as connection:
        request = MembershipRequest(
            settings=settings, groups=groups.stores["groups"], members=groups.stores["users"],
            connection=lambda: connection,
        )  # fmt: skip
        ranged = attrs.evolve(request, read_window=1000)
        records = [group("big", range(MEMBERS))]
        (result,) = run_memberships(ranged, records, plan_only=True).results
        (changed,) = run_memberships(
            ranged, [group("big", range(1, MEMBERS))], plan_only=True
        ).results
    assert (result.operations, result.error) == ((), None)
    assert [
        (op.changes[0].op, [dn_key(v) for v in op.changes[0].values]) for op in changed.operations
    ] == [(ModifyOp.DELETE, [dn_key(groups.dn(0))])]


def test_a_full_import_follows_a_search_answer_cut_in_ranges(groups: GroupScenario) -> None:
    """A search answer cut in ranges (AD's over MaxValRange; Samba's when the search names
    a range, as here) is read to its end: the imported group holds all 5,000 values under
    ``member`` and all 5,000 members by source id."""
    config = groups.config.for_object_type("groups")
    settings = member_settings(config.object_type)
    assert settings is not None
    with Connector(config, groups.stores["groups"]) as connector:
        plan = connector.import_plan()
        cut = (*(a for a in plan.attributes if a != "*"), "member;range=0-999")
        connection = connector.connection
        before = connection.requests_sent
        result = run_full_import(connection, attrs.evolve(plan, attributes=cut))
        resolver = MemberResolver(settings=settings, store=groups.stores["users"])
        wanted = dn_key(groups.group_dn("big"))
        imported = list(with_group_members(result, resolver))
        (big,) = [e for e in imported if dn_key(e.dn) == wanted]
        sent = connection.requests_sent - before
    assert [name for name in big.attributes if name.lower().startswith("member")] == ["member"]
    assert dn_keys(set(map(str, big.attributes["member"]))) == groups.expected(range(MEMBERS))
    assert big.members is not None
    assert sorted(m.reference for m in big.members) == sorted(f"u{n}" for n in range(MEMBERS))
    # The search (one page), then member;range=1000-*: Samba answers it whole, where AD
    # would cut it again at 1,500 values and be asked on.
    assert sent == 2, [e.dn for e in imported]


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


def test_a_renamed_and_a_deleted_member_are_already_right(groups: GroupScenario) -> None:
    """AD rewrote the renamed member's value and removed the deleted one's: nothing to send;
    memberOf on the renamed user names the group."""
    groups.export("users", [user(200, login="renamed200")])
    groups.export("users", [{**user(201), "@deleted": True}])
    old, new, gone = dn_key(groups.dn(200)), dn_key(groups.dn(200, "renamed200")), groups.dn(201)
    before = groups.values("big")
    assert (old in before, new in before, dn_key(gone) in before) == (False, True, False)
    (result,) = groups.members([group("big", range(100, MEMBERS + 100))]).results
    assert (result.operations, result.error) == ((), None)
    assert groups.values("big") == before
    assert len(before) == MEMBERS - 1
    member_of = ldapsearch_values(groups.server, groups.dn(200, "renamed200"), "memberOf")
    assert dn_keys(member_of) == {dn_key(groups.group_dn("big"))}
