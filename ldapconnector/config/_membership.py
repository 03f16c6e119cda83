"""The ``membership`` table of a group type (``[object_type]`` or ``[[object_types]]``)."""

from __future__ import annotations

import re
from typing import ClassVar

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config._checks import Validated as _Validated

__all__ = ["MembershipConfig", "type_name"]

_M = _c.meta
_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def type_name(value: str) -> str | None:
    """An object type name: a letter, then letters, digits, ``_`` or ``-``."""
    if _NAME_RE.match(value):
        return None
    return f"must be a name (a letter, then letters, digits, _ or -), got {_c.show(value)}"


@attrs.frozen(kw_only=True)
class MembershipConfig(_Validated):
    """A group type's ``membership`` table: where members come from and how they are written.

    Attributes:
        members_of: the name of the object type whose source ids the members are.
        source: the record key holding the members' source ids (``members``).
        attribute: the membership attribute; None means the one the group class uses
            (``member`` for groupOfNames, ``uniqueMember``, ``memberUid`` for posixGroup).
        placeholder_member: a value kept in the group while it has no real member, for
            classes that require one (groupOfNames); written on create.
        chunk_size: member values per modify request (big groups are changed in steps,
            never replaced whole).
    """

    _PATH: ClassVar[str] = "object_types[*].membership"

    members_of: str = attrs.field(metadata=_M(type_name))
    source: str = attrs.field(default="members", metadata=_M(_c.not_blank))
    attribute: str | None = attrs.field(default=None, metadata=_M(_c.attribute_name))
    placeholder_member: str | None = attrs.field(default=None, metadata=_M(_c.not_blank))
    chunk_size: int = attrs.field(default=500, metadata=_M(_c.positive))


attrs.resolve_types(MembershipConfig, globals())
