"""The provisioning log: one JSON line per SCIM request, and the per-user locks.

Each request gets a :class:`RequestRecord` (request id, client, operation); the storage
adds what it learned (anchor, DN, outcome, reason) through :func:`current_record`, and
the application writes the line when the response is ready. A line never holds a
request body, a header value or a token: only names, ids, DNs and the server's reason,
with :func:`~ldapconnector.errors.redact_secrets` over the reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import json
import threading
from collections.abc import Callable, Iterator

import attrs

from ldapconnector.errors import redact_secrets

__all__ = ["KeyedLocks", "RequestRecord", "current_record", "recording"]


@attrs.define
class RequestRecord:
    """What one request did, as the provisioning log line shows it."""

    request_id: str
    client: str
    method: str
    path: str
    connector: str
    operation: str = ""
    status: int = 0
    anchor: str | None = None
    dn: str | None = None
    outcome: str | None = None
    reason: str | None = None

    def line(self) -> str:
        """The JSON line (keys in a fixed order; no secret)."""
        reason = redact_secrets(self.reason) if self.reason else None
        return json.dumps(
            {
                "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
                "request_id": self.request_id, "client": self.client,
                "connector": self.connector, "method": self.method, "path": self.path,
                "operation": self.operation, "status": self.status, "anchor": self.anchor,
                "dn": self.dn, "outcome": self.outcome, "reason": reason,
            },
            ensure_ascii=False,
        )  # fmt: skip


_CURRENT: contextvars.ContextVar[RequestRecord | None] = contextvars.ContextVar(
    "ldapconnector_scim_request", default=None
)


def current_record() -> RequestRecord | None:
    """The record of the request being served on this thread, if any."""
    return _CURRENT.get()


@contextlib.contextmanager
def recording(record: RequestRecord, write: Callable[[str], None]) -> Iterator[RequestRecord]:
    """Make ``record`` current while serving; write its line at the end, whatever happens."""
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)
        write(record.line())


@attrs.define
class KeyedLocks:
    """One lock per key (a user's id), created on demand and dropped when unused.

    Requests for the same user are serialised (a PATCH reads, applies and writes: two at
    once would lose one); requests for different users do not wait for each other.
    """

    _locks: dict[str, tuple[threading.Lock, int]] = attrs.field(factory=dict)
    _guard: threading.Lock = attrs.field(factory=threading.Lock)

    @contextlib.contextmanager
    def hold(self, key: str) -> Iterator[None]:
        """Hold the lock of ``key`` for the block."""
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)
