"""The minimal set of modifications from an entry's current values to the desired ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ldapconnector.dn import Rdn, parse_dn
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import Modification, ModifyOp, Value
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.profiles.export._names import canonical
from ldapconnector.schema import Schema

__all__ = [
    "attribute_changes",
    "by_canonical_name",
    "exposed_attributes",
    "exposed_values",
    "schema_single_valued",
    "unique_values",
    "with_rdn_values",
]


def unique_values(schema: Schema, attribute: str, values: Iterable[Value]) -> tuple[Value, ...]:
    """``values`` without the ones the equality rule says repeat an earlier one."""
    key = value_key(schema, attribute)
    seen: dict[object, Value] = {}
    for value in values:
        seen.setdefault(key(value), value)
    return tuple(seen.values())


def schema_single_valued(schema: Schema, attribute: str) -> bool:
    """Whether the schema itself says ``SINGLE-VALUE``, whatever the configuration says.

    "Treat as single value" only changes how an attribute is exposed (Microsoft's
    connector host publishes it single-valued); the directory may still hold several
    values, and must hold the RDN's (RFC 4512 section 2.3).
    """
    found = schema.attribute_type(attribute)
    return found is not None and found.single_value


def exposed_values(
    schema: Schema, attribute: str, values: Sequence[Value], rdn: Rdn | None
) -> tuple[Value, ...]:
    """The values an attribute presents: the RDN's bookkeeping value left out.

    For an attribute exposed single-valued by configuration but multi-valued in the
    schema, ``CN=jdoe`` holding ``cn: jdoe`` and ``cn: Jane Doe`` presents ``Jane Doe``
    (the mapped value); holding only ``cn: jdoe`` it presents ``jdoe``. Other attributes
    present their values as they are.
    """
    if rdn is None or not schema.is_single_valued(attribute):
        return tuple(values)
    if schema_single_valued(schema, attribute):
        return tuple(values)
    wanted = canonical(schema, attribute)
    key = value_key(schema, attribute)
    naming = {key(v) for kind, v in rdn.pairs if canonical(schema, kind) == wanted}
    kept = tuple(v for v in values if key(v) not in naming)
    return kept or tuple(values)


def exposed_attributes(
    schema: Schema, dn: str, attributes: Mapping[str, tuple[Value, ...]]
) -> Mapping[str, tuple[Value, ...]]:
    """An entry's attributes as the configuration exposes them (what an import presents).

    An attribute treated as single-valued by configuration presents one value: the RDN's
    bookkeeping value is left out when others remain (:func:`exposed_values`), and of
    several remaining values the first the server returned is shown. Everything else is
    presented as the server returned it; with no such attribute, ``attributes`` itself.
    """
    if not schema.options.single_valued:
        return attributes
    try:
        rdns = parse_dn(dn)
    except InvalidRequestError:
        rdns = ()
    rdn = rdns[0] if rdns else None
    shown: dict[str, tuple[Value, ...]] = {}
    for name, values in attributes.items():
        if len(values) > 1 and schema.is_single_valued(name):
            values = exposed_values(schema, name, values, rdn)[:1]
        shown[name] = values
    return shown


def with_rdn_values(
    schema: Schema, attribute: str, values: Sequence[Value], rdn: Rdn | None
) -> tuple[Value, ...]:
    """``values`` plus the RDN's value(s) for ``attribute`` when they are missing.

    An entry must hold its RDN values (RFC 4512 section 2.3), and the server refuses to
    delete them (notAllowedOnRDN), so a desired value set always keeps them, also for an
    attribute only *treated* as single-valued by configuration (``cn: Jane Doe`` and
    ``cn: jdoe`` for ``CN=jdoe``). An attribute ``SINGLE-VALUE`` in the schema that already
    has another value is left alone: the planner reports that clash. ``#hex`` RDN values
    are never added.
    """
    if rdn is None:
        return tuple(values)
    wanted = canonical(schema, attribute)
    key = value_key(schema, attribute)
    result = list(values)
    for kind, value in rdn.pairs:
        if canonical(schema, kind) != wanted or value.startswith("#"):
            continue
        if any(key(v) == key(value) for v in result):
            continue
        if result and schema_single_valued(schema, attribute):
            continue
        result.append(value)
    return tuple(result)


def attribute_changes(
    schema: Schema, attribute: str, wanted: Sequence[Value], current: Sequence[Value]
) -> list[Modification]:
    """The modifications that turn ``current`` into ``wanted`` for one attribute.

    Values compare by the attribute's equality rule. A single-valued attribute (in the
    schema or by configuration) gets one ``replace`` when its value set differs; a
    multi-valued one a ``delete`` of the values no longer wanted and an ``add`` of the new
    ones, so values added by others in between are not lost to a replace. Nothing to do
    gives an empty list. An empty ``wanted`` clears the attribute.
    """
    current_values = tuple(current)
    if tuple(wanted) == current_values:
        # The same values in the same order: equal under any rule, so nothing to send
        # (the common case of a modify run, where most attributes are as they were).
        return []
    key = value_key(schema, attribute)
    by_key: dict[object, Value] = {}
    for value in wanted:
        by_key.setdefault(key(value), value)  # repeats under the rule dropped
    current_keyed = [(key(value), value) for value in current_values]
    current_keys = {found for found, _ in current_keyed}
    if schema.is_single_valued(attribute):
        # Compared as sets: an attribute treated as single-valued holds the mapped value
        # and the RDN's, and a replace sends both, so the RDN value is never dropped.
        if by_key.keys() == current_keys:
            return []
        return [Modification(ModifyOp.REPLACE, attribute, tuple(by_key.values()))]
    if not by_key:
        return [Modification(ModifyOp.REPLACE, attribute, ())] if current_values else []
    delete = tuple(value for found, value in current_keyed if found not in by_key)
    add = tuple(value for found, value in by_key.items() if found not in current_keys)
    changes: list[Modification] = []
    if delete:
        changes.append(Modification(ModifyOp.DELETE, attribute, delete))
    if add:
        changes.append(Modification(ModifyOp.ADD, attribute, add))
    return changes


def by_canonical_name(
    schema: Schema, entry_attributes: Mapping[str, Sequence[Value]]
) -> dict[str, tuple[Value, ...]]:
    """``entry_attributes`` keyed by canonical name, as :func:`current_values` finds them.

    Of two spellings of one attribute the first wins, as in :func:`current_values`; made
    once per entry, it spares a scan of the entry for each attribute a plan compares.
    """
    found: dict[str, tuple[Value, ...]] = {}
    for key, values in entry_attributes.items():
        found.setdefault(canonical(schema, key), tuple(values))
    return found


def current_values(
    entry_attributes: Mapping[str, Sequence[Value]], schema: Schema, name: str
) -> tuple[Value, ...]:
    """The values ``entry_attributes`` holds for ``name`` under any spelling of it."""
    wanted = canonical(schema, name)
    for key, values in entry_attributes.items():
        if canonical(schema, key) == wanted:
            return tuple(values)
    return ()
