"""Check one entry against the schema and say exactly what is wrong, one problem each.

The checks follow RFC 4512: an entry has exactly one structural object class chain
(section 2.4.2) plus auxiliary classes (2.4.3); it holds every ``MUST`` attribute of those
classes and their superclasses and no user attribute outside ``MUST`` | ``MAY`` (2.4.1),
unless it is an ``extensibleObject`` (4.3); operational attributes are outside object class
control (3.4); values fit their syntax (RFC 4517); the RDN's values are in the entry (2.3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from ldapconnector.dn import parse_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import OBJECT_CLASS_OID, SHOWN_CHARACTERS, shown_value
from ldapconnector.schema._index import Closure, Index
from ldapconnector.schema._model import (
    AttributeType,
    ObjectClass,
    ObjectClassKind,
    ProblemKind,
    SchemaProblem,
)
from ldapconnector.schema._values import check_value

if TYPE_CHECKING:
    from ldapconnector.schema._schema import Schema

__all__ = ["validate_entry"]


@attrs.define
class _Attribute:
    """The entry's values of one attribute type (aliases and options merged)."""

    name: str
    written: str
    definition: AttributeType | None
    values: list[object] = attrs.Factory(list)


def _as_list(value: object) -> list[object]:
    if isinstance(value, list):
        return value
    if value is None:
        return []
    if isinstance(value, (str, bytes, bytearray)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _entry_key(index: Index, key: str) -> tuple[str | None, AttributeType | None, str]:
    """How ``_group`` files one key: its slot (None for ``dn``), its type, its name."""
    found = index.entry_keys.get(key)
    if found is None:
        base = key.split(";", 1)[0].strip()
        definition = index.attribute_type(base)
        name = definition.name if definition is not None else base
        found = (None if base.lower() == "dn" else name.lower(), definition, name)
        if len(index.entry_keys) < _ENTRY_KEYS_MAX:
            index.entry_keys[key] = found
    return found


_ENTRY_KEYS_MAX = 4096


def _group(index: Index, entry: Mapping[str, object]) -> tuple[dict[str, _Attribute], str | None]:
    """Merge the entry's keys by attribute type; pull out a ``dn`` key."""
    grouped: dict[str, _Attribute] = {}
    dn = None
    for key, raw in entry.items():
        slot_key, definition, name = _entry_key(index, key)
        if slot_key is None:
            dn = _as_text(raw)
            continue
        values = _as_list(raw)
        if not values:
            continue
        slot = grouped.get(slot_key)
        if slot is None:
            slot = grouped[slot_key] = _Attribute(name=name, written=key, definition=definition)
        slot.values.extend(values)
    return grouped, dn


def validate_entry(
    schema: Schema, index: Index, entry: Mapping[str, object], *, dn: str | None
) -> tuple[SchemaProblem, ...]:
    """Validate ``entry``; see :meth:`Schema.validate`."""
    grouped, dn_key = _group(index, entry)
    problems: list[SchemaProblem] = []
    closure = _check_classes(index, grouped, problems)
    if closure is not None:
        _check_required(schema, closure, grouped, problems)
    for attribute in grouped.values():
        _check_attribute(schema, closure, attribute, problems)
    dn = dn if dn is not None else dn_key
    if dn is not None:
        _check_dn(index, dn, grouped, problems)
    return tuple(problems)


def _check_classes(
    index: Index, grouped: dict[str, _Attribute], problems: list[SchemaProblem]
) -> Closure | None:
    slot = grouped.get(index.canonical_attribute("objectClass").lower())
    if slot is None:
        message = "the entry has no objectClass attribute; it needs one structural object class"
        problems.append(SchemaProblem(kind=ProblemKind.NO_STRUCTURAL_CLASS, message=message))
        return None
    # objectClass lists repeat from entry to entry: the index remembers their outcome.
    names = tuple(_as_text(value).strip() for value in slot.values)
    cached = index.class_checks.get(names)
    if cached is None:
        found: list[SchemaProblem] = []
        cached = (_classes_closure(index, names, found), tuple(found))
        if len(index.class_checks) < _CLASS_CHECKS_MAX:
            index.class_checks[names] = cached
    problems.extend(cached[1])
    return cached[0]


_CLASS_CHECKS_MAX = 4096


def _classes_closure(
    index: Index, names: tuple[str, ...], problems: list[SchemaProblem]
) -> Closure | None:
    known: list[ObjectClass] = []
    for name in names:
        cls = index.object_class(name)
        if cls is None:
            problems.append(_unknown_class(name))
        elif all(cls is not other for other in known):
            known.append(cls)
    if not known:
        return None
    lowest = index.structural_classes(known)
    _check_structural(known, lowest, problems)
    structural = lowest[0] if lowest else known[0]
    others = [cls for cls in known if cls is not structural]
    _check_content_rule(index, structural, others, problems)
    return index.closure(structural, others)


def _unknown_class(name: str) -> SchemaProblem:
    return SchemaProblem(
        kind=ProblemKind.UNKNOWN_OBJECT_CLASS,
        message=f"object class {name!r} is not defined in the schema",
        object_class=name,
    )


def _check_structural(
    known: list[ObjectClass], lowest: list[ObjectClass], problems: list[SchemaProblem]
) -> None:
    if not lowest:
        listed = ", ".join(f"{c.name} ({c.kind.value})" for c in known)
        message = (
            f"the entry has no structural object class (it has {listed}); add exactly one "
            "structural class (RFC 4512 section 2.4.2)"
        )
        problems.append(SchemaProblem(kind=ProblemKind.NO_STRUCTURAL_CLASS, message=message))
    elif len(lowest) > 1:
        names = _join([c.name for c in lowest])
        message = (
            f"the entry has {len(lowest)} unrelated structural object classes, {names}; an "
            "entry has exactly one structural class chain (RFC 4512 section 2.4.2)"
        )
        problems.append(
            SchemaProblem(
                kind=ProblemKind.MULTIPLE_STRUCTURAL_CLASSES,
                message=message,
                object_class=lowest[1].name,
            )
        )


def _check_content_rule(
    index: Index, structural: ObjectClass, others: list[ObjectClass], problems: list[SchemaProblem]
) -> None:
    rule = index.content_rules.get(structural.oid.lower())
    if rule is None or structural.kind is not ObjectClassKind.STRUCTURAL:
        return
    permitted = {id(index.object_class(name)) for name in rule.auxiliary}
    for cls in others:
        if cls.kind is ObjectClassKind.AUXILIARY and id(cls) not in permitted:
            message = (
                f"auxiliary class {cls.name!r} is not permitted on {structural.name!r} by its "
                "dITContentRule (RFC 4512 section 4.1.6)"
            )
            problems.append(
                SchemaProblem(
                    kind=ProblemKind.AUXILIARY_NOT_ALLOWED, message=message, object_class=cls.name
                )
            )


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _check_required(
    schema: Schema, closure: Closure, grouped: dict[str, _Attribute], problems: list[SchemaProblem]
) -> None:
    for name, required_by in closure.required.items():
        if name.lower() in grouped or schema.is_server_supplied(name):
            continue
        message = f"attribute {name!r} is required by {_join(list(required_by))} but missing"
        problems.append(
            SchemaProblem(
                kind=ProblemKind.MISSING_REQUIRED_ATTRIBUTE,
                message=message,
                attribute=name,
                object_class=required_by[0],
            )
        )


def _check_attribute(
    schema: Schema, closure: Closure | None, attribute: _Attribute, problems: list[SchemaProblem]
) -> None:
    definition = attribute.definition
    if definition is None:
        message = f"attribute {attribute.name!r} is not defined in the schema"
        problems.append(
            SchemaProblem(
                kind=ProblemKind.UNKNOWN_ATTRIBUTE, message=message, attribute=attribute.name
            )
        )
        return
    if definition.no_user_modification and definition.oid != OBJECT_CLASS_OID:
        message = (
            f"attribute {attribute.name!r} is NO-USER-MODIFICATION: the server maintains it "
            "and refuses it from clients (RFC 4512 section 4.1.2)"
        )
        problems.append(
            SchemaProblem(
                kind=ProblemKind.NO_USER_MODIFICATION, message=message, attribute=attribute.name
            )
        )
        return
    if closure is not None and not definition.operational:
        _check_allowed(closure, attribute, problems)
    _check_values(schema, attribute, problems)


def _check_allowed(closure: Closure, attribute: _Attribute, problems: list[SchemaProblem]) -> None:
    key = attribute.name.lower()
    if key in closure.precluded:
        rule = closure.content_rule.name if closure.content_rule is not None else "?"
        message = f"attribute {attribute.name!r} is precluded by the dITContentRule of {rule!r}"
    elif closure.extensible or key in closure.allowed:
        return
    else:
        classes = ", ".join(cls.name for cls in closure.classes)
        message = (
            f"attribute {attribute.name!r} is not allowed by the entry's object classes ({classes})"
        )
    problems.append(
        SchemaProblem(
            kind=ProblemKind.ATTRIBUTE_NOT_ALLOWED, message=message, attribute=attribute.name
        )
    )


def _check_values(schema: Schema, attribute: _Attribute, problems: list[SchemaProblem]) -> None:
    info = schema.attribute(attribute.written)
    if info is None:
        return
    if info.single_value and len(attribute.values) > 1:
        configured = (
            ""
            if attribute.definition and attribute.definition.single_value
            else (" (treated as single-valued by configuration)")
        )
        message = (
            f"attribute {attribute.name!r} is single-valued{configured} but has "
            f"{len(attribute.values)} values"
        )
        problems.append(
            SchemaProblem(
                kind=ProblemKind.TOO_MANY_VALUES, message=message, attribute=attribute.name
            )
        )
    for value in attribute.values:
        reason = check_value(info.value_type, value, info.syntax)
        if reason is not None:
            text = _as_text(value)
            problems.append(
                SchemaProblem(
                    kind=ProblemKind.INVALID_VALUE,
                    message=f"value {shown_value(text)} of attribute {attribute.name!r} {reason}",
                    attribute=attribute.name,
                    value=text[:SHOWN_CHARACTERS],
                )
            )


def _check_dn(
    index: Index, dn: str, grouped: dict[str, _Attribute], problems: list[SchemaProblem]
) -> None:
    try:
        rdns = parse_dn(dn)
    except InvalidRequestError:
        message = f"the DN {shown_value(dn)} is not a valid distinguished name (RFC 4514)"
        problems.append(
            SchemaProblem(kind=ProblemKind.INVALID_DN, message=message, value=dn[:SHOWN_CHARACTERS])
        )
        return
    for attribute_type, value in rdns[0].pairs if rdns else ():
        name = index.canonical_attribute(attribute_type)
        slot = grouped.get(name.lower())
        if value.startswith("#") or (
            slot is not None and value.lower() in {_as_text(v).lower() for v in slot.values}
        ):
            continue
        message = (
            f"the RDN's {attribute_type} value {shown_value(value)} is not among the entry's "
            f"values of {name!r} (RFC 4512 section 2.3)"
        )
        problem = SchemaProblem(
            kind=ProblemKind.RDN_NOT_IN_ENTRY, message=message, attribute=name,
            value=value[:SHOWN_CHARACTERS],
        )  # fmt: skip
        problems.append(problem)
