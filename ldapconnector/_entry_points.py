"""Load what an installed package contributes through an entry point, checked by type.

Shared by the expression-function and change-reader plug-ins: an entry point names one
value of the expected type or an iterable of them; anything else, or a failure to import
it, is a :class:`~ldapconnector.errors.ConfigurationError` naming the entry point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points
from typing import TypeVar

from ldapconnector.errors import ConfigurationError

__all__ = ["add_entry_point_items", "entry_point_origin", "load_entry_point_items"]

_T = TypeVar("_T")
_R = TypeVar("_R")


def entry_point_origin(point: EntryPoint) -> str:
    """Where an entry point comes from, for messages (name, value, distribution, group)."""
    dist = getattr(point, "dist", None)
    where = f" of {dist.name} {dist.version}" if dist is not None else ""
    return f"entry point {point.name!r} ({point.value}{where}, group {point.group})"


def load_entry_point_items(point: EntryPoint, kind: type[_T]) -> list[_T]:
    """Load ``point``: one ``kind`` or an iterable of them.

    Raises:
        ConfigurationError: the entry point cannot be imported, or gives something else.
    """
    try:
        loaded = point.load()
    except Exception as error:  # any import-time failure of a plug-in is reported as such
        raise ConfigurationError(
            [f"{entry_point_origin(point)} cannot be loaded: {error}"]
        ) from error
    items = [loaded] if isinstance(loaded, kind) else loaded
    if not isinstance(items, Iterable) or not all(isinstance(i, kind) for i in items):
        name = kind.__name__
        raise ConfigurationError(
            [f"{entry_point_origin(point)} gives {type(loaded).__name__}, not a {name} or an "
             f"iterable of {name}s"]
        )  # fmt: skip
    return list(items)


def add_entry_point_items(
    group: str,
    points: Iterable[EntryPoint] | None,
    base: _R,
    kind: type[_T],
    add: Callable[[_R, _T], _R],
    refusals: tuple[type[Exception], ...] = (ValueError,),
) -> _R:
    """``base`` with every item of the entry points added by ``add``, in the points' name order.

    Args:
        group: the entry-point group read when ``points`` is None.
        points: the entry points to read, or None for the environment's ``group``.
        base: the registry (an immutable value) to add to.
        kind: the type each entry point gives (one, or an iterable of them).
        add: returns the registry with one more item (``registry.with_x(item)``).
        refusals: the errors by which ``add`` refuses an item (a clash of names, ...).

    Raises:
        ConfigurationError: an entry point cannot be loaded, gives something else, or
            gives an item ``add`` refuses; each problem names the entry point.
    """
    found = entry_points(group=group) if points is None else points
    registry = base
    for point in sorted(found, key=lambda p: p.name):
        for item in load_entry_point_items(point, kind):
            try:
                registry = add(registry, item)
            except refusals as error:
                problems = error.problems if isinstance(error, ConfigurationError) else [str(error)]
                origin = entry_point_origin(point)
                raise ConfigurationError([f"{origin}: {p}" for p in problems]) from None
    return registry
