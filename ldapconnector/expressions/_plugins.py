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
from importlib.metadata import EntryPoint

from ldapconnector._entry_points import add_entry_point_items
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
    registry = base if base is not None else default_functions()
    return add_entry_point_items(
        group=FUNCTIONS_ENTRY_POINT_GROUP,
        points=points,
        base=registry,
        kind=FunctionSpec,
        add=FunctionRegistry.with_function,
    )
