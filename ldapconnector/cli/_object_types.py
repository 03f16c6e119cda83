"""``--object-type NAME``: run a command on one ``[[object_types]]`` table (docs/groups.md).

A file with several object types runs one type per command, on
``ConnectorConfig.for_object_type``; each type keeps its own state file, the command's
state file with the type's name before the suffix (``connector.state.groups.sqlite``). A
group type's export also opens the state file of the type its members belong to, to
resolve the members through.
"""

from __future__ import annotations

import argparse

from ldapconnector.cli._state import open_store
from ldapconnector.config import ConnectorConfig
from ldapconnector.errors import ConfigurationError
from ldapconnector.space import LinkStore

__all__ = ["add_object_type_argument", "member_store", "narrow"]


def add_object_type_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--object-type NAME`` to a sub-command."""
    parser.add_argument(
        "--object-type",
        metavar="NAME",
        help="the [[object_types]] table to run (required when the config has them)",
    )


def narrow(config: ConnectorConfig, args: argparse.Namespace) -> ConnectorConfig:
    """The single-type configuration the command runs on.

    Raises:
        ConfigurationError: the file has object types and none was named, or one was
            named and the file has none (or not that one).
    """
    name = getattr(args, "object_type", None)
    if not config.object_types:
        if name is not None:
            raise ConfigurationError(
                [f"--object-type {name}: the configuration has no [[object_types]]"]
            )
        return config
    if name is None:
        listed = ", ".join(config.object_type_names)
        raise ConfigurationError(
            [f"object_types: the configuration has several object types: name one with "
             f"--object-type ({listed})"]
        )  # fmt: skip
    return config.for_object_type(name)


def member_store(narrowed: ConnectorConfig, args: argparse.Namespace) -> LinkStore | None:
    """The members' link store of a group type (its state file), or None for other types."""
    object_type = narrowed.object_type
    membership = object_type.membership if object_type is not None else None
    if membership is None:
        return None
    members = argparse.Namespace(**{**vars(args), "object_type": membership.members_of})
    return open_store(narrowed, members)
