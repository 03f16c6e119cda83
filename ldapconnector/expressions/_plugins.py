"""Expression functions from installed packages: the ``ldapconnector.functions`` entry points.

A package contributes functions by naming, in its metadata, an object that is a
:class:`FunctionSpec` or an iterable of them::

    [project.entry-points."ldapconnector.functions"]
    initials = "my_package.functions:INITIALS"

:func:`installed_functions` is the default registry plus every function so contributed;
nothing is registered globally, and the caller may pass the entry points to read
(``points=``) instead of the environment's.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from ldapconnector._entry_points import entry_point_origin, load_entry_point_items
from ldapconnector.errors import ConfigurationError
from ldapconnector.expressions._builtins import default_functions
from ldapconnector.expressions._registry import FunctionRegistry, FunctionSpec

__all__ = ["FUNCTIONS_ENTRY_POINT_GROUP", "installed_functions"]

#: The entry-point group that contributes expression functions.
FUNCTIONS_ENTRY_POINT_GROUP = "ldapconnector.functions"


def installed_functions(
    points: Iterable[EntryPoint] | None = None,
    *,
    base: FunctionRegistry | None = None,
) -> FunctionRegistry:
    """The built-in functions plus those installed packages contribute.

    Args:
        points: the entry points to read; default: the environment's
            ``ldapconnector.functions`` group.
        base: the registry to add to (default: :func:`default_functions`).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else than
            function rows, or names a function that exists already (each names the
            entry point and its distribution).
    """
    found = entry_points(group=FUNCTIONS_ENTRY_POINT_GROUP) if points is None else points
    registry = base if base is not None else default_functions()
    for point in sorted(found, key=lambda p: p.name):
        for spec in load_entry_point_items(point, FunctionSpec):
            try:
                registry = registry.with_function(spec)
            except ValueError as error:
                raise ConfigurationError([f"{entry_point_origin(point)}: {error}"]) from None
    return registry
