"""Free loopback TCP ports for throwaway servers.

The kernel hands out a free port when a socket binds to port 0; the socket is closed again
and the number given to the server. Another program could take the port in between, so
servers are started with a retry on "address already in use", and readiness probes never
go to a TCP port alone (a probe could succeed against someone else's server).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import attrs

__all__ = ["LOOPBACK", "PortPicker", "free_ports", "port_is_free"]

LOOPBACK = "127.0.0.1"


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """Tell whether a TCP port can be bound on ``host`` right now.

    Args:
        port: the TCP port number.
        host: the address to bind (loopback by default).

    Returns:
        True when nothing listens on the port and it may be bound.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_ports(count: int, host: str = LOOPBACK) -> tuple[int, ...]:
    """Return ``count`` distinct TCP ports that are free on ``host``.

    All sockets are held open until every port has been picked, so the ports differ.

    Args:
        count: how many ports to return (at least 1).
        host: the address to bind (loopback by default).

    Returns:
        The port numbers, in the order they were handed out.

    Raises:
        ValueError: ``count`` is less than 1.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.bind((host, 0))
        return tuple(int(sock.getsockname()[1]) for sock in sockets)
    finally:
        for sock in sockets:
            sock.close()


@attrs.frozen(kw_only=True)
class PortPicker:
    """How a test server picks its loopback ports and checks they are still free.

    The defaults are :func:`free_ports` and :func:`port_is_free`. A suite that tests its
    own start-up retry (a port taken between picking and binding) passes its own.

    Attributes:
        pick: returns the given number of distinct ports.
        is_free: tells whether one port can be bound right now.
    """

    pick: Callable[[int], tuple[int, ...]] = free_ports
    is_free: Callable[[int], bool] = port_is_free
