"""The LDAP operations an export plans, as frozen values that render as LDIF.

A runner sends them in order; a plan shows them. None of them can leak a secret: values
of redacted attributes are masked in ``repr`` and LDIF, and :class:`PasswordSetOperation`
holds no password at all (the runner generates one when it sends the operation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ldapconnector.dn import format_dn, parse_dn
from ldapconnector.model import Modification, Value
from ldapconnector.profiles.export._ldif_out import (
    REDACTED_PLACEHOLDER,
    add_record,
    comment_lines,
    ldif_line,
    modify_record,
)
from ldapconnector.schema import SchemaProblem

__all__ = [
    "AddOperation",
    "DeleteOperation",
    "ModifyDnOperation",
    "ModifyOperation",
    "Operation",
    "PasswordSetOperation",
    "PlanFailure",
]


# One empty set for every empty field: an empty frozenset costs 216 bytes, and most
# records' sets are empty (a report keeps them for every record of a run).
_NO_NAMES: frozenset[str] = frozenset()


def _names(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names) or _NO_NAMES


def _attribute_map(value: Mapping[str, Iterable[Value]]) -> Mapping[str, tuple[Value, ...]]:
    return {name: tuple(values) for name, values in value.items()}


def _hidden(attribute: str, redacted: frozenset[str]) -> bool:
    return attribute.lower() in {name.lower() for name in redacted}


@attrs.frozen(kw_only=True, repr=False)
class AddOperation:
    """Add an entry (RFC 4511 section 4.7).

    Attributes:
        dn: the new entry's DN.
        attributes: every attribute of the entry, ``objectClass`` first.
        redacted: attributes whose values are masked in ``repr`` and LDIF.
    """

    dn: str
    attributes: Mapping[str, tuple[Value, ...]] = attrs.field(converter=_attribute_map)
    redacted: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    def to_ldif(self) -> str:
        """The ``changetype: add`` record (RFC 2849)."""
        return add_record(self.dn, self.attributes, self.redacted)

    def __repr__(self) -> str:
        shown = {
            name: (REDACTED_PLACEHOLDER,) * len(values) if _hidden(name, self.redacted) else values
            for name, values in self.attributes.items()
        }
        return f"AddOperation(dn={self.dn!r}, attributes={shown!r})"


def _changes(value: Iterable[Modification]) -> tuple[Modification, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True, repr=False)
class ModifyOperation:
    """Change attributes of one entry in one request (RFC 4511 section 4.6).

    Attributes:
        dn: the entry's DN (after any rename planned before it).
        changes: the modifications, applied in order, atomically.
        redacted: attributes whose values are masked in ``repr`` and LDIF.
    """

    dn: str
    changes: tuple[Modification, ...] = attrs.field(converter=_changes)
    redacted: frozenset[str] = attrs.field(default=frozenset(), converter=_names)

    def to_ldif(self) -> str:
        """The ``changetype: modify`` record (RFC 2849)."""
        return modify_record(self.dn, self.changes, self.redacted)

    def __repr__(self) -> str:
        shown = [
            (
                change.op.value,
                change.attribute,
                (REDACTED_PLACEHOLDER,) * len(change.values)
                if _hidden(change.attribute, self.redacted)
                else change.values,
            )
            for change in self.changes
        ]
        return f"ModifyOperation(dn={self.dn!r}, changes={shown!r})"


@attrs.frozen(kw_only=True)
class ModifyDnOperation:
    """Rename and/or move an entry (RFC 4511 section 4.9).

    Attributes:
        dn: the entry's current DN.
        new_rdn: the new RDN, escaped (``CN=bsimon``).
        delete_old_rdn: remove the old RDN's values from the entry.
        new_superior: the new parent's DN when the entry moves, else None.
    """

    dn: str
    new_rdn: str
    delete_old_rdn: bool = True
    new_superior: str | None = None

    @property
    def new_dn(self) -> str:
        """The entry's DN once the operation has run."""
        parent = self.new_superior
        if parent is None:
            parent = format_dn(parse_dn(self.dn)[1:])
        return f"{self.new_rdn},{parent}" if parent else self.new_rdn

    def to_ldif(self) -> str:
        """The ``changetype: modrdn`` record (RFC 2849; ``moddn`` is the same thing)."""
        lines = [
            ldif_line("dn", self.dn),
            ldif_line("changetype", "modrdn"),
            ldif_line("newrdn", self.new_rdn),
            ldif_line("deleteoldrdn", "1" if self.delete_old_rdn else "0"),
        ]
        if self.new_superior is not None:
            lines.append(ldif_line("newsuperior", self.new_superior))
        return "".join(lines) + "\n"


@attrs.frozen(kw_only=True)
class DeleteOperation:
    """Delete a leaf entry (RFC 4511 section 4.8).

    Attributes:
        dn: the entry's DN.
    """

    dn: str

    def to_ldif(self) -> str:
        """The ``changetype: delete`` record (RFC 2849)."""
        return ldif_line("dn", self.dn) + ldif_line("changetype", "delete") + "\n"


@attrs.frozen(kw_only=True)
class PasswordSetOperation:
    """Set a new entry's initial random password, after the add and never in it.

    The operation holds no password: the runner generates a random one when it sends the
    operation (and never logs it), so no plan, report, ``repr`` or LDIF can contain one.

    Attributes:
        dn: the entry's DN.
        attribute: the password attribute (``[global] password_attribute``).
    """

    dn: str
    attribute: str = "userPassword"

    def to_ldif(self) -> str:
        """A comment-only block: the value does not exist until the runner makes it."""
        return (
            comment_lines(
                f"set an initial random password in {self.attribute} of {self.dn}\n"
                "(generated when the operation is sent; never shown, logged or stored)"
            )
            + "\n"
        )


Operation = (
    AddOperation | ModifyOperation | ModifyDnOperation | DeleteOperation | PasswordSetOperation
)
"""Any operation a plan holds."""


@attrs.frozen(kw_only=True)
class PlanFailure:
    """Why no operation could be planned for a record; nothing is written for it.

    Attributes:
        message: the whole reason, every schema problem listed.
        problems: the schema problems behind it, when the schema refused the entry.
    """

    message: str
    problems: tuple[SchemaProblem, ...] = ()

    def __str__(self) -> str:
        return self.message
