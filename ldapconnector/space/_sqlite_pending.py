"""Pending group members in the SQLite link store (file format version 4).

A group's member whose source id has no link yet is kept here, per group, until a later
membership run finds its link and adds it (docs/groups.md): pending, not dropped. Mixed
into :class:`~ldapconnector.space.SqliteLinkStore`, on its connection and transactions.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator

__all__ = ["SqlitePendingMembers"]


class SqlitePendingMembers:
    """The pending-member methods of the :class:`~ldapconnector.space.LinkStore` protocol."""

    _db: sqlite3.Connection

    def put_pending_members(self, group_id: str, member_ids: Iterable[str]) -> None:
        """Replace the pending members of a group (none: the group has no pending member)."""
        with self._savepoint():
            self._db.execute("DELETE FROM pending_members WHERE group_id = ?", (group_id,))
            self._db.executemany(
                "INSERT OR IGNORE INTO pending_members (group_id, member_id) VALUES (?, ?)",
                [(group_id, member_id) for member_id in member_ids],
            )

    def pending_members(self, group_id: str) -> tuple[str, ...]:
        """The pending member source ids of a group, sorted."""
        rows = self._db.execute(
            "SELECT member_id FROM pending_members WHERE group_id = ? ORDER BY member_id",
            (group_id,),
        )
        return tuple(str(row[0]) for row in rows)

    def iter_pending_groups(self) -> Iterator[str]:
        """The source ids of the groups that have pending members, sorted."""
        rows = self._db.execute("SELECT DISTINCT group_id FROM pending_members ORDER BY group_id")
        for (group_id,) in rows.fetchall():
            yield str(group_id)

    @contextlib.contextmanager
    def _savepoint(self) -> Iterator[None]:
        # The delete and the inserts are one change: a savepoint nests in an open batch
        # and commits on its own outside one (the connection is in autocommit mode).
        self._db.execute("SAVEPOINT pending_members")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK TO pending_members")
            self._db.execute("RELEASE pending_members")
            raise
        self._db.execute("RELEASE pending_members")
