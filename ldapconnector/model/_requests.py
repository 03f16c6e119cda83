"""What the layers ask of a server, as plain values: scopes, modifications, controls.

These cross every layer (planners build :class:`Modification` values, anchors choose a
:class:`SearchScope`), so they live here, free of ldap3; the connection layer maps them
onto the wire.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs

from ldapconnector.model._entry import Value

__all__ = ["Control", "Modification", "ModifyOp", "SearchScope", "as_values"]

#: A request control: (OID, criticality, BER-encoded value or None).
Control = tuple[str, bool, bytes | None]


class SearchScope(enum.Enum):
    """How deep a search goes below its base (RFC 4511 section 4.5.1.2)."""

    BASE = "base"
    ONE_LEVEL = "one"
    SUBTREE = "sub"


class ModifyOp(enum.Enum):
    """The kind of change a :class:`Modification` makes (RFC 4511 section 4.6)."""

    ADD = "add"
    DELETE = "delete"
    REPLACE = "replace"
    INCREMENT = "increment"


def as_values(values: Iterable[Value] | Value) -> tuple[Value, ...]:
    """One value or several, as a tuple (a lone ``str``/``bytes`` is one value, not a sequence)."""
    if isinstance(values, str | bytes):
        return (values,)
    return tuple(values)


@attrs.frozen
class Modification:
    """One change to one attribute of an entry.

    Attributes:
        op: add values, delete values (all of them when ``values`` is empty), replace all
            values (delete the attribute when empty), or increment.
        attribute: the attribute name.
        values: the values concerned.
    """

    op: ModifyOp
    attribute: str
    values: tuple[Value, ...] = attrs.field(default=(), converter=as_values)
