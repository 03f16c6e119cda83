"""Decide whether an update starts with a modify-DN, and what the entry looks like after it.

Two things rename an entry (RFC 4511 section 4.9):

* an always-applied ``-dn-`` mapping whose DN differs from the entry's (compared by
  :func:`~ldapconnector.dn.normalize_dn`, so case and spaces do not count): new RDN, and a
  new superior when the parent differs;
* otherwise, a change of the RDN attribute's mapped value when the entry was *named after*
  that attribute: its only values are the RDN's (``cn=Bob Simon`` holding just
  ``cn: Bob Simon``). When the attribute holds other values too (``cn=bsimon`` with
  ``cn: Bob Simon`` from another mapping), the RDN value is a separate naming value: it is
  kept and the attribute is updated around it, with no rename. An attribute only
  *treated* as single-valued by configuration is never renamed after either: its RDN
  value is bookkeeping the directory keeps beside the mapped value (``CN=jdoe`` with
  ``cn: jdoe`` and ``cn: Jane Doe``); only a ``-dn-`` mapping moves such an entry.

The old RDN value is deleted (``deleteoldrdn: 1``) when its attribute is mapped and no
longer wants it, or when the new RDN gives the same unmapped attribute a new value.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from ldapconnector.config import DN_TARGET
from ldapconnector.dn import Rdn, format_dn, normalize_dn, parse_dn, renamed_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Entry, Value
from ldapconnector.profiles.export._diff import current_values, schema_single_valued
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.profiles.export._names import canonical, find_name, schema_name
from ldapconnector.profiles.export._operations import ModifyDnOperation, PlanFailure
from ldapconnector.profiles.export._placement import placement_problem, rdn_problem
from ldapconnector.schema import Schema

__all__ = ["after_rename", "plan_rename"]

Managed = Mapping[str, tuple[Value, ...]]


def _renamed_rdn(schema: Schema, rdn: Rdn, managed: Managed, entry: Entry) -> Rdn | None:
    """The new RDN when the entry is named after a mapped attribute whose value changed."""
    if len(rdn.pairs) != 1:
        return None
    kind, value = rdn.pairs[0]
    name = find_name(schema, managed, kind)
    if name is None or value.startswith("#"):
        return None
    if schema.is_single_valued(kind) and not schema_single_valued(schema, kind):
        return None  # treated as single-valued: the RDN value stays beside the mapped one
    key = value_key(schema, kind)
    wanted = managed[name]
    if any(key(v) == key(value) for v in wanted) or not isinstance(wanted[0], str):
        return None
    held = current_values(entry.attributes, schema, kind)
    if any(key(v) != key(value) for v in held):
        return None  # the RDN value is a separate naming value: keep it
    return Rdn(pairs=((kind, wanted[0]),))


def _delete_old_rdn(schema: Schema, old: Rdn, new: Rdn, managed: Managed) -> bool:
    new_kinds = {canonical(schema, kind) for kind, _ in new.pairs}
    for kind, value in old.pairs:
        key = value_key(schema, kind)
        if any(key(v) == key(value) for v in new.values_of(kind)):
            continue  # the new RDN keeps this value (a move, or a change of case)
        name = find_name(schema, managed, kind)
        if name is None:
            if canonical(schema, kind) in new_kinds:
                return True
            continue
        if all(key(v) != key(value) for v in managed[name]):
            return True
    return False


def plan_rename(
    desired_dn: str | None,
    create_only: frozenset[str],
    managed: Managed,
    entry: Entry,
    schema: Schema,
    *,
    containers: Sequence[str] = (),
    partitions: Sequence[str] = (),
) -> ModifyDnOperation | PlanFailure | None:
    """The modify-DN an update needs first, None when the DN stays (see module doc).

    Args:
        desired_dn: the ``-dn-`` mapping's DN, if it was evaluated.
        create_only: the record's create-only targets (``-dn-`` among them or not).
        managed: the attributes the update manages (always-applied, flowing).
        entry: the entry as the directory holds it.
        schema: the directory's schema.
        containers: a new ``-dn-`` must be one RDN directly under one of them.
        partitions: without containers, a new ``-dn-`` must lie below one of them.
    """
    try:
        old = parse_dn(entry.dn)
        target = parse_dn(desired_dn) if desired_dn and DN_TARGET not in create_only else None
    except InvalidRequestError as error:
        return PlanFailure(message=str(error))
    if not old:
        return PlanFailure(message="the entry has an empty DN and cannot be updated")
    named = _new_name(old, target, managed, entry, schema)
    if named is None:
        return None
    new_rdn, superior = named
    # A -dn- target goes where its mapping says: it must stay inside the bases. A new RDN
    # value keeps the entry where it is; only its value is checked.
    problem = (
        placement_problem(desired_dn, target, containers=containers, partitions=partitions)
        if target and desired_dn
        else rdn_problem(new_rdn, renamed_dn(entry.dn, str(new_rdn)))
    )
    if problem is not None:
        return PlanFailure(message=problem)
    return ModifyDnOperation(
        dn=entry.dn,
        new_rdn=str(new_rdn),
        delete_old_rdn=_delete_old_rdn(schema, old[0], new_rdn, managed),
        new_superior=superior,
    )


# normalize_dn, remembered: every update compares its DN and its parent's (the same few
# containers), and a modify's result is planned again with the same DNs.
_normal = functools.lru_cache(maxsize=4096)(normalize_dn)


@functools.lru_cache(maxsize=4096)
def _normal_rdns(rdns: tuple[Rdn, ...]) -> str:
    return normalize_dn(format_dn(rdns))


def _new_name(
    old: tuple[Rdn, ...],
    target: tuple[Rdn, ...] | None,
    managed: Managed,
    entry: Entry,
    schema: Schema,
) -> tuple[Rdn, str | None] | None:
    """The new RDN and superior (None: the parent stays), or None when the DN stays.

    A ``-dn-`` target decides when there is one; otherwise the RDN attribute's new value.
    """
    if target:
        if _normal_rdns(target) == _normal(entry.dn):
            return None
        superior = None
        if _normal_rdns(target[1:]) != _normal_rdns(old[1:]):
            superior = format_dn(target[1:])
        return target[0], superior
    found = _renamed_rdn(schema, old[0], managed, entry)
    return None if found is None else (found, None)


def after_rename(entry: Entry, rename: ModifyDnOperation, schema: Schema) -> Entry:
    """The entry as the server holds it once ``rename`` has run (RFC 4511 section 4.9)."""
    attributes: dict[str, tuple[Value, ...]] = dict(entry.attributes)
    if rename.delete_old_rdn:
        for kind, value in parse_dn(entry.dn)[0].pairs:
            _remove(attributes, schema, kind, value)
    for kind, value in parse_dn(rename.new_rdn)[0].pairs:
        _ensure(attributes, schema, kind, value)
    return Entry(rename.new_dn, attributes)


def _remove(
    attributes: dict[str, tuple[Value, ...]], schema: Schema, kind: str, value: str
) -> None:
    name = find_name(schema, attributes, kind)
    if name is None:
        return
    key = value_key(schema, kind)
    kept = tuple(v for v in attributes[name] if key(v) != key(value))
    if kept:
        attributes[name] = kept
    else:
        del attributes[name]


def _ensure(
    attributes: dict[str, tuple[Value, ...]], schema: Schema, kind: str, value: str
) -> None:
    name = find_name(schema, attributes, kind)
    if name is None:
        attributes[schema_name(schema, kind)] = (value,)
        return
    key = value_key(schema, kind)
    if all(key(v) != key(value) for v in attributes[name]):
        attributes[name] = (*attributes[name], value)
