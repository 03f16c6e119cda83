"""The values a mapping run produces: the desired entry, or why there is none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from ldapconnector.model import Value

__all__ = ["DesiredEntry", "MappingFailure", "MappingResult"]

_HIDDEN = "[Redact]"


# One empty set for every empty field: an empty frozenset costs 216 bytes, and most
# records' sets are empty (a report keeps them for every record of a run).
_NO_NAMES: frozenset[str] = frozenset()


def _frozen_names(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names) or _NO_NAMES


def _attribute_map(value: Mapping[str, tuple[Value, ...]]) -> Mapping[str, tuple[Value, ...]]:
    return dict(value)


@attrs.frozen(kw_only=True, repr=False)
class DesiredEntry:
    """What one source record says its directory entry should look like.

    Built by :meth:`~ldapconnector.mapping.MappingSet.apply`; the export planners compare
    it with the entry the directory holds. Values of :attr:`redacted` attributes never
    show in ``repr``.

    Attributes:
        source_id: the record's ``id``.
        dn: the DN from the ``-dn-`` mapping; None when there is none (or it was not
            applied because the record is not being created and it applies on create).
        object_classes: from the ``objectClass`` mapping, else the configured structural
            class and auxiliary classes.
        attributes: target attribute -> LDAP values (str or bytes), in mapping order;
            never ``objectClass`` or the DN.
        create_only: targets whose mapping applies only when the entry is created.
        do_not_flow: targets whose mapping returned ``DO_NOT_FLOW`` (left as they are).
        cleared: targets whose mapping returned null with ``flow_nulls`` on: their values
            are to be removed. Without ``flow_nulls`` a null target is simply absent.
        redacted: targets whose values flow but must never be shown (``Redact(...)``).
        matching: ``(attribute, values)`` of the mappings with a matching precedence,
            lowest precedence first, for correlation; null results are left out.
        soft_deleted: the record has ``isSoftDeleted: true`` (the disable flow).
        deleted: the record has ``"@deleted": true`` (the delete flow).
    """

    source_id: str
    dn: str | None = None
    object_classes: tuple[str, ...] = ()
    attributes: Mapping[str, tuple[Value, ...]] = attrs.field(
        factory=dict, converter=_attribute_map
    )
    create_only: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_names)
    do_not_flow: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_names)
    cleared: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_names)
    redacted: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_names)
    matching: tuple[tuple[str, tuple[Value, ...]], ...] = ()
    soft_deleted: bool = False
    deleted: bool = False

    def is_redacted(self, attribute: str) -> bool:
        """Whether ``attribute``'s values must be hidden (case-insensitive name)."""
        wanted = attribute.lower()
        return any(name.lower() == wanted for name in self.redacted)

    def shown_attributes(self) -> dict[str, tuple[Value, ...]]:
        """The attributes with every redacted value replaced by ``[Redact]``."""
        return {
            name: (_HIDDEN,) * len(values) if self.is_redacted(name) else values
            for name, values in self.attributes.items()
        }

    def __repr__(self) -> str:
        matching = tuple(
            (name, (_HIDDEN,) * len(values) if self.is_redacted(name) else values)
            for name, values in self.matching
        )
        return (
            f"DesiredEntry(source_id={self.source_id!r}, dn={self.dn!r}, "
            f"object_classes={self.object_classes!r}, attributes={self.shown_attributes()!r}, "
            f"create_only={sorted(self.create_only)!r}, do_not_flow={sorted(self.do_not_flow)!r}, "
            f"cleared={sorted(self.cleared)!r}, redacted={sorted(self.redacted)!r}, "
            f"matching={matching!r}, soft_deleted={self.soft_deleted!r}, "
            f"deleted={self.deleted!r})"
        )


@attrs.frozen(kw_only=True)
class MappingFailure:
    """Why one record could not be mapped; the run goes on with the other records.

    Attributes:
        source_id: the record's ``id``, or None when the record has none.
        target: the target of the mapping that failed, or None for a record-level problem.
        message: one sentence saying what went wrong (never a redacted value).
    """

    source_id: str | None
    target: str | None
    message: str

    def __str__(self) -> str:
        where = f"mapping to {self.target!r}: " if self.target else ""
        return f"{where}{self.message}"


MappingResult = DesiredEntry | MappingFailure
"""What :meth:`~ldapconnector.mapping.MappingSet.apply` returns for one record."""
