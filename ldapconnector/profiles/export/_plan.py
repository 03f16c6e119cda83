"""The pure export planners: a desired entry (and the current one) in, operations out.

``plan_create`` builds the add for a new entry; ``plan_update`` the modify-DN and modify
that bring an existing entry in line. Both check the schema first and return one
:class:`PlanFailure` listing every problem instead of operations the server would refuse.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ldapconnector.config import DN_TARGET
from ldapconnector.dn import Rdn, parse_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.mapping import OBJECT_CLASS_TARGET, DesiredEntry
from ldapconnector.model import Entry, Modification, ModifyOp, Value, shown_value
from ldapconnector.profiles.export._diff import (
    attribute_changes,
    by_canonical_name,
    schema_single_valued,
    with_rdn_values,
)
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.profiles.export._ldif_out import REDACTED_PLACEHOLDER
from ldapconnector.profiles.export._names import canonical, find_name, has_name, schema_name
from ldapconnector.profiles.export._operations import (
    AddOperation,
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PasswordSetOperation,
    PlanFailure,
)
from ldapconnector.profiles.export._placement import placement_problem
from ldapconnector.profiles.export._rename import after_rename, plan_rename
from ldapconnector.schema import ObjectClassKind, ProblemKind, Schema, SchemaProblem

__all__ = ["PlanOptions", "needs_create_only_values", "plan_create", "plan_update"]

# Schema problems that concern the values an update sends (not the entry as a whole).
_UPDATE_PROBLEMS = frozenset(
    {
        ProblemKind.TOO_MANY_VALUES,
        ProblemKind.INVALID_VALUE,
        ProblemKind.UNKNOWN_ATTRIBUTE,
        ProblemKind.ATTRIBUTE_NOT_ALLOWED,
        ProblemKind.NO_USER_MODIFICATION,
    }
)


@attrs.frozen(kw_only=True)
class PlanOptions:
    """What the planners need to know beyond the entries and the schema.

    Attributes:
        password_attribute: the attribute passwords live in (``[global]
            password_attribute``); a mapping to it never flows in an add or a modify.
        set_initial_password: follow each add with a :class:`PasswordSetOperation` (the
            runner turns it on where the server supports it, not on AD LDS, and only when a
            mapping targets the password attribute).
        containers: ``[object_type] containers``: a new or renamed DN must be one RDN
            directly under one of them.
        partitions: without containers, the bases a new or renamed DN must lie below
            (``[global] partitions``, else the naming contexts searched). With neither,
            DNs are not checked for where they go.
    """

    password_attribute: str = "userPassword"  # noqa: S105 - an attribute name, not a secret
    set_initial_password: bool = False
    containers: tuple[str, ...] = ()
    partitions: tuple[str, ...] = ()


def _shown(problem: SchemaProblem, redacted: frozenset[str]) -> str:
    """The problem's message, with a redacted attribute's value masked."""
    hidden = {name.lower() for name in redacted}
    if problem.value and problem.attribute and problem.attribute.lower() in hidden:
        # The message quotes the value through shown_value (escaped, cut): hide that form.
        quoted = shown_value(problem.value)
        return problem.message.replace(quoted, REDACTED_PLACEHOLDER).replace(
            problem.value, REDACTED_PLACEHOLDER
        )
    return problem.message


def _failure(
    what: str, problems: tuple[SchemaProblem, ...], redacted: frozenset[str]
) -> PlanFailure:
    listed = "; ".join(_shown(problem, redacted) for problem in problems)
    count = len(problems)
    noun = "problem" if count == 1 else "problems"
    return PlanFailure(message=f"{what} ({count} schema {noun}): {listed}", problems=problems)


def _flowing(desired: DesiredEntry, options: PlanOptions) -> dict[str, tuple[Value, ...]]:
    return {
        name: values
        for name, values in desired.attributes.items()
        if name.lower() != options.password_attribute.lower()
    }


def _new_entry(
    desired: DesiredEntry, rdn: Rdn, schema: Schema, options: PlanOptions
) -> tuple[dict[str, tuple[Value, ...]], dict[str, int]]:
    """The add's attributes, and how many mapped values each that gained an RDN value had.

    The second map is keyed by the lower-cased schema name.
    """
    entry: dict[str, tuple[Value, ...]] = {OBJECT_CLASS_TARGET: tuple(desired.object_classes)}
    entry.update(_flowing(desired, options))
    gained: dict[str, int] = {}
    for kind, _ in rdn.pairs:
        name = find_name(schema, entry, kind) or schema_name(schema, kind)
        held = entry.get(name, ())
        values = with_rdn_values(schema, name, held, rdn)
        if values:
            entry[name] = values
        if held and len(values) > len(held):
            gained[schema_name(schema, name).lower()] = len(held)
    return entry, gained


def _rdn_clash(name: str, held: tuple[Value, ...], value: str) -> SchemaProblem:
    shown = ", ".join(shown_value(v if isinstance(v, str) else repr(v)) for v in held)
    message = (
        f"attribute {name!r} is SINGLE-VALUE in the schema, so it cannot hold both the mapped "
        f"value {shown} and the RDN value {shown_value(value)}; map the RDN value to {name!r} "
        "or build the DN from the mapped value"
    )
    first = held[0] if held and isinstance(held[0], str) else None
    return SchemaProblem(
        kind=ProblemKind.RDN_NOT_IN_ENTRY, message=message, attribute=name, value=first
    )


def _create_problems(
    entry: Mapping[str, tuple[Value, ...]], rdn: Rdn, gained: Mapping[str, int], schema: Schema,
    dn: str,
) -> tuple[SchemaProblem, ...]:  # fmt: skip
    """The schema's problems with the add, read as "treat as single value" means them.

    The RDN value an attribute treated as single-valued gained is bookkeeping, not a second
    exposed value: it is no "too many values". An attribute ``SINGLE-VALUE`` in the schema
    whose mapped value is not the RDN's gets one problem saying so, naming both values.
    """
    clashes: dict[str, SchemaProblem] = {}
    for kind, value in rdn.pairs:
        name = find_name(schema, entry, kind)
        if name is not None and schema_single_valued(schema, name):
            key = value_key(schema, name)
            if entry[name] and all(key(v) != key(value) for v in entry[name]):
                clashes[schema_name(schema, name).lower()] = _rdn_clash(
                    schema_name(schema, name), entry[name], value
                )
    kept: list[SchemaProblem] = []
    for problem in schema.validate(entry, dn=dn):
        about = (problem.attribute or "").lower()
        if problem.kind is ProblemKind.TOO_MANY_VALUES and gained.get(about, 2) <= 1:
            continue
        if problem.kind is ProblemKind.RDN_NOT_IN_ENTRY and about in clashes:
            kept.append(clashes.pop(about))
            continue
        kept.append(problem)
    return tuple(kept)


def _new_rdns(dn: str, options: PlanOptions) -> tuple[Rdn, ...] | PlanFailure:
    """The new entry's DN parsed, or why it cannot be used (see ``_placement``)."""
    try:
        rdns = parse_dn(dn)
    except InvalidRequestError as error:
        return PlanFailure(message=str(error))
    if not rdns:
        return PlanFailure(message="the DN is empty")
    problem = placement_problem(
        dn, rdns, containers=options.containers, partitions=options.partitions
    )
    return PlanFailure(message=problem) if problem is not None else rdns


def plan_create(
    desired: DesiredEntry, schema: Schema, *, options: PlanOptions | None = None
) -> tuple[Operation, ...] | PlanFailure:
    """Plan the creation of a new entry.

    The DN comes from the ``-dn-`` mapping; the RDN's value is added to its attribute when
    the mappings did not supply it (``cn: bsimon`` for ``CN=bsimon,...``). The entry is
    validated against the schema first (RFC 4512): one :class:`PlanFailure` lists every
    problem. The password attribute is never part of the add; with
    ``options.set_initial_password`` a :class:`PasswordSetOperation` follows it.

    Returns:
        The operations (the add, then possibly the password), or why there are none.
    """
    options = options or PlanOptions()
    if not desired.dn:
        return PlanFailure(message=f"no DN: the {DN_TARGET} mapping gave no value for the record")
    rdns = _new_rdns(desired.dn, options)
    if isinstance(rdns, PlanFailure):
        return rdns
    entry, gained = _new_entry(desired, rdns[0], schema, options)
    problems = _create_problems(entry, rdns[0], gained, schema, desired.dn)
    if problems:
        what = f"{shown_value(desired.dn)} does not fit the schema"
        return _failure(what, problems, desired.redacted)
    operations: list[Operation] = [
        AddOperation(dn=desired.dn, attributes=entry, redacted=desired.redacted)
    ]
    if options.set_initial_password:
        operations.append(PasswordSetOperation(dn=desired.dn, attribute=options.password_attribute))
    return tuple(operations)


def _managed(
    desired: DesiredEntry, schema: Schema, options: PlanOptions
) -> dict[str, tuple[Value, ...]]:
    """The attributes an update brings in line: always-applied and flowing."""
    create_only = {canonical(schema, name) for name in desired.create_only}  # made once
    return {
        name: values
        for name, values in _flowing(desired, options).items()
        if canonical(schema, name) not in create_only
    }


def _missing_auxiliary(desired: DesiredEntry, entry: Entry, schema: Schema) -> tuple[str, ...]:
    """Auxiliary classes the entry lacks; structural classes are never changed (RFC 4512 2.4.2)."""
    if has_name(schema, desired.create_only, OBJECT_CLASS_TARGET):
        return ()
    held = {name.lower() for name in entry.texts(OBJECT_CLASS_TARGET)}
    return tuple(
        name
        for name in desired.object_classes
        if name.lower() not in held
        and (found := schema.object_class(name)) is not None
        and found.kind is ObjectClassKind.AUXILIARY
    )


def needs_create_only_values(desired: DesiredEntry, current: Entry, schema: Schema) -> bool:
    """Whether an update must evaluate the create-only mappings too.

    It must when the entry lacks an auxiliary class the desired entry gives and some
    mappings are create-only: that class is being created on the entry, so its ``MUST``
    values may come from them (``uidNumber`` for ``posixAccount`` on a joined plain
    ``inetOrgPerson``). They fill only the new class's required attributes; see
    :func:`plan_update`.
    """
    return bool(desired.create_only) and bool(_missing_auxiliary(desired, current, schema))


def _auxiliary_fill(
    desired: DesiredEntry,
    current: Entry,
    managed: Mapping[str, tuple[Value, ...]],
    auxiliary: tuple[str, ...],
    schema: Schema,
) -> tuple[dict[str, tuple[Value, ...]], tuple[SchemaProblem, ...]]:
    """What an auxiliary class added on update needs: values to add, or the problems.

    A joined entry may lack a class the mappings give (``posixAccount`` on a plain
    ``inetOrgPerson``); its ``MUST`` attributes then come from the desired entry, even from
    create-only mappings (the class is being created), or the update fails before sending.
    """
    fill: dict[str, tuple[Value, ...]] = {}
    problems: list[SchemaProblem] = []
    for aux in auxiliary:
        for owner in (schema.object_class(aux), *schema.superclasses(aux)):
            for name in owner.must if owner is not None else ():
                if _held(name, current, managed, schema) or find_name(schema, fill, name):
                    continue
                source = find_name(schema, desired.attributes, name)
                if source is not None and desired.attributes[source]:
                    fill[source] = desired.attributes[source]
                    continue
                message = f"attribute {name!r} is required by {aux} but has no value to add"
                problems.append(
                    SchemaProblem(
                        kind=ProblemKind.MISSING_REQUIRED_ATTRIBUTE,
                        message=message,
                        attribute=name,
                        object_class=aux,
                    )
                )
    return fill, tuple(problems)


def _held(
    name: str, current: Entry, managed: Mapping[str, tuple[Value, ...]], schema: Schema
) -> bool:
    if name.lower() == OBJECT_CLASS_TARGET.lower() or schema.is_server_supplied(name):
        return True
    return bool(current.get(name)) or find_name(schema, managed, name) is not None


def _update_problems(
    managed: Mapping[str, tuple[Value, ...]], classes: tuple[str, ...], schema: Schema
) -> tuple[SchemaProblem, ...]:
    problems = schema.validate({OBJECT_CLASS_TARGET: classes, **managed})
    return tuple(p for p in problems if p.kind in _UPDATE_PROBLEMS)


def _changes(
    desired: DesiredEntry,
    managed: Mapping[str, tuple[Value, ...]],
    entry: Entry,
    schema: Schema,
    auxiliary: tuple[str, ...],
) -> list[Modification]:
    rdn = parse_dn(entry.dn)[0]
    changes = [Modification(ModifyOp.ADD, OBJECT_CLASS_TARGET, auxiliary)] if auxiliary else []
    # Indexed once: each attribute compared would otherwise scan every name of the entry.
    held = by_canonical_name(schema, entry.attributes)
    # Only the RDN's attributes can gain its values: the others are wanted as mapped.
    naming = {canonical(schema, kind) for kind, _ in rdn.pairs}
    for name, values in managed.items():
        known = canonical(schema, name)
        wanted = with_rdn_values(schema, name, values, rdn) if known in naming else values
        changes += attribute_changes(schema, name, wanted, held.get(known, ()))
    skipped = {canonical(schema, name) for name in (*desired.create_only, *managed)}
    for name in sorted(desired.cleared, key=str.lower):
        known = canonical(schema, name)
        if known in skipped:
            continue
        wanted = with_rdn_values(schema, name, (), rdn) if known in naming else ()
        changes += attribute_changes(schema, name, wanted, held.get(known, ()))
    return changes


def _checked_update(
    desired: DesiredEntry, current: Entry, schema: Schema, options: PlanOptions, validate: bool
) -> tuple[dict[str, tuple[Value, ...]], tuple[str, ...]] | PlanFailure:
    """What the update manages (with the new auxiliary classes' needs) and those classes.

    Fails when the values do not fit the schema (checked when ``validate``) or a new class
    lacks a required value.
    """
    managed = _managed(desired, schema, options)
    auxiliary = _missing_auxiliary(desired, current, schema)
    classes = (*current.texts(OBJECT_CLASS_TARGET), *auxiliary) or desired.object_classes
    fill, missing = _auxiliary_fill(desired, current, managed, auxiliary, schema)
    managed = {**managed, **fill}
    problems = missing
    if validate:
        problems += _update_problems(managed, tuple(classes), schema)
    if problems:
        return _failure(
            f"the update of {current.dn} does not fit the schema", problems, desired.redacted
        )
    return managed, auxiliary


def plan_update(
    desired: DesiredEntry,
    current: Entry,
    schema: Schema,
    *,
    options: PlanOptions | None = None,
    validate: bool = True,
) -> tuple[Operation, ...] | PlanFailure:
    """Plan the smallest change that brings ``current`` in line with ``desired``.

    Only always-applied mappings count; create-only ones, ``DO_NOT_FLOW`` results and the
    password attribute are left alone, and null results too unless ``flow_nulls`` made
    them *cleared*. Single-valued attributes get a ``replace``, multi-valued ones
    ``delete``/``add`` of the differing values, values compared by the attribute's
    equality rule (``caseIgnoreMatch``: ``Bob`` equals ``bob``). Missing auxiliary object
    classes are added, with their ``MUST`` values from ``desired`` (evaluated with the
    create-only mappings when :func:`needs_create_only_values` says so). A changed DN or
    RDN value becomes a :class:`ModifyDnOperation` first (see
    :func:`~ldapconnector.profiles.export._rename.plan_rename`), and the modify is then sent
    to the new DN.

    ``validate=False`` leaves out the schema check of the managed values, for a caller
    that had the same values checked against the same classes already (the replan of a
    modify's predicted result).

    Returns:
        The operations; an empty tuple when the entry is already as desired.
    """
    options = options or PlanOptions()
    checked = _checked_update(desired, current, schema, options, validate)
    if isinstance(checked, PlanFailure):
        return checked
    managed, auxiliary = checked
    rename = plan_rename(
        desired.dn, desired.create_only, managed, current, schema,
        containers=options.containers, partitions=options.partitions,
    )  # fmt: skip
    if isinstance(rename, PlanFailure):
        return rename
    after = after_rename(current, rename, schema) if rename is not None else current
    operations: list[Operation] = [rename] if isinstance(rename, ModifyDnOperation) else []
    changes = _changes(desired, managed, after, schema, auxiliary)
    if changes:
        operations.append(ModifyOperation(dn=after.dn, changes=changes, redacted=desired.redacted))
    return tuple(operations)
