"""A group's membership changes, read from one change record (pure).

A change log records a modify of ``member`` as the values added and deleted (accesslog
``member:+ v`` / ``member:- v``, a changelog's ``add: member`` / ``delete: member``);
:func:`membership_change` turns the record's operations on the membership attribute
into the net members added and removed, and the whole membership where the record
states it: an added group (its values), a deleted group (none left; the values
``reqOld`` kept are the ones removed), a replace (the new values; added and removed
relative to the ``reqOld`` values where the log keeps them, as slapd's ``logold`` does;
a DirSync or changelog replace states the whole membership only),
and a source that reports the object's current values instead of operations (USN,
timestamps). Values are compared as the membership attribute compares them: DNs by
``dn_key`` (case and spacing aside), uids exactly. Attribute names with options
(DirSync's ``member;range=1-1`` increments) are not read here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from ldapconnector.detect import DeltaSource
from ldapconnector.dn import dn_key
from ldapconnector.errors import LdapConnectorError
from ldapconnector.model import GroupMember, ModifyOp, Value
from ldapconnector.profiles.delta._changes import (
    AttributeChange,
    ChangeRecord,
    ChangeType,
    MembershipChange,
    as_text,
)
from ldapconnector.schema import MemberValueKind

__all__ = ["ResolveMembers", "membership_change"]

ResolveMembers = Callable[[Sequence[str]], tuple[GroupMember, ...]]
"""Member values -> members with their source ids (the placeholder left out)."""


def _key(value: str, kind: MemberValueKind) -> str:
    if kind is MemberValueKind.UID:
        return value
    try:
        return dn_key(value)
    except LdapConnectorError:
        return value.casefold()  # a value that is no DN still compares, as text


def _values(mapping: Mapping[str, tuple[Value, ...]], attribute: str) -> list[str]:
    wanted = attribute.lower()
    return [as_text(v) for name, vs in mapping.items() if name.lower() == wanted for v in vs]


class _Net:
    """The members added and removed so far, relative to the values before the change."""

    def __init__(self, before: Iterable[str] | None, kind: MemberValueKind) -> None:
        self.kind = kind
        # None: the log keeps no old values, so a replace tells the whole membership only.
        self.before = None if before is None else {_key(v, kind): v for v in before}
        self.added: dict[str, str] = {}
        self.removed: dict[str, str] = {}
        self.whole: dict[str, str] | None = None

    def apply(self, change: AttributeChange) -> None:
        values = {_key(as_text(v), self.kind): as_text(v) for v in change.values}
        if change.op is ModifyOp.ADD:
            for key, value in values.items():
                self._move(key, value, into=self.added, out_of=self.removed)
                if self.whole is not None:
                    self.whole[key] = value
        elif change.op is ModifyOp.DELETE and values:
            for key, value in values.items():
                self._move(key, value, into=self.removed, out_of=self.added)
                if self.whole is not None:
                    self.whole.pop(key, None)
        else:  # a replace, or a delete of every value: the whole membership is known
            self.whole = values if change.op is ModifyOp.REPLACE else {}
            if self.before is None:  # what it added and removed is not known
                self.added, self.removed = {}, {}
                return
            self.added = {k: v for k, v in self.whole.items() if k not in self.before}
            self.removed = {k: v for k, v in self.before.items() if k not in self.whole}

    @staticmethod
    def _move(key: str, value: str, *, into: dict[str, str], out_of: dict[str, str]) -> None:
        """A value added after it was removed (or the reverse) is no change at all."""
        if key in out_of:
            del out_of[key]
        else:
            into[key] = value


def membership_change(
    record: ChangeRecord, attribute: str, kind: MemberValueKind, resolve: ResolveMembers
) -> MembershipChange | None:
    """How ``record`` moved a group's members (see the module docstring), or None.

    Args:
        record: a decoded change of a group entry.
        attribute: the group type's membership attribute.
        kind: whether its values are DNs or uids.
        resolve: turns values into members with their source ids.

    Returns:
        None when the record does not touch the membership attribute (a rename, a
        modify of other attributes).
    """
    if record.type is ChangeType.ADD:
        members = resolve(_values(record.attributes, attribute))
        return MembershipChange(attribute=attribute, added=members, members=members)
    if record.type is ChangeType.DELETE:
        removed = resolve(_values(record.old_attributes, attribute))
        return MembershipChange(attribute=attribute, removed=removed, members=())
    wanted = attribute.lower()
    changes = [c for c in record.changes if c.attribute.lower() == wanted]
    if not changes:
        if record.changes or not record.attributes:
            return None
        # USN and timestamp sources report the object's current values, not operations.
        current = resolve(_values(record.attributes, attribute))
        return MembershipChange(attribute=attribute, members=current)
    # Only the accesslog keeps old values (reqOld); DirSync and changelog replaces do not.
    known = record.source == DeltaSource.ACCESSLOG
    net = _Net(_values(record.old_attributes, attribute) if known else None, kind)
    for change in changes:
        net.apply(change)
    return MembershipChange(
        attribute=attribute,
        added=resolve(list(net.added.values())),
        removed=resolve(list(net.removed.values())),
        members=None if net.whole is None else resolve(list(net.whole.values())),
    )
