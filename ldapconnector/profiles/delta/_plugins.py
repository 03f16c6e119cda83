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
from importlib.metadata import EntryPoint

from ldapconnector._entry_points import add_entry_point_items
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
    registry = base if base is not None else default_readers()
    return add_entry_point_items(
        group=READERS_ENTRY_POINT_GROUP,
        points=points,
        base=registry,
        kind=ReaderSpec,
        add=ReaderRegistry.with_reader,
    )
