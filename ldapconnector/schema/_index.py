"""Look-ups and resolution over parsed definitions: names, superclass chains, inheritance.

Names and OIDs are matched case-insensitively (RFC 4512 section 1.4: descriptors are case
insensitive); the first definition to claim a name wins. Results that walk the schema
(superclass chains, inherited syntaxes, MUST/MAY closures) are computed on first use and
memoised: the schema itself never changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

import attrs

from ldapconnector.schema._model import (
    AttributeType,
    Definition,
    DitContentRule,
    LdapSyntax,
    ObjectClass,
    ObjectClassKind,
    SchemaProblem,
)

__all__ = ["Closure", "Index", "by_name"]

_D = TypeVar("_D", bound=Definition)

EXTENSIBLE_OBJECT = "extensibleobject"


def by_name(definitions: Iterable[_D]) -> dict[str, _D]:
    """Map every lower-cased name and OID to the first definition that claims it."""
    table: dict[str, _D] = {}
    for definition in definitions:
        keys: tuple[str, ...] = (definition.oid, *definition.names)
        for key in keys:
            table.setdefault(key.lower(), definition)
    return table


@attrs.frozen(kw_only=True)
class Closure:
    """The attributes an object class combination requires and allows.

    Attributes:
        classes: every class involved (the given ones and their superclasses), no repeats.
        structural: the structural class the closure was computed for.
        required: canonical attribute name -> the classes that list it under MUST.
        optional: canonical attribute name -> the classes that list it under MAY only.
        allowed: lower-cased names of ``required`` and ``optional``, less ``precluded``.
        precluded: lower-cased names a DIT content rule forbids (``NOT``).
        extensible: ``extensibleObject`` is among the classes (any attribute allowed).
        content_rule: the DIT content rule of the structural class, if the schema has one.
    """

    classes: tuple[ObjectClass, ...]
    structural: str
    required: dict[str, tuple[str, ...]]
    optional: dict[str, tuple[str, ...]]
    allowed: frozenset[str]
    precluded: frozenset[str]
    extensible: bool
    content_rule: DitContentRule | None


class Index:
    """Case-insensitive look-ups and memoised resolution for one set of definitions."""

    def __init__(
        self,
        *,
        object_classes: Sequence[ObjectClass],
        attribute_types: Sequence[AttributeType],
        ldap_syntaxes: Sequence[LdapSyntax],
        dit_content_rules: Sequence[DitContentRule],
    ) -> None:
        self.classes = by_name(object_classes)
        self.attributes = by_name(attribute_types)
        self.syntaxes = by_name(ldap_syntaxes)
        self.content_rules = by_name(dit_content_rules)
        self._ancestors: dict[str, tuple[tuple[ObjectClass, ...], bool]] = {}
        self._inherited: dict[str, AttributeType | None] = {}
        self._closures: dict[tuple[str, ...], Closure] = {}
        # Memo for the validator: objectClass values -> (closure, problems with them).
        self.class_checks: dict[tuple[str, ...], tuple[Closure | None, tuple[SchemaProblem, ...]]]
        self.class_checks = {}
        # Attribute descriptions as an entry writes them -> (the slot's key, or None for a
        # "dn" key; the type; the name to report): a run's entries repeat the same few.
        self.entry_keys: dict[str, tuple[str | None, AttributeType | None, str]] = {}

    def object_class(self, name: str) -> ObjectClass | None:
        """The class with this name or OID, or None."""
        return self.classes.get(name.lower())

    def attribute_type(self, name: str) -> AttributeType | None:
        """The attribute type with this name or OID, or None."""
        return self.attributes.get(name.lower())

    def canonical_attribute(self, name: str) -> str:
        """The canonical spelling of an attribute reference (as written when unknown)."""
        found = self.attributes.get(name.lower())
        return found.name if found is not None else name

    def ancestors(self, cls: ObjectClass) -> tuple[tuple[ObjectClass, ...], bool]:
        """All superclasses of ``cls``, nearest first, and whether ``SUP`` loops back."""
        key = cls.oid.lower()
        cached = self._ancestors.get(key)
        if cached is None:
            cached = self._walk(cls)
            self._ancestors[key] = cached
        return cached

    def _walk(self, cls: ObjectClass) -> tuple[tuple[ObjectClass, ...], bool]:
        found: list[ObjectClass] = []
        seen = {id(cls)}
        pending = list(cls.superclasses)
        cycle = False
        while pending:
            parent = self.classes.get(pending.pop(0).lower())
            if parent is None:
                continue
            if parent is cls:
                cycle = True
            if id(parent) in seen:
                continue
            seen.add(id(parent))
            found.append(parent)
            pending.extend(parent.superclasses)
        return tuple(found), cycle

    def inherited(self, attribute: AttributeType) -> AttributeType | None:
        """The nearest attribute type up the ``SUP`` chain that declares a syntax.

        RFC 4512 section 2.5.1: a subtype without ``SYNTAX`` takes its supertype's syntax
        (and, where it names none, its matching rules). ``attribute`` itself counts.
        """
        key = attribute.oid.lower()
        if key not in self._inherited:
            self._inherited[key] = self._syntax_holder(attribute)
        return self._inherited[key]

    def _syntax_holder(self, attribute: AttributeType) -> AttributeType | None:
        current: AttributeType | None = attribute
        seen: set[int] = set()
        while current is not None and id(current) not in seen:
            if current.syntax is not None:
                return current
            seen.add(id(current))
            current = self.attributes.get((current.superior or "").lower())
        return None

    def closure(self, structural: ObjectClass, auxiliary: Sequence[ObjectClass]) -> Closure:
        """MUST/MAY over ``structural``, ``auxiliary`` and all their superclasses."""
        key = (structural.oid.lower(), *(aux.oid.lower() for aux in auxiliary))
        cached = self._closures.get(key)
        if cached is None:
            cached = self._compute_closure(structural, auxiliary)
            self._closures[key] = cached
        return cached

    def _compute_closure(
        self, structural: ObjectClass, auxiliary: Sequence[ObjectClass]
    ) -> Closure:
        classes: list[ObjectClass] = []
        for cls in (structural, *auxiliary):
            for member in (cls, *self.ancestors(cls)[0]):
                if not _contains(classes, member):
                    classes.append(member)
        required: dict[str, list[str]] = {}
        optional: dict[str, list[str]] = {}
        for cls in classes:
            self._collect(cls.must, cls.name, required)
            self._collect(cls.may, cls.name, optional)
        rule = self.content_rules.get(structural.oid.lower())
        precluded: frozenset[str] = frozenset()
        if rule is not None:
            self._collect(rule.must, f"dITContentRule {rule.name}", required)
            self._collect(rule.may, f"dITContentRule {rule.name}", optional)
            precluded = frozenset(self.canonical_attribute(n).lower() for n in rule.precluded)
        allowed = frozenset(name.lower() for name in (*required, *optional)) - precluded
        return Closure(
            classes=tuple(classes),
            structural=structural.name,
            required={name: tuple(by) for name, by in required.items()},
            optional={n: tuple(by) for n, by in optional.items() if n not in required},
            allowed=allowed,
            precluded=precluded,
            extensible=any(cls.name.lower() == EXTENSIBLE_OBJECT for cls in classes),
            content_rule=rule,
        )

    def _collect(self, names: Iterable[str], origin: str, into: dict[str, list[str]]) -> None:
        for name in names:
            origins = into.setdefault(self.canonical_attribute(name), [])
            if origin not in origins:
                origins.append(origin)

    def structural_classes(self, classes: Iterable[ObjectClass]) -> list[ObjectClass]:
        """The structural classes of ``classes`` that are no superclass of another one.

        This is the "lowest" structural class of an entry (RFC 4512 section 2.4.2); more
        than one means the entry mixes unrelated structural chains.
        """
        structural = [c for c in classes if c.kind is ObjectClassKind.STRUCTURAL]
        lowest: list[ObjectClass] = []
        for cls in structural:
            below = (other for other in structural if other is not cls)
            if any(_contains(self.ancestors(other)[0], cls) for other in below):
                continue
            if not _contains(lowest, cls):
                lowest.append(cls)
        return lowest


def _contains(items: Iterable[object], wanted: object) -> bool:
    return any(item is wanted for item in items)
