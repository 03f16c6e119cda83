"""Which link store a command uses: ``--state``, else ``[space]``, else a file by the config.

The connector space persists by default, so a delta import continues where the last run
stopped and a repeated export finds its links: ``connector.toml`` keeps its state in
``connector.state.sqlite`` next to it. ``--state FILE`` overrides the config, and
``--state :memory:`` (like ``[space] in_memory = true``) keeps nothing between runs.
``[space] backend = "postgresql"`` keeps the space in PostgreSQL (``dsn_env``/``dsn_file``,
``schema``), where several workers may share it; ``--state`` still overrides it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ldapconnector.config import ConnectorConfig, SpaceBackend
from ldapconnector.space import PostgresLinkStore, SqliteLinkStore

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
    config: ConnectorConfig, args: argparse.Namespace
) -> SqliteLinkStore | PostgresLinkStore:
    """Open the link store for ``args.config`` and ``args.state`` (see :func:`state_path`).

    With ``args.object_type`` the type's name goes before the file's suffix
    (``connector.state.groups.sqlite``): each object type has its own links.

    Raises:
        LinkStoreError: another run holds the file, it cannot be opened, or PostgreSQL
            refused the connection.
    """
    override = getattr(args, "state", None)
    name = getattr(args, "object_type", None)
    space = config.space
    if override is None and space.backend is SpaceBackend.POSTGRESQL and space.dsn is not None:
        schema = space.schema if name is None else f"{space.schema}_{name}"
        return PostgresLinkStore.connect(space.dsn.reveal(), schema=schema)
    path = state_path(config, args.config, override)
    if path is not None and name is not None:  # one state file per object type
        path = str(Path(path).with_suffix(f".{name}{Path(path).suffix}"))
    return SqliteLinkStore.in_memory() if path is None else SqliteLinkStore.open(path)
