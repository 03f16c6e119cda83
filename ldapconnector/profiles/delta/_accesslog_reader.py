"""The OpenLDAP ``cn=accesslog`` reader of the Delta Import run profile.

State: ``{"csn": W, "anchored": bool}`` — ``W`` is the ``entryCSN`` of the last log entry
handled (CSNs order the log; ``reqStart`` does not, see ``_accesslog_decode.py``); ``anchored``
says ``W`` is the CSN of a log entry rather than a database ``contextCSN`` taken while the
log was empty.

* **Baseline**: the ``contextCSN`` of the log database's suffix (slapd keeps it when the log
  has ``syncprov``, as delta-syncrepl needs), else the main database's, else the highest
  ``entryCSN`` in the log.
* **Gap check**: slapo-accesslog purges oldest first (``olcAccessLogPurge``). When the log
  entry whose CSN is the watermark is gone, entries after it may be gone too, so a full
  import is required. One equality search on the indexed ``entryCSN``. An unanchored
  watermark (an empty log at baseline) cannot be checked this way and is trusted.
* **Read**: :func:`~ldapconnector.profiles.accesslog_search` after ``W``, decoded with
  :func:`~ldapconnector.profiles.decode_accesslog_entry`, sorted by CSN. Cost grows with
  the entries logged since ``W``, never with the directory.
* **Implied changes**: the writes of the memberof and refint overlays are not logged; each
  batch also carries re-reads of the entries its changes imply (``_implied.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import attrs

from ldapconnector.anchors import AnchorKind
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import SearchScope
from ldapconnector.profiles.delta._accesslog_decode import (
    ACCESSLOG_DN,
    accesslog_position,
    accesslog_search,
    decode_accesslog_entry,
)
from ldapconnector.profiles.delta._changes import ChangeRecord
from ldapconnector.profiles.delta._implied import DEFAULT_IMPLIED_OVERLAYS, ImpliedReads
from ldapconnector.profiles.delta._reader import (
    FullImportRequiredError,
    LogItem,
    ReaderState,
    require_anchor_kind,
)

__all__ = ["AccesslogReader"]

_ANCHORS = (AnchorKind.ENTRY_UUID, AnchorKind.DN)


@attrs.frozen(kw_only=True)
class AccesslogReader:
    """Reads successful writes from slapo-accesslog(5) entries after an ``entryCSN``.

    Attributes:
        log_dn: the accesslog database suffix (``olcAccessLogDB``).
        anchor_kind: ``entryUUID`` (``reqEntryUUID``) or ``dn``.
        data_bases: the main database suffixes, for the baseline when the log has no
            ``contextCSN``.
        implied_overlays: the unlogged overlays (``memberof``, ``refint``) whose writes
            are re-read; empty for none.
        bases: where the reported entries live (for those re-reads; empty: everywhere).
    """

    log_dn: str = ACCESSLOG_DN
    anchor_kind: AnchorKind = AnchorKind.ENTRY_UUID
    data_bases: tuple[str, ...] = ()
    implied_overlays: frozenset[str] = DEFAULT_IMPLIED_OVERLAYS
    bases: tuple[str, ...] = ()
    _implied: ImpliedReads = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        require_anchor_kind(self.anchor_kind, _ANCHORS, "the accesslog")
        reads = ImpliedReads(
            overlays=self.implied_overlays, anchor_kind=self.anchor_kind, bases=self.bases
        )
        object.__setattr__(self, "_implied", reads)

    @property
    def source(self) -> DeltaSource:
        """Always :attr:`DeltaSource.ACCESSLOG`."""
        return DeltaSource.ACCESSLOG

    @property
    def deletes_covered(self) -> bool:
        """The accesslog logs deletes."""
        return True

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The log's current end: its ``contextCSN`` (see the module docstring)."""
        csn = _context_csn(connection, (self.log_dn, *self.data_bases)) or self._highest(connection)
        if csn is None:
            raise FullImportRequiredError(
                f"{self.log_dn} has no contextCSN and no entries: cannot establish a watermark"
            )
        return {"csn": csn, "anchored": self._holds(connection, csn)}

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Raise when the watermark's log entry was purged (or the state is not ours)."""
        csn = state.get("csn")
        if not isinstance(csn, str) or not csn:
            raise FullImportRequiredError(f"the accesslog watermark is unreadable: {state!r}")
        if state.get("anchored") and not self._holds(connection, csn):
            raise FullImportRequiredError(
                f"{self.log_dn} no longer holds the watermark entry {csn}: the log was "
                "purged past it (olcAccessLogPurge), so changes may be missing"
            )

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """Every successful write logged after ``state["csn"]``, in CSN order."""
        search = accesslog_search(str(state["csn"]), base=self.log_dn)
        entries = connection.search(
            search.base, search.search_filter, scope=search.scope, attributes=search.attributes
        )
        items = [
            LogItem(
                record=decode_accesslog_entry(entry, anchor_kind=self.anchor_kind),
                state={"csn": accesslog_position(entry), "anchored": True},
            )
            for entry in entries
        ]
        items.sort(key=lambda item: str(item.state["csn"]))
        yield from items

    def implied(
        self, connection: LdapConnection, records: Sequence[ChangeRecord]
    ) -> tuple[ChangeRecord, ...]:
        """Re-reads of the entries memberof/refint rewrote for ``records`` (not logged)."""
        return self._implied.records(connection, records)

    def _holds(self, connection: LdapConnection, csn: str) -> bool:
        try:
            found = connection.search(
                self.log_dn,
                equality_filter("entryCSN", csn),
                scope=SearchScope.ONE_LEVEL,
                attributes=("1.1",),
                page_size=0,
            )
            return any(True for _entry in found)
        except NoSuchObjectError:
            return False

    def _highest(self, connection: LdapConnection) -> str | None:
        search = accesslog_search(None, base=self.log_dn)
        entries = connection.search(
            search.base, search.search_filter, scope=search.scope, attributes=("entryCSN",)
        )
        return max((accesslog_position(e) for e in entries), default=None)


def _context_csn(connection: LdapConnection, bases: Sequence[str]) -> str | None:
    for base in bases:
        entry = connection.read_entry(base, ("contextCSN",))
        values = entry.texts("contextCSN") if entry is not None else ()
        if values:
            return max(values)
    return None
