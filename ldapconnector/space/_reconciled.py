"""The ``reconciled`` table of the SQLite link store: digests of exports found in line.

An export that finds a user's entry already as its mappings want it records a digest of
everything that decision rested on (the configuration, the mapped record, the entry as
read, the link); the next export that computes the same digest knows the answer without
planning again. The digests are an optimisation: a missing or stale one only costs the
full planning path, so they are kept apart from the links and never read for anything else.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

__all__ = ["ReconciledTable"]

_ALL = "SELECT source_id, digest FROM reconciled"
_WITH_LINKS = (
    "SELECT r.source_id, r.digest, l.anchor_key, l.dn, l.state, l.attributes_hash "
    "FROM reconciled r LEFT JOIN links l ON l.source_id = r.source_id"
)
_UPSERT = "INSERT OR REPLACE INTO reconciled (source_id, digest) VALUES (?, ?)"
_FORGET = "DELETE FROM reconciled WHERE source_id = ?"


class ReconciledTable:
    """The reconciled-digest methods of :class:`~ldapconnector.space.SqliteLinkStore`."""

    _db: sqlite3.Connection

    def reconciled_digests(self) -> dict[str, str]:
        """Every recorded digest by source id (one query; read once per export run)."""
        return {str(source_id): str(digest) for source_id, digest in self._db.execute(_ALL)}

    def reconciled_links(
        self,
    ) -> dict[str, tuple[str, tuple[str, str, str, str | None] | None]]:
        """Every recorded digest by source id, with its link's anchor key, DN, state and
        attributes hash (None: no link), in one query: an export reads them once."""
        return {
            str(source_id): (str(digest), None if key is None else (key, dn, state, held))
            for source_id, digest, key, dn, state, held in self._db.execute(_WITH_LINKS)
        }

    def put_reconciled_digests(self, digests: Mapping[str, str | None]) -> None:
        """Record (or, for None, forget) digests, inside the caller's batch if one is open."""
        kept = [(source_id, digest) for source_id, digest in digests.items() if digest]
        gone = [(source_id,) for source_id, digest in digests.items() if not digest]
        if kept:
            self._db.executemany(_UPSERT, kept)
        if gone:
            self._db.executemany(_FORGET, gone)
