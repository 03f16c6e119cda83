"""What an export request is built from, as a protocol (``Connector`` fits it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ldapconnector.anchors import Anchor, AnchorStrategy
from ldapconnector.config import ConnectorConfig
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import ServerInfo
from ldapconnector.expressions import FunctionRegistry
from ldapconnector.model import Entry
from ldapconnector.schema import Schema
from ldapconnector.space import LinkStore

__all__ = ["ExportTarget"]


class ExportTarget(Protocol):
    """One configured directory: what an export request is built from.

    :class:`~ldapconnector.Connector` implements it, and
    :func:`~ldapconnector.profiles.export_request` reads it once: the request keeps the
    values (schema, server info, anchor, search bases, store) and, as callables,
    ``connection`` (which reopens the connection after :meth:`close`: that is how the
    runner reconnects), :meth:`close` and :meth:`resolve`. The runner never sees the
    target itself.
    """

    @property
    def config(self) -> ConnectorConfig:
        """The connector configuration."""
        ...

    @property
    def functions(self) -> FunctionRegistry:
        """The expression functions the mappings may call."""
        ...

    @property
    def store(self) -> LinkStore:
        """The link store."""
        ...

    @property
    def connection(self) -> LdapConnection:
        """The bound connection, opened again when it was closed."""
        ...

    @property
    def server_info(self) -> ServerInfo:
        """What detection found."""
        ...

    @property
    def schema(self) -> Schema:
        """The directory's schema."""
        ...

    def anchor_strategy(self) -> AnchorStrategy:
        """The anchor kind in use."""
        ...

    def search_bases(self) -> tuple[str, ...]:
        """Where the configured objects live."""
        ...

    def resolve(self, anchor: Anchor, attributes: Sequence[str] = ("*",)) -> Entry | None:
        """The entry an anchor names now, or None.

        Found through ``[object_type] query_attribute`` when it is set (see
        :func:`~ldapconnector.profiles.resolve_anchor`).
        """
        ...

    def close(self) -> None:
        """Drop the connection (the next use of ``connection`` opens a new one)."""
        ...
