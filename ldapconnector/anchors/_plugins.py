"""Anchor strategies from installed packages: the ``ldapconnector.anchors`` entry points.

A package contributes a strategy by naming, in its metadata, an object that is an
:class:`~ldapconnector.anchors.AnchorStrategy` or an iterable of them::

    [project.entry-points."ldapconnector.anchors"]
    entry_uuid_hex = "my_package.anchors:ENTRY_UUID_HEX"

:func:`installed_anchors` is the built-in strategies plus every strategy so contributed;
nothing is registered globally, and the caller may pass the entry points to read
(``points=``) instead of the environment's.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint

from ldapconnector._entry_points import add_entry_point_items
from ldapconnector.anchors._registry import AnchorRegistry, default_anchors
from ldapconnector.anchors._strategy import AnchorStrategy
from ldapconnector.errors import ConfigurationError

__all__ = ["ANCHORS_ENTRY_POINT_GROUP", "installed_anchors"]

#: The entry-point group that contributes anchor strategies.
ANCHORS_ENTRY_POINT_GROUP = "ldapconnector.anchors"


def installed_anchors(
    points: Iterable[EntryPoint] | None = None,
    *,
    base: AnchorRegistry | None = None,
) -> AnchorRegistry:
    """The built-in anchor strategies plus those installed packages contribute.

    Args:
        points: the entry points to read; default: the environment's
            ``ldapconnector.anchors`` group.
        base: the registry to add to (default: :func:`default_anchors`).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else than
            strategies, or names a kind that has a strategy already (each names the
            entry point and its distribution).
    """
    registry = base if base is not None else default_anchors()
    return add_entry_point_items(
        group=ANCHORS_ENTRY_POINT_GROUP,
        points=points,
        base=registry,
        kind=AnchorStrategy,
        add=AnchorRegistry.with_strategy,
        refusals=(ConfigurationError,),
    )
