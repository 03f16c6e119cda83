"""Group membership planning: the member values to add and delete, in chunks (pure).

A group's desired members come from the source as source ids; the runner resolves them
through the members' link store to DNs (or uids) and hands this planner the desired
values and the values the group holds now. The plan is incremental: ``add`` and
``delete`` of values, at most ``chunk_size`` values per modify request, never a replace
of the whole attribute (a replace of a 10,000-member group resends every value, and a
failure mid-way would leave the group emptied). Adds come before deletes so a group whose
class requires a member (groupOfNames) is never empty in between; the placeholder member
stays while the group has no real member and goes once it has one.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from ldapconnector.config import ApplyWhen, MappingConfig, MappingType, ObjectTypeConfig
from ldapconnector.dn import dn_key
from ldapconnector.errors import ConfigurationError
from ldapconnector.model import Modification, ModifyOp
from ldapconnector.profiles.export._operations import ModifyOperation
from ldapconnector.schema import GROUP_CLASSES, MemberValueKind, group_class_of

__all__ = ["MemberSettings", "member_settings", "placeholder_mappings", "plan_membership"]


@attrs.frozen(kw_only=True)
class MemberSettings:
    """How one group type holds members, resolved from its config and the class table.

    Attributes:
        attribute: the membership attribute (``member``, ``uniqueMember``, ``memberUid``).
        value_kind: DN or uid values.
        source: the record key listing the members' source ids.
        chunk_size: values per modify request.
        placeholder: the placeholder member, or None.
        requires_member: the group class requires at least one value.
    """

    attribute: str
    value_kind: MemberValueKind
    source: str
    chunk_size: int
    placeholder: str | None
    requires_member: bool


def member_settings(object_type: ObjectTypeConfig | None) -> MemberSettings | None:
    """The membership settings of an object type, or None when it is no group type.

    Raises:
        ConfigurationError: no ``membership.attribute`` is set and the classes are not a
            known group class.
    """
    membership = object_type.membership if object_type is not None else None
    if object_type is None or membership is None:
        return None
    group = group_class_of((object_type.target, *object_type.auxiliary))
    attribute = membership.attribute or (group.member_attribute if group else None)
    if attribute is None:
        known = ", ".join(g.name for g in GROUP_CLASSES)
        raise ConfigurationError(
            [f"object_type.membership.attribute: required: {object_type.target!r} is not a "
             f"known group class ({known})"]
        )  # fmt: skip
    if group is not None and group.requires_member and membership.placeholder_member is None:
        raise ConfigurationError(
            [f"object_type.membership.placeholder_member: required: {group.name} requires "
             f"a {group.member_attribute} value, so a group needs one before its members "
             'are added (e.g. "cn=nobody")']
        )  # fmt: skip
    by_attribute = {g.member_attribute.lower(): g.value_kind for g in GROUP_CLASSES}
    return MemberSettings(
        attribute=attribute,
        value_kind=by_attribute.get(attribute.lower(), MemberValueKind.DN),
        source=membership.source, chunk_size=membership.chunk_size,
        placeholder=membership.placeholder_member,
        requires_member=group.requires_member if group is not None else False,
    )  # fmt: skip


def placeholder_mappings(object_type: ObjectTypeConfig | None) -> tuple[MappingConfig, ...]:
    """The create-only mapping that writes the placeholder member into a new group.

    The ordinary export creates the group entry with it (a groupOfNames cannot be added
    without a member); the membership run then adds the real members and drops it.
    """
    settings = member_settings(object_type)
    if settings is None or settings.placeholder is None:
        return ()
    return (
        MappingConfig(
            type=MappingType.CONSTANT, target=settings.attribute, value=settings.placeholder,
            apply=ApplyWhen.CREATE,
        ),
    )  # fmt: skip


def value_key(value: str, kind: MemberValueKind) -> str:
    """The comparison key of a member value: DNs by ``dn_key``, uids exactly (RFC 2307)."""
    return dn_key(value) if kind is MemberValueKind.DN else value


def _differences(
    current: Sequence[str], wanted: Sequence[str], kind: MemberValueKind
) -> tuple[list[str], list[str]]:
    """The values to add and to delete, comparing by :func:`value_key`.

    Values the server returns are the ones written, so most compare equal as text: only
    the values without an exact twin are keyed (``dn_key`` parses the DN, ~80 µs each;
    keying every value of a 10,000-member group cost seconds). A desired value is listed
    once however often it is given.
    """
    present, desired = set(current), dict.fromkeys(wanted)
    adds = [v for v in desired if v not in present]
    deletes = [v for v in dict.fromkeys(current) if v not in desired]
    add_keys = {value_key(v, kind): v for v in adds}
    delete_keys = {value_key(v, kind) for v in deletes}
    same = add_keys.keys() & delete_keys  # the same member spelled otherwise: no change
    adds = [v for key, v in add_keys.items() if key not in same]
    deletes = [v for v in deletes if value_key(v, kind) not in same]
    return adds, deletes


def _chunks(
    dn: str, op: ModifyOp, attribute: str, values: Sequence[str], size: int
) -> list[ModifyOperation]:
    return [
        ModifyOperation(dn=dn, changes=(Modification(op, attribute, tuple(values[i : i + size])),))
        for i in range(0, len(values), size)
    ]


def plan_membership(
    group_dn: str, settings: MemberSettings, current: Sequence[str], desired: Sequence[str]
) -> tuple[ModifyOperation, ...]:
    """The modify requests that bring a group's members from ``current`` to ``desired``.

    Args:
        group_dn: the group's DN.
        settings: the group type's settings.
        current: the values the group holds now.
        desired: the values it should hold (resolved members; without the placeholder).

    Returns:
        Adds first, then deletes, each at most ``chunk_size`` values; empty when the
        group is as it should be.
    """
    kind = settings.value_kind
    wanted = list(desired)
    if not wanted and settings.placeholder is not None:
        wanted = [settings.placeholder]  # an empty group keeps (or gets) its placeholder
    adds, deletes = _differences(current, wanted, kind)
    size, attribute = settings.chunk_size, settings.attribute
    return tuple(
        _chunks(group_dn, ModifyOp.ADD, attribute, adds, size)
        + _chunks(group_dn, ModifyOp.DELETE, attribute, deletes, size)
    )
