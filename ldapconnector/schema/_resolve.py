"""Cross-definition checks: duplicates and references, reported as warnings.

Parsing looks at one definition at a time; this pass looks across them. A duplicate OID or
name, a ``SUP``/``MUST``/``MAY``/``AUX``/``NOT``/``APPLIES`` reference to nothing, an
unknown syntax, an inheritance cycle: each becomes a :class:`SchemaWarning` on the
definition at fault, and the schema stays usable (RFC 4512 section 4 asks clients to be
liberal in what they accept from servers).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import attrs

from ldapconnector.schema._index import Index
from ldapconnector.schema._model import (
    AnyDefinition,
    AttributeType,
    DitContentRule,
    LdapSyntax,
    MatchingRuleUse,
    ObjectClass,
    SchemaWarning,
    WarningKind,
)
from ldapconnector.schema._parser import is_numeric_oid
from ldapconnector.schema._syntaxes import SYNTAXES, syntax_by_name

__all__ = ["resolve_syntax", "with_cross_checks"]

_Complaints = list[tuple[WarningKind, str]]
_T = TypeVar("_T", ObjectClass, AttributeType)
_D = TypeVar("_D", ObjectClass, AttributeType, LdapSyntax, DitContentRule)


def resolve_syntax(syntax: str) -> str:
    """The numeric OID of a syntax reference (AD writes two syntaxes by name)."""
    if is_numeric_oid(syntax):
        return syntax
    info = syntax_by_name(syntax)
    return info.oid if info is not None else syntax


def with_cross_checks(parsed: Mapping[str, list[AnyDefinition]]) -> dict[str, list[AnyDefinition]]:
    """Return the definitions with warnings about duplicates and references added."""
    index = Index(
        object_classes=_only(parsed["objectClasses"], ObjectClass),
        attribute_types=_only(parsed["attributeTypes"], AttributeType),
        ldap_syntaxes=_only(parsed["ldapSyntaxes"], LdapSyntax),
        dit_content_rules=_only(parsed["dITContentRules"], DitContentRule),
    )
    result: dict[str, list[AnyDefinition]] = {}
    for element, definitions in parsed.items():
        duplicates = _duplicates(definitions)
        checked: list[AnyDefinition] = []
        for position, definition in enumerate(definitions):
            complaints = duplicates.get(position, []) + _references(index, definition)
            checked.append(_add_warnings(element, definition, complaints))
        result[element] = checked
    return result


def _only(definitions: Sequence[AnyDefinition], kind: type[_D]) -> list[_D]:
    return [d for d in definitions if isinstance(d, kind)]


def _add_warnings(
    element: str, definition: AnyDefinition, complaints: _Complaints
) -> AnyDefinition:
    if not complaints:
        return definition
    extra = tuple(
        SchemaWarning(kind=kind, element=element, definition=definition.name, message=message)
        for kind, message in complaints
    )
    return attrs.evolve(definition, warnings=definition.warnings + extra)


def _duplicates(definitions: Sequence[AnyDefinition]) -> dict[int, _Complaints]:
    """Complaints about OIDs and names an earlier definition of the same kind already has."""
    oids: dict[str, int] = {}
    names: dict[str, int] = {}
    found: dict[int, _Complaints] = {}
    for position, definition in enumerate(definitions):
        complaints = found.setdefault(position, [])
        first = oids.setdefault(definition.oid.lower(), position)
        if first != position:
            owner = definitions[first].name
            message = (
                f"OID {definition.oid} is also used by {owner!r}; look-ups by OID find that one"
            )
            complaints.append((WarningKind.DUPLICATE_OID, message))
        for name in definition.names:
            first = names.setdefault(name.lower(), position)
            if first != position:
                owner = f"{definitions[first].name!r} ({definitions[first].oid})"
                message = (
                    f"the name {name!r} is also used by {owner}; look-ups by name find that one"
                )
                complaints.append((WarningKind.DUPLICATE_NAME, message))
    return found


def _references(index: Index, definition: AnyDefinition) -> _Complaints:
    if isinstance(definition, ObjectClass):
        return _class_references(index, definition)
    if isinstance(definition, AttributeType):
        return _attribute_references(index, definition)
    if isinstance(definition, DitContentRule):
        return _content_rule_references(index, definition)
    if isinstance(definition, MatchingRuleUse):
        complaints: _Complaints = []
        for name in definition.applies:
            _lookup(index.attributes, name, "APPLIES attribute", complaints)
        return complaints
    return []


def _lookup(
    table: Mapping[str, _T], reference: str, what: str, complaints: _Complaints
) -> _T | None:
    target = table.get(reference.lower())
    if target is None:
        complaints.append((WarningKind.UNKNOWN_REFERENCE, f"{what} {reference!r} is not defined"))
    elif is_numeric_oid(reference) and target.names:
        message = f"{what} is given by OID {reference} (resolved to {target.name!r})"
        complaints.append((WarningKind.OID_REFERENCE, message))
    return target


def _class_references(index: Index, cls: ObjectClass) -> _Complaints:
    complaints: _Complaints = []
    for name in cls.superclasses:
        _lookup(index.classes, name, "superclass", complaints)
    for keyword, names in (("MUST", cls.must), ("MAY", cls.may)):
        for name in names:
            _lookup(index.attributes, name, f"{keyword} attribute", complaints)
    if index.ancestors(cls)[1]:
        message = "following SUP leads back to this class; the loop is cut"
        complaints.append((WarningKind.INHERITANCE_CYCLE, message))
    return complaints


def _attribute_references(index: Index, attribute: AttributeType) -> _Complaints:
    complaints: _Complaints = []
    if attribute.superior is not None:
        _lookup(index.attributes, attribute.superior, "supertype", complaints)
        if _loops(index, attribute):
            message = "following SUP leads back to this attribute type; the loop is cut"
            complaints.append((WarningKind.INHERITANCE_CYCLE, message))
    if attribute.syntax is not None:
        complaints.extend(_syntax_complaints(index, attribute.syntax))
    elif attribute.superior is None:
        message = "has neither SYNTAX nor SUP (RFC 4512 section 4.1.2); values are strings"
        complaints.append((WarningKind.MISSING_SYNTAX, message))
    return complaints


def _loops(index: Index, attribute: AttributeType) -> bool:
    seen: set[int] = set()
    current = index.attributes.get((attribute.superior or "").lower())
    while current is not None and id(current) not in seen:
        if current is attribute:
            return True
        seen.add(id(current))
        current = index.attributes.get((current.superior or "").lower())
    return False


def _syntax_complaints(index: Index, syntax: str) -> _Complaints:
    if not is_numeric_oid(syntax):
        info = syntax_by_name(syntax)
        if info is None:
            return [
                (WarningKind.UNKNOWN_SYNTAX, f"SYNTAX {syntax!r} is unknown; values are strings")
            ]
        message = f"SYNTAX {syntax!r} is a name, not an OID; read as {info.name} ({info.oid})"
        return [(WarningKind.NON_NUMERIC_OID, message)]
    if syntax in SYNTAXES or syntax.lower() in index.syntaxes:
        return []
    return [(WarningKind.UNKNOWN_SYNTAX, f"SYNTAX {syntax} is unknown; values are strings")]


def _content_rule_references(index: Index, rule: DitContentRule) -> _Complaints:
    complaints: _Complaints = []
    if rule.oid.lower() not in index.classes:
        message = f"no object class has the rule's OID {rule.oid}; the rule governs nothing"
        complaints.append((WarningKind.UNKNOWN_REFERENCE, message))
    for name in rule.auxiliary:
        _lookup(index.classes, name, "AUX class", complaints)
    for keyword, names in (("MUST", rule.must), ("MAY", rule.may), ("NOT", rule.precluded)):
        for name in names:
            _lookup(index.attributes, name, f"{keyword} attribute", complaints)
    return complaints
