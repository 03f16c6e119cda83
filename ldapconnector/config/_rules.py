"""Rules that span several sections of the config file.

Each rule reads the already-typed sections (``values`` maps a ConnectorConfig attribute
name to its section object) and yields ``(key path, message)``. A section that was invalid
is absent from ``values``, and an invalid item of a list is None, so the rules skip what
they cannot judge instead of reporting knock-on problems.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ldapconnector.config import _checks as _c
from ldapconnector.config._targets import DN_TARGET
from ldapconnector.dn import is_within

Problems = Iterator[tuple[str, str]]


def connector_problems(values: Mapping[str, Any]) -> Problems:
    """Yield every cross-section problem of a (possibly partial) configuration."""
    mappings = [(i, m) for i, m in enumerate(values.get("mappings", ())) if m is not None]
    attributes = [(i, a) for i, a in enumerate(values.get("attributes", ())) if a is not None]
    yield from mapping_rules(mappings, values)
    for index, first, name in _c.duplicates((i, a.name) for i, a in attributes):
        yield (
            f"attributes[{index}].name",
            f"{_c.show(name)} is already listed in attributes[{first}]",
        )
    yield from _container_rules(values.get("global_"), values.get("object_type"))
    yield from _deprovisioning_rules(values.get("deprovisioning"), attributes, mappings)
    yield from object_types_rules(values)


def object_types_rules(values: Mapping[str, Any]) -> Problems:
    """The rules of ``[[object_types]]``: alone, uniquely named, members of a known type."""
    types = [(i, t) for i, t in enumerate(values.get("object_types", ())) if t is not None]
    if not types:
        return
    for key in ("object_type", "mappings"):
        if values.get(key):
            yield key, "give either [[object_types]] or [object_type] with [[mappings]], not both"
    for index, first, name in _c.duplicates((i, t.name) for i, t in types):
        yield f"object_types[{index}].name", f"{_c.show(name)} is already object_types[{first}]"
    names = {t.name for _, t in types}
    for index, definition in types:
        where = f"object_types[{index}]"
        membership = definition.membership
        if membership is not None and membership.members_of not in names:
            listed = ", ".join(_c.show(n) for n in sorted(names))
            yield (
                f"{where}.membership.members_of",
                f"{_c.show(membership.members_of)} is not an object type; expected one of {listed}",
            )
        for key, message in _container_rules(values.get("global_"), definition):
            yield key.replace("object_type.", f"{where}.", 1), message


def mapping_rules(mappings: Sequence[tuple[int, Any]], values: Mapping[str, Any]) -> Problems:
    """Precedence and target rules of one list of mappings (top level or one object type)."""
    used: dict[int, int] = {}
    for index, mapping in mappings:
        precedence = mapping.matching_precedence
        if precedence is None:
            continue
        if precedence in used:
            yield (
                f"mappings[{index}].matching_precedence",
                f"{precedence} is already used by mappings[{used[precedence]}]; "
                "each precedence must be unique",
            )
        else:
            used[precedence] = index
    for index, first, target in _c.duplicates((i, m.target) for i, m in mappings):
        yield (
            f"mappings[{index}].target",
            f"{_c.show(target)} is already the target of mappings[{first}]",
        )
    if not mappings:
        return
    if "object_type" in values and values["object_type"] is None and not values.get("object_types"):
        yield "object_type", "required when there are mappings (the target object class)"
    run_profiles = values.get("run_profiles")
    exports = run_profiles is None or run_profiles.export
    complete = None not in values.get("mappings", (None,))
    if exports and complete and all(m.target != DN_TARGET for _, m in mappings):
        yield "mappings", f'no mapping has target "{DN_TARGET}", so export cannot name new entries'


def _container_rules(global_: Any, object_type: Any) -> Problems:
    if global_ is None or object_type is None or not global_.partitions:
        return
    for index, container in enumerate(object_type.containers):
        if not any(is_within(container, p) for p in global_.partitions):
            yield (
                f"object_type.containers[{index}]",
                f"{_c.show(container)} is not inside any of global.partitions",
            )


def _deprovisioning_rules(
    deprovisioning: Any,
    attributes: Sequence[tuple[int, Any]],
    mappings: Sequence[tuple[int, Any]],
) -> Problems:
    if deprovisioning is None:
        return
    selected = {a.name.lower() for _, a in attributes} | {m.target.lower() for _, m in mappings}
    for flow in ("disable", "delete"):
        action = getattr(deprovisioning, flow)
        name = getattr(action, "set_attribute", None)
        if name is not None and name.lower() in selected:
            yield (
                f"deprovisioning.{flow}.set_attribute",
                f"{_c.show(name)} is also a selected or mapped attribute; the set-attribute "
                "flow must use an attribute that is not",
            )
