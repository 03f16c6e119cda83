"""Membership planning: incremental adds and deletes in chunks, placeholder handling."""

from __future__ import annotations

import pytest

from ldapconnector.config import MembershipConfig, ObjectTypeConfig
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import ModifyOp
from ldapconnector.profiles.export._members import MemberSettings, member_settings, plan_membership
from ldapconnector.schema import MemberValueKind

GROUP = "cn=g,ou=groups,dc=a"


def settings(target: str = "groupOfNames", **membership: object) -> MemberSettings:
    """The settings of a group type of ``target`` with a membership table."""
    if target == "groupOfNames":
        membership.setdefault("placeholder_member", "cn=nobody")
    config = MembershipConfig(members_of="users", **membership)  # type: ignore[arg-type]
    found = member_settings(ObjectTypeConfig(target=target, membership=config))
    assert found is not None
    return found


def users(numbers: range) -> list[str]:
    """DNs of users ``u<n>``."""
    return [f"uid=u{n},ou=people,dc=a" for n in numbers]


def test_changes_are_chunked_adds_then_deletes_never_a_replace() -> None:
    """Adding 1,000 and removing 100 members of a 10,000 group sends only those values."""
    plan = plan_membership(GROUP, settings(chunk_size=300), users(range(10_000)),
                           users(range(100, 11_000)))  # fmt: skip
    shape = [(op.changes[0].op, len(op.changes[0].values)) for op in plan]
    assert shape == [(ModifyOp.ADD, 300)] * 3 + [(ModifyOp.ADD, 100), (ModifyOp.DELETE, 100)]
    assert {op.dn for op in plan} == {GROUP}
    assert plan[-1].changes[0].values == tuple(users(range(100)))


def test_dn_values_compare_as_dns() -> None:
    """A member written with other case or spacing is the same member: nothing to do."""
    assert plan_membership(GROUP, settings(), ["UID=U1, OU=People,DC=a"], users(range(1, 2))) == ()


def test_placeholder_goes_with_the_first_member_and_comes_back_with_the_last() -> None:
    """The placeholder leaves once a real member is in, and returns before the last leaves."""
    placeholder = "cn=nobody"
    s = settings(placeholder_member=placeholder)
    first = plan_membership(GROUP, s, [placeholder], users(range(1)))
    assert [(op.changes[0].op, op.changes[0].values) for op in first] == [
        (ModifyOp.ADD, tuple(users(range(1)))),
        (ModifyOp.DELETE, (placeholder,)),
    ]
    last = plan_membership(GROUP, s, users(range(1)), [])
    assert [(op.changes[0].op, op.changes[0].values) for op in last] == [
        (ModifyOp.ADD, (placeholder,)),
        (ModifyOp.DELETE, tuple(users(range(1)))),
    ]


def test_posix_group_uses_member_uid_compared_exactly() -> None:
    """posixGroup holds uids (caseExactIA5Match): another case is another value."""
    s = settings("posixGroup")
    assert (s.attribute, s.value_kind, s.requires_member) == (
        "memberUid",
        MemberValueKind.UID,
        False,
    )
    plan = plan_membership(GROUP, s, ["Ann"], ["ann", "ann"])
    assert [(op.changes[0].op, op.changes[0].values) for op in plan] == [
        (ModifyOp.ADD, ("ann",)),
        (ModifyOp.DELETE, ("Ann",)),
    ]


def test_unknown_group_class_needs_an_attribute() -> None:
    """A class the table does not know must name its membership attribute."""
    with pytest.raises(ConfigurationError) as info:
        settings("myGroup")
    assert info.value.problems[0].startswith(
        "object_type.membership.attribute: required: 'myGroup' is not a known group class"
    )
    assert settings("myGroup", attribute="memberUid").value_kind is MemberValueKind.UID
    assert member_settings(ObjectTypeConfig(target="inetOrgPerson")) is None


def test_group_of_names_needs_a_placeholder() -> None:
    """groupOfNames requires a member: without a placeholder a new group could not be added."""
    membership = MembershipConfig(members_of="users")
    with pytest.raises(ConfigurationError) as info:
        member_settings(ObjectTypeConfig(target="groupOfNames", membership=membership))
    assert info.value.problems == (
        "object_type.membership.placeholder_member: required: groupOfNames requires a member "
        'value, so a group needs one before its members are added (e.g. "cn=nobody")',
    )
