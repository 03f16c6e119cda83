"""The shared reconnect policy: backoff between tries, the new connection kept, a deadline."""

from __future__ import annotations

from collections.abc import Callable

from ldapconnector.connection import Reconnector
from ldapconnector.errors import ServerUnreachableError, TransportError


def _opener(failures: int) -> tuple[list[str], Callable[[], str]]:
    calls: list[str] = []

    def open_() -> str:
        calls.append("open")
        if len(calls) <= failures:
            raise ServerUnreachableError("down", host="h")
        return f"connection {len(calls)}"

    return calls, open_


def test_reconnects_after_failures_with_growing_delays() -> None:
    """Two failed opens, then one that works: True, the new connection kept, delays double."""
    calls, open_ = _opener(2)
    sleeps: list[float] = []
    closes: list[int] = []
    reconnect: Reconnector[str] = Reconnector(
        close=lambda: closes.append(1),
        open=open_,
        timeout=60.0,
        sleep=sleeps.append,
    )
    assert reconnect(TransportError("lost"))
    assert reconnect.connection == "connection 3"
    assert reconnect.reconnects == 1
    assert sleeps == [0.1, 0.2]
    assert len(closes) == len(calls) == 3


def test_gives_up_at_the_deadline_and_stays_given_up() -> None:
    """Past the deadline the call returns False with the reason; later calls do not retry."""
    calls, open_ = _opener(10)
    reconnect: Reconnector[str] = Reconnector(
        close=lambda: None,
        open=open_,
        timeout=0.0,
        sleep=lambda _s: None,
    )
    assert not reconnect(TransportError("lost"))
    assert reconnect.lost is not None
    assert "could not reconnect" in reconnect.lost
    assert reconnect.connection is None
    tries = len(calls)
    assert not reconnect(TransportError("lost again"))
    assert len(calls) == tries
