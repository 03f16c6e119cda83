"""Pending group members in the PostgreSQL link store (table layout version 2).

The same contract as the SQLite store's (docs/groups.md): a group's member whose source id
has no link yet is kept per group until a later membership run finds its link. Mixed into
:class:`~ldapconnector.space.PostgresLinkStore`, on its session and transactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ldapconnector.space._store import LinkStoreError

__all__ = ["PostgresPendingMembers"]


class PostgresPendingMembers:
    """The pending-member methods of the :class:`~ldapconnector.space.LinkStore` protocol."""

    if TYPE_CHECKING:  # the store's own session and methods, which these use
        _db: Any
        _errors: type[Exception]
        _sql: dict[str, str]

        def batch(self) -> AbstractContextManager[None]: ...

        def _run(self, name: str, params: Sequence[Any] = ()) -> Any: ...

    def put_pending_members(self, group_id: str, member_ids: Iterable[str]) -> None:
        """Replace the pending members of a group (none: the group has no pending member)."""
        rows = [(group_id, member_id) for member_id in dict.fromkeys(member_ids)]
        with self.batch():
            self._run("forget_pending", (group_id,))
            with self._db.cursor() as cursor:
                try:
                    cursor.executemany(self._sql["add_pending"], rows)
                except self._errors as error:
                    raise LinkStoreError(
                        f"the PostgreSQL link store failed (put_pending_members): {error}"
                    ) from None

    def pending_members(self, group_id: str) -> tuple[str, ...]:
        """The pending member source ids of a group, sorted."""
        return tuple(str(row[0]) for row in self._run("pending_of", (group_id,)).fetchall())

    def iter_pending_groups(self) -> Iterator[str]:
        """The source ids of the groups that have pending members, sorted."""
        rows = self._run("pending_groups").fetchall()
        yield from (str(row[0]) for row in rows)
