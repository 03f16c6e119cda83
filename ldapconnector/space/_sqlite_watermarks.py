"""Watermarks in the SQLite link store: where each run profile's last delta import stopped.

Mixed into :class:`~ldapconnector.space.SqliteLinkStore`, on its connection and
transactions (a watermark written inside a batch commits with it).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from ldapconnector.space._model import Watermark

__all__ = ["SqliteWatermarks"]

_GET = "SELECT profile, value, taken_at FROM watermarks WHERE profile = ?"
_SET = "INSERT OR REPLACE INTO watermarks (profile, value, taken_at) VALUES (?, ?, ?)"


class SqliteWatermarks:
    """The watermark methods of the :class:`~ldapconnector.space.LinkStore` protocol."""

    _db: sqlite3.Connection

    def get_watermark(self, profile: str) -> Watermark | None:
        """The watermark stored for a run profile, or None."""
        row = self._db.execute(_GET, (profile,)).fetchone()
        if row is None:
            return None
        return Watermark(profile=row[0], value=row[1], taken_at=datetime.fromisoformat(row[2]))

    def set_watermark(self, watermark: Watermark) -> None:
        """Store (replace) the watermark of ``watermark.profile``."""
        # UTC text, like every time in the file, so text order is time order.
        taken_at = watermark.taken_at.astimezone(UTC).isoformat()
        self._db.execute(_SET, (watermark.profile, watermark.value, taken_at))
