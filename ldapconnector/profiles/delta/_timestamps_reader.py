"""The timestamp reader of Delta Import, for servers without a change log.

eDirectory, ApacheDS and any server without a log: objects of the class under the bases
with ``modifyTimestamp`` or ``createTimestamp`` at or after a **server-side** watermark
(RFC 4512 section 3.4; compared by the server with ``generalizedTimeOrderingMatch``),
never the client's clock.

State: ``{"time": W, "seen": [anchor keys]}`` — ``W`` is the highest ``modifyTimestamp``
delivered, as the server wrote it; ``seen`` the anchors already delivered *at* ``W``.
Timestamps have a resolution of one second, so the search asks for ``>= W`` and skips
the ``seen`` anchors: a change made in the same second as the last one delivered is not
lost, and a run with no changes reports nothing.

* **Baseline**: the Root DSE ``currentTime`` when the server publishes one (AD, eDirectory),
  else the highest ``modifyTimestamp`` under the bases (read once: the first run reads
  every object's timestamp, later runs only the changed objects).
* **Not covered**: **deletes** (a deleted object has no timestamp: compare anchors on the
  next full import; ``DeltaImportResult.deletes_covered`` is False), who made a change,
  intermediate states, and an entry changed twice within the same second as the
  watermark after it was delivered in that second (its second change is reported by the
  next change to it, or the next full import). There is no gap detection: timestamps
  never expire.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ldapconnector.anchors import Anchor, AnchorStrategy, anchor_of_entry
from ldapconnector.connection import LdapConnection, complete_ranged
from ldapconnector.detect import DeltaSource
from ldapconnector.dn import dn_equal
from ldapconnector.escaping import equality_filter, escape_filter_value
from ldapconnector.model import Entry
from ldapconnector.profiles.delta._changes import ChangeRecord, ChangeType, is_ignored
from ldapconnector.profiles.delta._reader import FullImportRequiredError, LogItem, ReaderState
from ldapconnector.profiles.delta._usn_reader import KnownDn, _no_known_dn

__all__ = ["TimestampReader"]

_EPOCH = "19700101000000Z"
_TIME_ATTRIBUTES = ("modifyTimestamp", "createTimestamp")


@attrs.frozen(kw_only=True)
class TimestampReader:
    """Reads objects modified or created since a server-side timestamp.

    Attributes:
        bases: where the configured objects live.
        anchor: the configured anchor.
        object_class: the configured class; None for any.
        known_dn: the connector space's last DN for an anchor (to tell renames).
    """

    bases: tuple[str, ...]
    anchor: AnchorStrategy
    object_class: str | None = None
    known_dn: KnownDn = _no_known_dn

    @property
    def source(self) -> DeltaSource:
        """Always :attr:`DeltaSource.TIMESTAMPS`."""
        return DeltaSource.TIMESTAMPS

    @property
    def deletes_covered(self) -> bool:
        """Timestamps cannot show deletes."""
        return False

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The server's ``currentTime``, else the highest ``modifyTimestamp`` it holds."""
        now = connection.read_root_dse(("currentTime",)).texts("currentTime")
        if now:
            return {"time": now[0], "seen": []}
        stamps = (
            _stamp(entry)
            for base in self.bases
            for entry in connection.search(base, self._filter(None), attributes=_TIME_ATTRIBUTES)
        )
        return {"time": max(stamps, default=_EPOCH), "seen": []}

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Only the state's form can be wrong: timestamps do not expire."""
        if not isinstance(state.get("time"), str) or not isinstance(state.get("seen"), list):
            raise FullImportRequiredError(f"the timestamp watermark is unreadable: {state!r}")

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """Objects changed at or after ``state["time"]``, oldest first, seen ones skipped."""
        after = str(state["time"])
        seen = set(state["seen"])
        wanted = ("*", *self.anchor.search_attributes, *_TIME_ATTRIBUTES)
        found = [  # a big attribute may come back cut in ranges (AD): read the rest
            complete_ranged(connection, entry)
            for base in self.bases
            for entry in connection.search(base, self._filter(after), attributes=wanted)
        ]
        found.sort(key=_stamp)
        current, delivered = after, list(seen)
        for entry in found:
            anchor = self._anchor(entry)
            stamp = _stamp(entry)
            if stamp == after and anchor is not None and anchor.key in seen:
                continue
            if stamp != current:
                current, delivered = stamp, []
            if anchor is not None:
                delivered.append(anchor.key)
            record = self._record(entry, anchor, stamp, after)
            yield LogItem(record=record, state={"time": current, "seen": list(delivered)})

    def _filter(self, after: str | None) -> str:
        target = self.object_class
        kind = "" if target in (None, "*") else equality_filter("objectClass", str(target))
        if after is None:
            return f"(&(objectClass=*){kind})"
        value = escape_filter_value(after)
        return f"(&{kind}(|(modifyTimestamp>={value})(createTimestamp>={value})))"

    def _record(self, entry: Entry, anchor: Anchor | None, stamp: str, after: str) -> ChangeRecord:
        known = self.known_dn(anchor) if anchor is not None else None
        created = (entry.texts("createTimestamp") or (_EPOCH,))[0]
        if created >= after and known is None:
            change_type, old = ChangeType.ADD, None
        elif known is not None and not dn_equal(known, entry.dn):
            change_type, old = ChangeType.RENAME, known
        else:
            change_type, old = ChangeType.MODIFY, None
        key = anchor.key if anchor is not None else entry.dn
        return ChangeRecord(
            type=change_type,
            dn=entry.dn,
            old_dn=old,
            anchor=anchor,
            attributes={n: v for n, v in entry.attributes.items() if not is_ignored(n)},
            position=f"{stamp}#{key}",
            source=DeltaSource.TIMESTAMPS,
        )

    def _anchor(self, entry: Entry) -> Anchor | None:
        return anchor_of_entry(entry, self.anchor)


def _stamp(entry: Entry) -> str:
    modified = entry.texts("modifyTimestamp") or entry.texts("createTimestamp")
    return modified[0] if modified else _EPOCH
