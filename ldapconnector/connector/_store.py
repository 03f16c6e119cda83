"""Open the link store the ``[space]`` section names, from a registry of backends.

The section names the backend (``sqlite`` by default, ``postgresql``, or an installed
package's); :class:`~ldapconnector.space.LinkStoreRegistry` maps the name to a factory.
The command line opens its store here; an embedding service may too, or build its store
itself and pass it as ``Connector(config, store=...)``.
"""

from __future__ import annotations

from pathlib import Path

from ldapconnector.config import SpaceBackend, SpaceConfig
from ldapconnector.space import (
    LinkStore,
    LinkStoreRegistry,
    LinkStoreSettings,
    installed_link_stores,
)

__all__ = ["link_store_settings", "object_type_path", "open_link_store"]


def object_type_path(path: str, object_type: str | None) -> str:
    """One object type's SQLite file: its name before the suffix (``c.state.groups.sqlite``).

    ``path`` itself for a configuration of one ``[object_type]`` (``object_type`` None).
    """
    if object_type is None:
        return path
    return str(Path(path).with_suffix(f".{object_type}{Path(path).suffix}"))


def link_store_settings(
    space: SpaceConfig, *, default_path: str | None = None, object_type: str | None = None
) -> LinkStoreSettings:
    """What the backend's factory is given for a ``[space]`` section.

    Args:
        space: the section.
        default_path: the SQLite file when the section names none (the command line
            passes ``CONFIG.state.sqlite``); None keeps that space in memory. Other
            backends get only the ``path`` the section gives.
        object_type: the object type of a ``[[object_types]]`` configuration whose store
            this is: each type keeps its own links (user and group source ids may
            coincide), so its name goes before the file's suffix
            (``connector.state.groups.sqlite``) and after the PostgreSQL schema's name
            (``ldapconnector_groups``).
    """
    if space.in_memory:
        path = None
    elif space.path is not None or space.backend != SpaceBackend.SQLITE:
        path = space.path
    else:
        path = default_path
    schema = space.schema
    if object_type is not None:
        schema = f"{schema}_{object_type}"
        if path is not None:
            path = object_type_path(path, object_type)
    return LinkStoreSettings(
        backend=str(space.backend),
        path=path,
        dsn=space.dsn.reveal() if space.dsn is not None else None,
        schema=schema,
    )


def open_link_store(
    space: SpaceConfig,
    *,
    stores: LinkStoreRegistry | None = None,
    default_path: str | None = None,
    object_type: str | None = None,
) -> LinkStore:
    """Open the link store of a ``[space]`` section with its backend's factory.

    Args:
        space: the section (``backend``, ``path``, ``dsn_env``/``dsn_file``, ``schema``).
        stores: the backends to choose from (default: the shipped ones and those of
            installed packages' ``ldapconnector.link_stores`` entry points).
        default_path: see :func:`link_store_settings`.
        object_type: see :func:`link_store_settings`.

    Raises:
        ConfigurationError: the backend is not registered (the message lists those that
            are), or its settings are incomplete.
        LinkStoreError: the backend could not open the store.
    """
    registry = stores if stores is not None else installed_link_stores()
    settings = link_store_settings(space, default_path=default_path, object_type=object_type)
    return registry.open(settings)
