"""Membership changes read from one change record (pure: no server, no store)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ldapconnector.detect import DeltaSource
from ldapconnector.model import GroupMember, ModifyOp
from ldapconnector.profiles.delta import (
    AttributeChange,
    ChangeRecord,
    ChangeType,
    MembershipChange,
    membership_change,
)
from ldapconnector.schema import MemberValueKind

GROUP = "cn=g,ou=groups,dc=a"
IDS = {"uid=ann,ou=people,dc=a": "u-ann", "uid=bob,ou=people,dc=a": "u-bob", "ann": "u-ann"}


def resolve(values: Sequence[str]) -> tuple[GroupMember, ...]:
    """Members of the fixed table above (no placeholder handling: the resolver's job)."""
    return tuple(GroupMember(value=v, source_id=IDS.get(v)) for v in values)


def record(kind: ChangeType, **fields: object) -> ChangeRecord:
    """A change of the group entry."""
    return ChangeRecord(type=kind, dn=GROUP, position="1", source=DeltaSource.ACCESSLOG,
                        **fields)  # type: ignore[arg-type]  # fmt: skip


def change(op: ModifyOp, *values: str, attribute: str = "member") -> AttributeChange:
    """One logged modification."""
    return AttributeChange(attribute=attribute, op=op, values=values)


def refs(members: Sequence[GroupMember] | None) -> list[str] | None:
    """The members' references (source id, else value)."""
    return None if members is None else [m.reference for m in members]


def of(rec: ChangeRecord, kind: MemberValueKind = MemberValueKind.DN) -> MembershipChange:
    """The record's membership change of ``member`` (or ``memberUid`` for uids)."""
    attribute = "member" if kind is MemberValueKind.DN else "memberUid"
    found = membership_change(rec, attribute, kind, resolve)
    assert found is not None
    return found


ANN, BOB = "uid=ann,ou=people,dc=a", "uid=bob,ou=people,dc=a"


def test_adds_and_deletes_of_values_are_the_members_added_and_removed() -> None:
    """member:+ and member:- values, by source id; the name matches in any case."""
    found = of(record(ChangeType.MODIFY, changes=[
        change(ModifyOp.ADD, ANN, attribute="Member"), change(ModifyOp.DELETE, BOB),
    ]))  # fmt: skip
    assert (refs(found.added), refs(found.removed), found.members) == (["u-ann"], ["u-bob"], None)


def test_a_value_added_then_deleted_in_one_change_is_no_change() -> None:
    """The net effect counts; DNs compare as DNs (another spelling is the same member)."""
    found = of(record(ChangeType.MODIFY, changes=[
        change(ModifyOp.ADD, ANN), change(ModifyOp.DELETE, "UID=Ann, OU=people,DC=a"),
    ]))  # fmt: skip
    assert (found.added, found.removed) == ((), ())


def test_a_replace_states_the_whole_membership_and_the_difference_to_req_old() -> None:
    """With the old values (logold), a replace gives what it added and removed too."""
    found = of(record(ChangeType.MODIFY, changes=[change(ModifyOp.REPLACE, BOB, "cn=x")],
                      old_attributes={"member": (ANN, BOB)}))  # fmt: skip
    assert refs(found.members) == ["u-bob", "cn=x"]
    assert (refs(found.added), refs(found.removed)) == (["cn=x"], ["u-ann"])
    emptied = of(record(ChangeType.MODIFY, changes=[change(ModifyOp.DELETE)],
                        old_attributes={"member": (ANN,)}))  # fmt: skip
    assert (emptied.members, refs(emptied.removed)) == ((), ["u-ann"])


def test_a_replace_from_a_log_without_old_values_states_the_whole_membership_only() -> None:
    """DirSync (and a changelog) give a replaced member attribute without its old values:
    the whole membership is known, what was added and removed is not."""
    rec = ChangeRecord(
        type=ChangeType.MODIFY, dn=GROUP, position="1", source=DeltaSource.DIRSYNC,
        changes=[change(ModifyOp.REPLACE, ANN, BOB)],
    )  # fmt: skip
    found = of(rec)
    assert (refs(found.members), found.added, found.removed) == (["u-ann", "u-bob"], (), ())
    later = attrs.evolve(rec, changes=[change(ModifyOp.REPLACE, ANN), change(ModifyOp.ADD, BOB)])
    assert (refs(of(later).members), refs(of(later).added)) == (["u-ann", "u-bob"], ["u-bob"])


def test_added_and_deleted_groups() -> None:
    """An added group adds all its members; a deleted one removes what reqOld kept."""
    added = of(record(ChangeType.ADD, attributes={"member": (ANN, BOB), "cn": ("g",)}))
    assert refs(added.added) == refs(added.members) == ["u-ann", "u-bob"]
    deleted = of(record(ChangeType.DELETE, old_dn=GROUP, old_attributes={"member": (BOB,)}))
    assert (refs(deleted.removed), deleted.members) == (["u-bob"], ())


def test_current_values_sources_state_the_whole_membership() -> None:
    """USN and timestamp sources give the object's values, not operations."""
    found = of(record(ChangeType.MODIFY, attributes={"memberUid": ("ann",)}), MemberValueKind.UID)
    assert (refs(found.members), found.added, found.removed) == (["u-ann"], (), ())


def test_changes_without_the_membership_attribute_carry_none() -> None:
    """A modify of other attributes, a rename, a ranged DirSync increment: no membership."""
    other = record(ChangeType.MODIFY, changes=[change(ModifyOp.REPLACE, "x", attribute="cn")])
    rename = record(ChangeType.RENAME, old_dn="cn=h,ou=groups,dc=a", new_rdn="cn=g")
    ranged = record(ChangeType.MODIFY, changes=[
        change(ModifyOp.REPLACE, ANN, attribute="member;range=1-1")])  # fmt: skip
    for rec in (other, rename, ranged):
        assert membership_change(rec, "member", MemberValueKind.DN, resolve) is None


def test_uids_compare_exactly() -> None:
    """memberUid is case-exact: another case is another member."""
    found = of(record(ChangeType.MODIFY, changes=[
        change(ModifyOp.ADD, "ann", attribute="memberUid"),
        change(ModifyOp.DELETE, "Ann", attribute="memberUid"),
    ]), MemberValueKind.UID)  # fmt: skip
    assert (refs(found.added), refs(found.removed)) == (["u-ann"], ["Ann"])
