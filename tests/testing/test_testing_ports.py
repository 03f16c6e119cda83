"""Free loopback ports."""

from __future__ import annotations

import socket

import pytest

from ldapconnector.testing import free_ports, port_is_free


def test_free_ports_are_distinct_and_bindable() -> None:
    """free_ports returns distinct ports that can be bound right away."""
    ports = free_ports(3)
    assert len(set(ports)) == 3
    assert all(port_is_free(port) for port in ports)


def test_a_listening_port_is_not_free() -> None:
    """port_is_free is False while another socket listens on the port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        assert not port_is_free(sock.getsockname()[1])


def test_zero_ports_is_refused() -> None:
    """Asking for no ports is a programming error."""
    with pytest.raises(ValueError, match="at least 1"):
        free_ports(0)
