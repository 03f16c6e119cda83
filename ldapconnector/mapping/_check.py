"""The start-of-run check of mappings against the directory's schema."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ldapconnector.config import DN_TARGET
from ldapconnector.errors import ExpressionError, SchemaError
from ldapconnector.expressions import EvaluationContext
from ldapconnector.mapping._mapping import OBJECT_CLASS_TARGET, MappingSet
from ldapconnector.mapping._values import to_ldap_values
from ldapconnector.schema import ObjectClassKind, Schema

__all__ = ["check_mappings_against_schema", "static_object_classes"]


def static_object_classes(mapping_set: MappingSet) -> tuple[str, ...]:
    """The object classes every entry gets, as far as they are known before any record.

    The ``objectClass`` mapping's result when it reads no source attribute (a constant,
    ``Split("inetOrgPerson,posixAccount", ",")``), else the configured classes.
    """
    mapping = mapping_set.mapping_for(OBJECT_CLASS_TARGET)
    if mapping is not None and mapping.is_static:
        try:
            values = to_ldap_values(mapping.evaluate({}, EvaluationContext()))
        except (ExpressionError, TypeError):
            values = ()
        if values:
            return tuple(str(v) for v in values)
    return mapping_set.configured_object_classes()


def _split_classes(
    schema: Schema, classes: Sequence[str], problems: list[str]
) -> tuple[str, tuple[str, ...]] | None:
    for name in classes:
        if schema.object_class(name) is None:
            problems.append(f"object class {name!r} is not defined in the directory's schema")
    if problems:
        return None
    structural = schema.structural_class_of(classes)
    if structural is None:
        listed = ", ".join(classes) or "none"
        problems.append(f"the object classes ({listed}) do not name exactly one structural class")
        return None
    auxiliary = tuple(
        name
        for name in classes
        if (found := schema.object_class(name)) is not None
        and found.kind is ObjectClassKind.AUXILIARY
    )
    return structural.name, auxiliary


def check_mappings_against_schema(
    mapping_set: MappingSet,
    schema: Schema,
    object_classes: Iterable[str] | None = None,
) -> tuple[str, ...]:
    """Find mappings the directory would refuse, before any record is exported.

    A target must be an attribute the schema defines, that the object classes allow
    (their ``MUST`` and ``MAY`` lists, RFC 4512 section 4.1.1) and that clients may
    modify (not ``NO-USER-MODIFICATION``). ``-dn-`` and ``objectClass`` are always fine.

    Args:
        mapping_set: the compiled mappings.
        schema: the directory's schema.
        object_classes: the classes entries will have; default
            :func:`static_object_classes`.

    Returns:
        One message per problem, each naming the target (empty when all is well): a
        configuration error to report at start.
    """
    classes = tuple(object_classes) if object_classes is not None else None
    classes = classes or static_object_classes(mapping_set)
    problems: list[str] = []
    split = _split_classes(schema, classes, problems)
    if split is None:
        return tuple(problems)
    structural, auxiliary = split
    try:
        allowed = {n.lower() for n in schema.allowed_attributes(structural, auxiliary=auxiliary)}
        anything = schema.allows_any_attribute(structural, auxiliary=auxiliary)
    except SchemaError as error:
        return (str(error),)
    shown = "+".join((structural, *auxiliary))
    for mapping in mapping_set.mappings:
        target = mapping.target
        if target == DN_TARGET or target.lower() == OBJECT_CLASS_TARGET.lower():
            continue
        info = schema.attribute(target)
        if info is None:
            problems.append(f"mapping target {target!r} is not an attribute of the schema")
        elif info.no_user_modification:
            problems.append(f"mapping target {target!r} cannot be set by clients")
        elif not anything and info.name.lower() not in allowed and not info.operational:
            problems.append(f"mapping target {target!r} is not allowed on {shown} entries")
    return tuple(problems)
