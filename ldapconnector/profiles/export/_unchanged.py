"""An unchanged user in one digest comparison, before anything is read or mapped for it.

The record exporter asks :func:`unchanged_by_digest` first. It answers only when every
fact the full path would look up is at hand from the run's start: the digest and the
link's fields (read in one query with every other record's, :meth:`RunDigest.held`), the
entry (the snapshot), and a source key for the record (deterministic mappings, plain
values). Those facts are exactly the full path's UPDATE step for an unflagged record
with an active link whose entry was found, and the digest compared is the one the full
path compares: the source key, the entry as read (DN and every attribute), the link. So
the answer is the one the full path would give, without its per-record query, mapping
or planning. Any other case (no digest, a flag, an entry edited by someone else, a
record exported again after a lost connection) answers None and takes the full path.
"""

from __future__ import annotations

from collections.abc import Mapping

from ldapconnector.profiles.export._correlate import Snapshot
from ldapconnector.profiles.export._memo import RunDigest
from ldapconnector.profiles.export._report import ExportOutcome, ObjectResult
from ldapconnector.profiles.export._transitions import RecordFlag, record_flag

__all__ = ["unchanged_by_digest"]


def unchanged_by_digest(
    digests: RunDigest, snapshot: Snapshot, source_id: str, record: Mapping[str, object]
) -> ObjectResult | None:
    """The record's unchanged result when its digest matches the recorded one, else None.

    Args:
        digests: the run's digests (with the links read in bulk).
        snapshot: the entries read at the start of the run.
        source_id: the record's id.
        record: the source record.
    """
    held = digests.held(source_id)
    if held is None or record_flag(record) is not RecordFlag.NONE:
        return None
    recorded, link = held
    source = digests.source_key(source_id, record)
    entry = snapshot.get(link[0])
    anchor = snapshot.anchor(link[0])
    if source is None or entry is None or anchor is None:
        return None
    if digests.of(source, entry, link) != recorded:
        return None
    return ObjectResult(id=source_id, outcome=ExportOutcome.UNCHANGED, dn=entry.dn, anchor=anchor)
