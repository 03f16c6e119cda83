"""A group type's full import: each imported group carries its members' source ids.

Kept beside the import's hot path rather than in it: :func:`with_group_members` wraps
the object stream of :func:`~ldapconnector.profiles.run_full_import` and resolves the
membership attribute's values of each group through a
:class:`~ldapconnector.profiles.MemberResolver` (the members' link store), so imports of
other types pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ldapconnector.model import Value
from ldapconnector.profiles.export import MemberResolver
from ldapconnector.profiles.full_import._run import ImportedEntry, ImportResult

__all__ = ["with_group_members"]


def _values(entry: ImportedEntry, attribute: str) -> tuple[Value, ...]:
    """The entry's values of ``attribute`` (any case of its name), empty when it has none."""
    found = entry.attributes.get(attribute)
    if found is not None:
        return found
    wanted = attribute.lower()
    return next((v for name, v in entry.attributes.items() if name.lower() == wanted), ())


def with_group_members(result: ImportResult, resolver: MemberResolver) -> ImportResult:
    """The same import, each object carrying ``members`` (see :class:`ImportedEntry`).

    The counts are the wrapped import's; iterating the returned result iterates it.

    Args:
        result: a full import of a group type, not iterated yet.
        resolver: resolves member values through the members' link store.
    """
    attribute = resolver.settings.attribute

    def entries() -> Iterator[ImportedEntry]:
        for entry in result:
            members = resolver.members(_values(entry, attribute))
            yield attrs.evolve(entry, members=members)

    return ImportResult(counts=result.counts, entries=entries())
