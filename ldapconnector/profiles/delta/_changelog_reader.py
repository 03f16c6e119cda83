"""The ``cn=changelog`` reader (389 DS retro changelog and its relatives) of Delta Import.

State: ``{"number": N}``, the ``changeNumber`` of the last changelog entry handled.

* **Baseline**: the Root DSE ``lastchangenumber`` (0 when the log is empty).
* **Gap check** (Root DSE ``firstchangenumber`` / ``lastchangenumber``, then one search
  for a change numbered ``N + 1`` or lower, since the Root DSE may lag a trim): the log
  was trimmed past the watermark when ``firstchangenumber > N + 1``
  (``nsslapd-changelogmaxage``); it was reset, or belongs to another server, when
  ``lastchangenumber < N``; an empty log under a non-zero watermark is one of the two.
  Each of these raises :class:`FullImportRequiredError`.
* **Read**: :func:`~ldapconnector.profiles.changelog_search` after ``N``, decoded with
  :func:`~ldapconnector.profiles.decode_changelog_entry`, sorted by ``changeNumber`` as an
  integer. Cost grows with the changes since ``N``.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs

from ldapconnector.anchors import AnchorKind
from ldapconnector.connection import LdapConnection
from ldapconnector.detect import DeltaSource
from ldapconnector.model import SearchScope
from ldapconnector.profiles.delta._changelog_decode import (
    CHANGELOG_DN,
    changelog_position,
    changelog_search,
    decode_changelog_entry,
)
from ldapconnector.profiles.delta._reader import (
    FullImportRequiredError,
    LogItem,
    ReaderState,
    require_anchor_kind,
)

__all__ = ["ChangelogReader"]

_ANCHORS = (AnchorKind.ENTRY_UUID, AnchorKind.NS_UNIQUE_ID, AnchorKind.DN)
_ROOT_DSE = ("changelog", "firstchangenumber", "lastchangenumber")


@attrs.frozen(kw_only=True)
class ChangelogReader:
    """Reads draft-good-ldap-changelog-04 entries after a ``changeNumber``.

    Attributes:
        log_dn: the changelog's DN (the Root DSE ``changelog`` attribute).
        anchor_kind: ``entryUUID`` (``targetEntryUUID``), ``nsUniqueId``
            (``targetUniqueId``) or ``dn``.
    """

    log_dn: str = CHANGELOG_DN
    anchor_kind: AnchorKind = AnchorKind.ENTRY_UUID

    def __attrs_post_init__(self) -> None:
        require_anchor_kind(self.anchor_kind, _ANCHORS, "cn=changelog")

    @property
    def source(self) -> DeltaSource:
        """Always :attr:`DeltaSource.CHANGELOG`."""
        return DeltaSource.CHANGELOG

    @property
    def deletes_covered(self) -> bool:
        """The changelog logs deletes."""
        return True

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The log's current end: the Root DSE ``lastchangenumber``."""
        _first, last = _bounds(connection)
        return {"number": last}

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Raise when the log no longer reaches back to ``state["number"]``."""
        number = state.get("number")
        if not isinstance(number, int) or number < 0:
            raise FullImportRequiredError(f"the changelog watermark is unreadable: {state!r}")
        first, last = _bounds(connection)
        if last < number:
            raise FullImportRequiredError(
                f"{self.log_dn} ends at change {last}, before the watermark {number}: the log "
                "was reset or this is another server"
            )
        if first > number + 1:
            raise FullImportRequiredError(
                f"{self.log_dn} starts at change {first}, after the watermark {number}: "
                f"changes {number + 1}-{first - 1} were trimmed (nsslapd-changelogmaxage)"
            )
        if last > number and not self._reaches(connection, number + 1):
            raise FullImportRequiredError(
                f"{self.log_dn} holds no change numbered {number + 1} or lower: changes after "
                f"the watermark {number} were trimmed"
            )

    def _reaches(self, connection: LdapConnection, number: int) -> bool:
        """Whether the log still holds a change numbered ``number`` or lower.

        Trimming removes the oldest changes first, so such a change proves that nothing
        after the watermark was removed (the Root DSE numbers may lag a trim).
        """
        entries = connection.search(
            self.log_dn,
            f"(&(objectClass=changeLogEntry)(changeNumber<={number}))",
            scope=SearchScope.ONE_LEVEL,
            attributes=("changeNumber",),
            page_size=0,
            size_limit=1,
        )
        return any(True for _entry in entries)

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """Every change logged after ``state["number"]``, in ``changeNumber`` order."""
        search = changelog_search(int(state["number"]), base=self.log_dn)
        entries = connection.search(
            search.base, search.search_filter, scope=search.scope, attributes=search.attributes
        )
        items = [
            LogItem(
                record=decode_changelog_entry(entry, anchor_kind=self.anchor_kind),
                state={"number": int(changelog_position(entry))},
            )
            for entry in entries
        ]
        items.sort(key=lambda item: int(item.state["number"]))
        yield from items


def _bounds(connection: LdapConnection) -> tuple[int, int]:
    """The Root DSE ``firstchangenumber`` and ``lastchangenumber`` (0 when absent)."""
    root = connection.read_root_dse(_ROOT_DSE)
    return _number(root.texts("firstchangenumber")), _number(root.texts("lastchangenumber"))


def _number(values: tuple[str, ...]) -> int:
    text = values[0].strip() if values else ""
    return int(text) if text.isdigit() else 0
