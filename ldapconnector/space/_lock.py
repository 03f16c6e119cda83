"""The state file's guard: owner-only creation and one run at a time.

Two runs on one link store would interleave their batches and watermarks, so a run holds
an exclusive advisory lock (``flock``) on ``<file>.lock`` while the store is open and a
second run is refused at once. The lock is on a separate file, not the database: SQLite
uses POSIX record locks on the database, and closing any other descriptor of that file
would silently drop them. The lock is released by the kernel when the process ends, so a
killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os

from ldapconnector.space._store import LinkStoreError

__all__ = ["StateLock", "create_private"]

_OWNER_ONLY = 0o600


def create_private(path: str) -> None:
    """Create ``path`` empty with mode 0600 unless it exists.

    SQLite gives the ``-wal`` and ``-shm`` files the database file's mode, so creating the
    database owner-only keeps the whole store owner-only.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _OWNER_ONLY)
    except FileExistsError:
        return
    except OSError as error:
        raise LinkStoreError(f"{path}: cannot create the link store: {error.strerror}") from None
    os.close(fd)


class StateLock:
    """An exclusive lock on ``<path>.lock``, held from :meth:`acquire` to :meth:`release`."""

    def __init__(self, path: str) -> None:
        """Name the store file the lock guards (nothing is locked yet)."""
        self.store_path = path
        self.lock_path = f"{path}.lock"
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock without waiting.

        Raises:
            LinkStoreError: another process holds it, or the lock file cannot be created.
        """
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, _OWNER_ONLY)
        except OSError as error:
            raise LinkStoreError(
                f"{self.store_path}: cannot create the lock file {self.lock_path}: {error.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LinkStoreError(
                f"{self.store_path}: the link store is in use: another ldapconnector run "
                f"holds it (lock {self.lock_path}); wait for it to finish"
            ) from None
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (the lock file stays: removing it would race another opener)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
