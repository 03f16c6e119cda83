"""Change readers from installed packages: the ``ldapconnector.readers`` entry points.

A package contributes a reader by naming, in its metadata, a
:class:`~ldapconnector.profiles.delta.ReaderSpec` (or an iterable of them)::

    [project.entry-points."ldapconnector.readers"]
    syncrepl = "my_package.syncrepl:SYNCREPL_READER"

:func:`installed_readers` is the shipped readers plus every reader so contributed;
nothing is registered globally, and the caller may pass the entry points to read.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from ldapconnector._entry_points import entry_point_origin, load_entry_point_items
from ldapconnector.errors import ConfigurationError
from ldapconnector.profiles.delta._sources import ReaderRegistry, ReaderSpec, default_readers

__all__ = ["READERS_ENTRY_POINT_GROUP", "installed_readers"]

#: The entry-point group that contributes change readers.
READERS_ENTRY_POINT_GROUP = "ldapconnector.readers"


def installed_readers(
    points: Iterable[EntryPoint] | None = None, *, base: ReaderRegistry | None = None
) -> ReaderRegistry:
    """The shipped readers plus those installed packages contribute.

    Args:
        points: the entry points to read; default: the environment's
            ``ldapconnector.readers`` group.
        base: the registry to add to (default: :func:`default_readers`).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else than
            reader rows, or reads a source another reader reads already.
    """
    found = entry_points(group=READERS_ENTRY_POINT_GROUP) if points is None else points
    registry = base if base is not None else default_readers()
    for point in sorted(found, key=lambda p: p.name):
        for spec in load_entry_point_items(point, ReaderSpec):
            try:
                registry = registry.with_reader(spec)
            except ValueError as error:
                raise ConfigurationError([f"{entry_point_origin(point)}: {error}"]) from None
    return registry
