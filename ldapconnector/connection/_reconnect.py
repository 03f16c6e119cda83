"""Reopen a lost connection with exponential backoff, up to a deadline.

The runners that must survive a server restart (the export, the full import) share this
one policy: close the broken connection, try to open a new one, wait 0.1 s, 0.2 s, ...
(at most 2 s) between tries, and give up once ``timeout`` seconds have passed since the
loss. It knows nothing of ldap3: ``close`` and ``open`` are the caller's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import attrs

from ldapconnector.errors import LdapConnectorError, TransportError

__all__ = ["Reconnector"]

log = logging.getLogger("ldapconnector.connection")

T = TypeVar("T")

_FIRST_DELAY = 0.1
_MAX_DELAY = 2.0


@attrs.define
class Reconnector(Generic[T]):
    """Reopens a lost connection with exponential backoff, up to a deadline.

    Args:
        close: drops the broken connection.
        open: opens (and binds) a new one, and returns it.
        timeout: seconds to keep trying after a loss before giving up for the run.
        sleep: the sleep function (tests pass a fake one).

    Attributes:
        lost: why the run gave up (set once a reconnect failed; later calls return False).
        reconnects: how many times a connection was reopened.
        connection: the connection the last successful reconnect opened, else None.
    """

    close: Callable[[], None]
    open: Callable[[], T]
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    lost: str | None = attrs.field(default=None, init=False)
    reconnects: int = attrs.field(default=0, init=False)
    connection: T | None = attrs.field(default=None, init=False)

    def __call__(self, error: TransportError) -> bool:
        """Reconnect after ``error``; False (and :attr:`lost` set) once the deadline passed."""
        if self.lost is not None:
            return False
        deadline = time.monotonic() + self.timeout
        delay = _FIRST_DELAY
        while True:
            try:
                self.close()
            except LdapConnectorError:
                log.debug("closing the broken connection failed")
            try:
                self.connection = self.open()
            except TransportError as again:
                if time.monotonic() + delay > deadline:
                    self.lost = f"lost the connection and could not reconnect: {again}"
                    return False
                self.sleep(delay)
                delay = min(delay * 2, _MAX_DELAY)
                continue
            self.reconnects += 1
            log.info("reconnected after: %s", error)
            return True
