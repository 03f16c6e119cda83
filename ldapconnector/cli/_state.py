"""Which link store a command uses: ``--state``, else ``[space]``, else a file by the config.

The connector space persists by default, so a delta import continues where the last run
stopped and a repeated export finds its links: ``connector.toml`` keeps its state in
``connector.state.sqlite`` next to it. ``--state FILE`` overrides the config, and
``--state :memory:`` (like ``[space] in_memory = true``) keeps nothing between runs.
``[space] backend = "postgresql"`` keeps the space in PostgreSQL (``dsn_env``/``dsn_file``,
``schema``), where several workers may share it; any other ``backend`` names a store an
installed package registers (``ldapconnector.link_stores`` entry points). ``--state``
still overrides the section with a SQLite file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import object_type_path, open_link_store
from ldapconnector.space import LinkStore, LinkStoreRegistry, SqliteLinkStore

__all__ = ["IN_MEMORY", "add_state_argument", "open_store", "state_path"]

IN_MEMORY = ":memory:"
_DEFAULT_SUFFIX = ".state.sqlite"


def add_state_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--state FILE`` (or ``--state :memory:``) to a sub-command."""
    parser.add_argument(
        "--state",
        metavar="FILE",
        help=(
            "the link store file (SQLite); default: [space] path, else CONFIG.state.sqlite "
            f"next to the config; {IN_MEMORY} keeps nothing between runs"
        ),
    )


def state_path(config: ConnectorConfig, config_file: str, override: str | None) -> str | None:
    """The state file a run uses, or None for an in-memory store.

    Args:
        config: the loaded configuration (its ``[space]`` section).
        config_file: the config file's path, which names the default state file.
        override: the ``--state`` argument, if given.
    """
    if override is not None:
        return None if override == IN_MEMORY else override
    if config.space.in_memory:
        return None
    if config.space.path is not None:
        return config.space.path
    return str(Path(config_file).with_suffix(_DEFAULT_SUFFIX))


def open_store(
    config: ConnectorConfig, args: argparse.Namespace, *, stores: LinkStoreRegistry | None = None
) -> LinkStore:
    """Open the link store for ``args.config`` and ``args.state`` (see :func:`state_path`).

    With ``args.object_type`` the type's name goes before the file's suffix
    (``connector.state.groups.sqlite``) or after the PostgreSQL schema's name: each object
    type has its own links.

    Args:
        config: the loaded configuration.
        args: the command line (``config``, ``state``, ``object_type``).
        stores: the backends ``[space] backend`` chooses from (default: the shipped ones
            and installed packages').

    Raises:
        ConfigurationError: ``[space] backend`` names no registered store.
        LinkStoreError: another run holds the file, it cannot be opened, or PostgreSQL
            refused the connection.
    """
    override = getattr(args, "state", None)
    name = getattr(args, "object_type", None)
    if override is not None:  # --state is always a SQLite file (or memory)
        path = state_path(config, args.config, override)
        if path is None:
            return SqliteLinkStore.in_memory()
        return SqliteLinkStore.open(object_type_path(path, name))  # one file per object type
    default = str(Path(args.config).with_suffix(_DEFAULT_SUFFIX))
    return open_link_store(config.space, stores=stores, default_path=default, object_type=name)
