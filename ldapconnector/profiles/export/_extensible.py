"""``include_extensible_attributes``: add ``extensibleObject`` where an entry needs it.

With the option on, every user attribute may be mapped (the schema lists them all); an
entry's own classes still decide what the server accepts, so an entry that gets an
attribute none of its classes allows gets the auxiliary class ``extensibleObject`` too
(RFC 4512 section 4.3: it allows any user attribute). Entries whose classes allow every
mapped attribute are left as they are: the class is added only where it is needed.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ldapconnector.mapping import OBJECT_CLASS_TARGET, DesiredEntry
from ldapconnector.profiles.export._names import has_name
from ldapconnector.schema import ProblemKind, Schema

__all__ = ["extensible_problem", "with_extensible_object"]

# The class of RFC 4512 section 4.3 (1.3.6.1.4.1.1466.101.120.111).
_EXTENSIBLE_OBJECT = "extensibleObject"


def extensible_problem(schema: Schema) -> str | None:
    """Why ``include_extensible_attributes`` cannot work with this schema, or None.

    The option is refused when the export starts on a server whose schema has no
    ``extensibleObject`` (Active Directory has none): every record would fail otherwise.
    """
    if not schema.options.include_extensible or schema.object_class(_EXTENSIBLE_OBJECT):
        return None
    return (
        "global.include_extensible_attributes: the server's schema has no extensibleObject "
        "class (RFC 4512 section 4.3), so attributes outside an entry's classes cannot be "
        "written; switch the option off"
    )


def with_extensible_object(
    desired: DesiredEntry, schema: Schema, *, held: Iterable[str] = ()
) -> DesiredEntry:
    """``desired`` with ``extensibleObject`` among its classes when its attributes need it.

    Args:
        desired: the mapped record.
        schema: the server's schema; nothing changes unless its options have
            ``include_extensible`` and it defines ``extensibleObject``.
        held: the object classes the entry has now (for an update), so a class it already
            holds counts.

    Returns:
        ``desired`` itself, or a copy with ``extensibleObject`` appended to its classes.
    """
    extensible = schema.object_class(_EXTENSIBLE_OBJECT)
    if not schema.options.include_extensible or extensible is None:
        return desired
    classes = (*held, *desired.object_classes)
    if _holds(classes, extensible.names):
        return desired
    sent = {
        name: values
        for name, values in desired.attributes.items()
        if not (held and has_name(schema, desired.create_only, name))
    }
    problems = schema.validate({OBJECT_CLASS_TARGET: classes, **sent})
    if not any(p.kind is ProblemKind.ATTRIBUTE_NOT_ALLOWED for p in problems):
        return desired
    return attrs.evolve(desired, object_classes=(*desired.object_classes, extensible.name))


def _holds(classes: Iterable[str], names: Iterable[str]) -> bool:
    """Whether ``classes`` holds a class under one of ``names`` (case-insensitive)."""
    wanted = {name.lower() for name in names}
    return any(name.lower() in wanted for name in classes)
