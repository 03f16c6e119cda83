"""Load what an installed package contributes through an entry point, checked by type.

Shared by the expression-function and change-reader plug-ins: an entry point names one
value of the expected type or an iterable of them; anything else, or a failure to import
it, is a :class:`~ldapconnector.errors.ConfigurationError` naming the entry point.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint
from typing import TypeVar

from ldapconnector.errors import ConfigurationError

__all__ = ["entry_point_origin", "load_entry_point_items"]

_T = TypeVar("_T")


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
