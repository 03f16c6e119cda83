"""Group classes: which attribute holds a group's members, and what kind of value it is.

A data table, not code paths: each known group class names its membership attribute,
whether the values are DNs or uids, and whether the class requires at least one member
(``groupOfNames`` and ``groupOfUniqueNames`` list ``member``/``uniqueMember`` as MUST in
RFC 4519 sections 3.5 and 3.6, so an empty group needs a placeholder member).
``posixGroup`` holds ``memberUid`` values (RFC 2307 section 2.3), AD's ``group`` DN-valued
``member`` with ``groupType`` (MS-ADTS 3.1.1.8.2; AD allows an empty group).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

__all__ = ["GROUP_CLASSES", "GroupClass", "MemberValueKind", "group_class_of"]


class MemberValueKind(enum.Enum):
    """What a membership attribute's values are."""

    DN = "dn"  # the member's distinguished name (member, uniqueMember)
    UID = "uid"  # the member's uid (memberUid)


@attrs.frozen(kw_only=True)
class GroupClass:
    """One group object class and how it holds members.

    Attributes:
        name: the object class (``groupOfNames``).
        member_attribute: the attribute listing the members (``member``).
        value_kind: DN or uid values.
        requires_member: the class requires at least one value (a placeholder member
            keeps an otherwise empty group valid).
        type_attribute: the attribute that says what kind of group it is (AD's
            ``groupType``), or None.
    """

    name: str
    member_attribute: str
    value_kind: MemberValueKind
    requires_member: bool
    type_attribute: str | None = None


GROUP_CLASSES: tuple[GroupClass, ...] = (
    GroupClass(
        name="groupOfNames", member_attribute="member",
        value_kind=MemberValueKind.DN, requires_member=True,
    ),
    GroupClass(
        name="groupOfUniqueNames", member_attribute="uniqueMember",
        value_kind=MemberValueKind.DN, requires_member=True,
    ),
    GroupClass(
        name="posixGroup", member_attribute="memberUid",
        value_kind=MemberValueKind.UID, requires_member=False,
    ),
    GroupClass(
        name="group", member_attribute="member", value_kind=MemberValueKind.DN,
        requires_member=False, type_attribute="groupType",
    ),
)  # fmt: skip
"""The known group classes (docs/groups.md lists them from here)."""


def group_class_of(object_classes: Iterable[str]) -> GroupClass | None:
    """The group class among an entry's (or an object type's) classes, or None.

    Args:
        object_classes: class names, any case (the structural class and auxiliaries).

    Returns:
        The first known group class found, in the order of :data:`GROUP_CLASSES`.
    """
    folded = {name.lower() for name in object_classes}
    return next((g for g in GROUP_CLASSES if g.name.lower() in folded), None)
