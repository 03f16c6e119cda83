"""Several object types in one file: ``[[object_types]]`` and group ``membership``.

A ``[[object_types]]`` table is everything the single ``[object_type]`` section plus the
top-level ``[[mappings]]`` say about one kind of entry (users, groups), under a ``name``;
:meth:`~ldapconnector.config.ConnectorConfig.for_object_type` turns one of them into the
single-type configuration the run profiles read, so every profile works on one object
type at a time. ``membership`` marks a group type: which record key lists the members'
source ids and which object type those ids belong to (docs/groups.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ldapconnector.config import _checks as _c
from ldapconnector.config._checks import Validated as _Validated
from ldapconnector.config._membership import MembershipConfig, type_name
from ldapconnector.config._sections import DeprovisioningConfig, MappingConfig

__all__ = ["MembershipConfig", "ObjectTypeDefinition"]

_M = _c.meta


@attrs.frozen(kw_only=True)
class ObjectTypeDefinition(_Validated):
    """One ``[[object_types]]`` table: a named object type with its own mappings.

    Attributes:
        name: the object type's name (``users``, ``groups``), unique in the file.
        target: the structural object class of the entries.
        anchor: as ``[object_type] anchor``.
        query_attribute: as ``[object_type] query_attribute``.
        auxiliary: as ``[object_type] auxiliary``.
        containers: as ``[object_type] containers``.
        mappings: the ``[[object_types.mappings]]`` tables (as top-level ``[[mappings]]``).
        deprovisioning: this type's flows; None means the top-level ``[deprovisioning]``.
        membership: set for a group type (see :class:`MembershipConfig`).
    """

    _PATH: ClassVar[str] = "object_types[*]"

    name: str = attrs.field(metadata=_M(type_name))
    target: str = attrs.field(metadata=_M(_c.attribute_name))
    anchor: str | None = attrs.field(default=None, metadata=_M(_c.attribute_or_dn))
    query_attribute: str | None = attrs.field(default=None, metadata=_M(_c.attribute_or_dn))
    auxiliary: tuple[str, ...] = attrs.field(
        default=(), metadata=_M(_c.unique, items=(_c.attribute_name,))
    )
    containers: tuple[str, ...] = attrs.field(default=(), metadata=_M(_c.unique, items=(_c.dn,)))
    mappings: tuple[MappingConfig, ...] = ()
    deprovisioning: DeprovisioningConfig | None = None
    membership: MembershipConfig | None = None

    @classmethod
    def _cross_problems(cls, values: Mapping[str, Any]) -> _c.Problems:
        # Imported here: _rules imports this module's classes for the file-wide rules.
        from ldapconnector.config._rules import mapping_rules

        target = values.get("target")
        for index, name in enumerate(values.get("auxiliary", ())):
            if target and name.lower() == target.lower():
                yield f"auxiliary[{index}]", f"{_c.show(name)} is already the target class"
        mappings = [(i, m) for i, m in enumerate(values.get("mappings", ())) if m is not None]
        yield from mapping_rules(mappings, {"mappings": values.get("mappings", ())})
        membership = values.get("membership")
        if membership is None:
            return
        if any(m.target.lower() == (membership.attribute or "").lower() for _, m in mappings):
            yield (
                "membership.attribute",
                f"{_c.show(membership.attribute)} is also a mapping target; members are "
                "written by the membership, not by a mapping",
            )


attrs.resolve_types(ObjectTypeDefinition, globals())
