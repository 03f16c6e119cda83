"""The bridge's connector space: every user of one connector, ready to answer lookups.

Filled by a full import at start, kept current by write-through after each export and
by the autosync timer (a delta import). Until the first import has finished it is not
:attr:`~UserCache.ready`, and the bridge answers 503 rather than an empty list, since an
empty answer makes Entra ID create a duplicate. Each user is kept with its validated
SCIM resource, so a filter walks ready-made resources.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable
from typing import Any

import attrs

from ldapconnector.anchors import Anchor
from ldapconnector.scim._convert import CachedUser

__all__ = ["CacheStatus", "UserCache"]


@attrs.frozen(kw_only=True)
class CacheStatus:
    """What ``ldapconnector check`` reports of a connector space.

    Attributes:
        ready: the first import has finished.
        objects: how many users it holds.
        last_import: when the last full or delta import finished (UTC), if any.
        last_error: why the last import failed, if it did.
    """

    ready: bool
    objects: int
    last_import: datetime.datetime | None
    last_error: str | None = None


@attrs.define
class UserCache:
    """Users (or groups) by anchor key, each with its SCIM resource; thread-safe.

    Also indexed by DN (case-folded): a group's member values are the members' DNs.
    """

    _users: dict[str, tuple[CachedUser, Any]] = attrs.field(factory=dict)
    _dns: dict[str, str] = attrs.field(factory=dict)
    _lock: threading.Lock = attrs.field(factory=threading.Lock)
    _ready: threading.Event = attrs.field(factory=threading.Event)
    last_import: datetime.datetime | None = None
    last_error: str | None = None

    @property
    def ready(self) -> bool:
        """Whether the first import has finished."""
        return self._ready.is_set()

    def wait_ready(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the first import; whether it finished."""
        return self._ready.wait(timeout)

    def replace_all(self, users: Iterable[tuple[CachedUser, Any]]) -> None:
        """Replace everything (after a full import) and mark the cache ready."""
        fresh = {user.anchor.key: (user, resource) for user, resource in users}
        dns = {user.dn.casefold(): key for key, (user, _) in fresh.items()}
        with self._lock:
            self._users, self._dns = fresh, dns
        self.last_import = datetime.datetime.now(datetime.UTC)
        self.last_error = None
        self._ready.set()

    def put(self, user: CachedUser, resource: Any) -> None:
        """Add or replace one user (write-through after an export, or a live read)."""
        with self._lock:
            self._forget(user.anchor.key)
            self._users[user.anchor.key] = (user, resource)
            self._dns[user.dn.casefold()] = user.anchor.key

    def _forget(self, key: str) -> None:
        old = self._users.pop(key, None)
        if old is not None and self._dns.get(old[0].dn.casefold()) == key:
            del self._dns[old[0].dn.casefold()]

    def remove(self, anchor: Anchor) -> None:
        """Forget one user (deleted)."""
        with self._lock:
            self._forget(anchor.key)

    def get(self, anchor: Anchor) -> tuple[CachedUser, Any] | None:
        """The user an anchor names, with its resource, or None."""
        with self._lock:
            return self._users.get(anchor.key)

    def by_dn(self, dn: str) -> CachedUser | None:
        """The user with that DN (case-insensitive), or None."""
        with self._lock:
            key = self._dns.get(dn.casefold())
            hit = self._users.get(key) if key is not None else None
        return hit[0] if hit is not None else None

    def all(self) -> list[tuple[CachedUser, Any]]:
        """Every user, in a stable order (by anchor), for paging."""
        with self._lock:
            return [self._users[key] for key in sorted(self._users)]

    def status(self) -> CacheStatus:
        """Ready, count, last import, last error."""
        with self._lock:
            count = len(self._users)
        return CacheStatus(
            ready=self.ready, objects=count, last_import=self.last_import,
            last_error=self.last_error,
        )  # fmt: skip
