"""The group class table agrees with real schemas: membership attribute and whether it is MUST."""

from __future__ import annotations

import pytest

from ldapconnector.schema import GROUP_CLASSES, GroupClass, MemberValueKind, Schema, group_class_of

OPENLDAP_GROUPS = [g for g in GROUP_CLASSES if g.name != "group"]


@pytest.mark.parametrize("group", OPENLDAP_GROUPS, ids=lambda g: g.name)
def test_table_matches_the_openldap_schema(openldap: Schema, group: GroupClass) -> None:
    """Each class allows its member attribute, and requires it exactly when the table says."""
    required = {n.lower() for n in openldap.required_attributes(group.name)}
    allowed = {n.lower() for n in openldap.allowed_attributes(group.name)}
    assert group.member_attribute.lower() in allowed
    assert (group.member_attribute.lower() in required) is group.requires_member


def test_ad_group_has_dn_valued_member_and_group_type(ad: Schema) -> None:
    """AD's group: member (DN syntax) and groupType are allowed, member is not required."""
    group = group_class_of(["top", "group"])
    assert group is not None
    assert group.type_attribute == "groupType"
    allowed = {n.lower() for n in ad.allowed_attributes("group")}
    assert {"member", "grouptype"} <= allowed
    assert "member" not in {n.lower() for n in ad.required_attributes("group")}
    assert group.value_kind is MemberValueKind.DN


def test_value_kinds() -> None:
    """posixGroup lists uids; the others DNs; a class that is no group is None."""
    posix = group_class_of(["POSIXGROUP"])
    assert posix is not None
    assert posix.member_attribute == "memberUid"
    assert posix.value_kind is MemberValueKind.UID
    assert group_class_of(["inetOrgPerson", "top"]) is None
