"""The steps of reaching a server, named once for the errors and the connection test.

A :class:`~ldapconnector.errors.TransportError` says which step failed and
``test_connection`` reports each step, so both use this one enum; it lives with the values
because the errors layer is pure and may not import the connection layer.
"""

from __future__ import annotations

import enum

__all__ = ["ConnectionStage"]


class ConnectionStage(enum.Enum):
    """The steps of reaching a directory server, in order."""

    SETTINGS = "settings"
    DNS = "dns"
    TCP = "tcp"
    TLS = "tls"
    CERTIFICATE = "certificate"
    BIND = "bind"
    READ = "read"
