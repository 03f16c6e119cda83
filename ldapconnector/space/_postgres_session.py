"""The PostgreSQL link store's session: statements, transactions, source locks.

Every statement costs a round trip to the server, and on a busy machine a round trip
costs more than the statement: an export of one new user used to make twelve. So the
statements that return nothing the store needs at once (``BEGIN`` after an intent's
commit, ``SAVEPOINT``, ``RELEASE``, ``ROLLBACK TO``) are queued and sent in front of the
next statement that does, in one query string (psycopg's client-side binding, which
quotes the values; the server runs them in order and stops at the first error). A
savepoint still queued when its block ends had no statement after it: it is dropped,
unsent, instead of being made and released. The advisory unlocks of a batch go in one
statement after its commit. A statement that fails is never queued behind: the queue is
empty after any error, so what the handlers queue (``ROLLBACK TO``) is what the server
sees next. (psycopg's pipeline mode would keep server-side binding, but measured slower
here than separate statements.)
"""

from __future__ import annotations

import contextlib
import time
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

from ldapconnector.space._postgres_sql import statements_for
from ldapconnector.space._store import LinkStoreError

__all__ = ["PostgresSession"]

_LOCK_POLL = 0.02
_UNLOCK_ALL = "SELECT pg_advisory_unlock(%s, key) FROM unnest(%s::int[]) AS key"


def int4_key(text: str) -> int:
    """A stable signed 32-bit key for an advisory lock (CRC-32; a clash only serialises)."""
    value = zlib.crc32(text.encode("utf-8"))
    return value - (1 << 32) if value >= 1 << 31 else value


class PostgresSession:
    """One psycopg session of a store: statement runner, batches, source locks."""

    def __init__(self, db: Any, *, schema: str, lock_timeout: float, driver: Any) -> None:
        """Wrap an open autocommit psycopg connection; ``driver`` is the psycopg module."""
        self._db = db
        self._errors: type[Exception] = driver.Error
        self._client_cursor: Any = driver.ClientCursor
        self._sql = statements_for(schema)
        self._depth = 0
        self._deferred: list[int] = []
        self._queued: list[str] = []
        self.schema = schema
        self.lock_timeout = lock_timeout
        self._space_key = int4_key(f"ldapconnector:{schema}")

    def close(self) -> None:
        """Close the session (an open batch is rolled back; advisory locks are dropped)."""
        self._queued.clear()
        self._db.close()

    # -- statements ---------------------------------------------------------------------------

    def _send(self, statement: str, params: Sequence[Any] = (), *, then: str = "") -> Any:
        """Run one statement after the queued ones (and before ``then``, a statement without
        parameters), in one round trip; psycopg errors pass."""
        if not self._queued and not then:
            return self._db.execute(statement, params)
        queued, self._queued = self._queued, []
        cursor = self._client_cursor(self._db)
        cursor.execute("; ".join([*queued, statement, *([then] if then else [])]), params)
        while cursor.nextset():  # to the result of the last statement, the caller's
            pass
        return cursor

    def _flush(self) -> None:
        """Send the queued statements now (before using the connection directly)."""
        if self._queued:
            self._raw("SELECT 1")

    def _run(self, name: str, params: Sequence[Any] = (), *, then: str = "") -> Any:
        return self._raw(self._sql[name], params, name, then=then)

    def _raw(
        self, statement: str, params: Sequence[Any] = (), name: str | None = None, *, then: str = ""
    ) -> Any:
        """Run one statement; a psycopg error becomes a LinkStoreError (at the boundary)."""
        try:
            return self._send(statement, params, then=then)
        except self._errors as error:
            what = name or statement.split()[0].lower()
            raise LinkStoreError(f"the PostgreSQL link store failed ({what}): {error}") from None

    # -- transactions ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def _savepoint(self, name: str) -> Iterator[None]:
        """Undo what the block ran if it raises; nothing is sent for a block that ran nothing."""
        made = f"SAVEPOINT {name}"
        self._queued.append(made)
        try:
            yield
        except BaseException:
            if not self._unsent(made):
                self._queued += [f"ROLLBACK TO {name}", f"RELEASE {name}"]
            raise
        if not self._unsent(made):
            self._queued.append(f"RELEASE {name}")

    def _unsent(self, made: str) -> bool:
        """Drop ``made`` (and what was queued after it) if it was never sent."""
        if made not in self._queued:
            return False
        del self._queued[self._queued.index(made) :]
        return True

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction: committed when the block exits, rolled back if it raises."""
        depth = self._depth
        if depth:
            with self._nested(depth):
                yield
            return
        self._queued.append("BEGIN")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            if not self._unsent("BEGIN"):  # else nothing ran: there is nothing to undo
                self._queued.clear()  # the rollback undoes whatever they would have done
                self._raw("ROLLBACK")
            self._release_deferred()
            raise
        self._depth = 0
        if not self._unsent("BEGIN"):
            self._raw("COMMIT")
        self._release_deferred()

    @contextlib.contextmanager
    def _nested(self, depth: int) -> Iterator[None]:
        self._depth = depth + 1
        try:
            with self._savepoint(f"batch_{depth}"):
                yield
        finally:
            self._depth = depth

    @contextlib.contextmanager
    def _alone(self) -> Iterator[None]:
        """Undo only the statement that fails inside a batch, not the batch (savepoint)."""
        if self._depth == 0:
            yield
            return
        with self._savepoint("one_statement"):
            yield

    def _run_and_commit(self, name: str, params: Sequence[Any]) -> None:
        """Run a statement and commit it with the open batch's writes (one round trip); the
        batch goes on in a new transaction."""
        if not self._depth:
            self._run(name, params)
            return
        self._run(name, params, then="COMMIT")  # advisory locks are per session: still held
        self._queued += ["BEGIN", *(f"SAVEPOINT batch_{d}" for d in range(1, self._depth))]

    # -- workers ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock_source(self, source_id: str) -> Iterator[None]:
        """Hold the source id's advisory lock: no other worker exports it meanwhile.

        Inside a batch the lock is kept until the outermost batch ends, so the next
        holder sees what this one committed.

        Raises:
            LinkStoreError: another worker held the lock for ``lock_timeout`` seconds.
        """
        key = int4_key(source_id)
        deadline = time.monotonic() + self.lock_timeout
        query = "SELECT pg_try_advisory_lock(%s, %s)"
        while not self._raw(query, (self._space_key, key)).fetchone()[0]:
            if time.monotonic() >= deadline:
                raise LinkStoreError(
                    f"source id {source_id!r} is being exported by another worker "
                    f"(waited {self.lock_timeout:g} s for its lock)"
                )
            time.sleep(_LOCK_POLL)
        try:
            yield
        finally:
            self._deferred.append(key)
            if self._depth == 0:
                self._release_deferred()

    def _release_deferred(self) -> None:
        """Give back the advisory locks the batch kept, in one statement."""
        keys, self._deferred = self._deferred, []
        if keys:
            self._raw(_UNLOCK_ALL, (self._space_key, keys))
