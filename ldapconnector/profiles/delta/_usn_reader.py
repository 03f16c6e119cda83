"""The AD-family reader of Delta Import: ``uSNChanged`` polling (AD DS, AD LDS, Samba AD).

Every write on a domain controller takes the next *update sequence number* of that DC;
an object's ``uSNChanged`` is the USN of its last change, ``uSNCreated`` that of its
creation, and the Root DSE ``highestCommittedUSN`` the highest USN committed (MS-ADTS
3.1.1.1.9, 3.1.1.3.2). USNs are local to one DC: the state therefore also names the DC
(``dsServiceName``) and its database (``invocationId`` of the NTDS Settings object, which
changes when the database is restored), and a different one means "full import required".

State: ``{"usn": N, "service": dsServiceName, "invocation_id": hex}``.

* **Baseline**: the Root DSE ``highestCommittedUSN``.
* **Read**: with ``H`` = ``highestCommittedUSN`` now, live objects of the class under each
  base with ``N < uSNChanged <= H``, and tombstones (``isDeleted=TRUE``, found under each
  base's naming context with the Show Deleted control 1.2.840.113556.1.4.417) in the same
  window, sorted by ``uSNChanged``; then the state moves to ``H``. Cost grows with the
  objects changed since ``N``.
* **Classification**: ``uSNCreated > N`` is an add; a live object whose DN differs from the
  last DN the connector space knows for its ``objectGUID`` is a rename; other live objects
  are modifies. USN polling does not say which attributes changed: adds, modifies and
  renames carry the object's current attributes (``attributes``), not ``changes``.
  A tombstone is a delete; its old DN is the one the connector space knows, else
  ``msDS-LastKnownRDN`` (Samba: the first line of ``name``) under ``lastKnownParent``.
* **Deletes visibility**: an account without read access to ``CN=Deleted Objects`` gets
  no tombstones and no error; :meth:`UsnReader.deletes_visible` probes for that (see
  :mod:`ldapconnector.profiles.delta._tombstones`) and the run reports
  ``deletes_covered=False`` with a warning.
* **Not covered**: who made a change (AD keeps no ``modifiersName``: ``ignore_actors``
  cannot filter), intermediate states between two runs, and objects moved out of the
  bases (they are no longer under a base, so they are not seen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import attrs

from ldapconnector.anchors import Anchor, AnchorKind, AnchorStrategy, anchor_of_entry
from ldapconnector.connection import LdapConnection, complete_ranged
from ldapconnector.detect import DeltaSource
from ldapconnector.dn import dn_equal, dn_key, is_within
from ldapconnector.escaping import equality_filter
from ldapconnector.model import DEFAULT_BINARY_ATTRIBUTES, SHOW_DELETED_OID, Entry
from ldapconnector.profiles.delta._changes import ChangeRecord, ChangeType, is_ignored
from ldapconnector.profiles.delta._reader import (
    FullImportRequiredError,
    LogItem,
    ReaderState,
    require_anchor_kind,
)
from ldapconnector.profiles.delta._tombstones import deletes_visible, last_known_dn

__all__ = ["SHOW_DELETED_OID", "UsnReader", "naming_contexts_of"]

_ANCHORS = (AnchorKind.OBJECT_GUID, AnchorKind.DN)
_ROOT_DSE = ("highestCommittedUSN", "dsServiceName", "namingContexts")
_TOMBSTONE_ATTRIBUTES = (
    "objectGUID",
    "objectClass",
    "uSNChanged",
    "uSNCreated",
    "isDeleted",
    "lastKnownParent",
    "msDS-LastKnownRDN",
    "name",
)
_USN_BOOKKEEPING = frozenset({"usnchanged", "usncreated", "whenchanged", "whencreated"})

KnownDn = Callable[[Anchor], str | None]
"""The last DN the connector space knows for an anchor, or None."""


def _no_known_dn(_anchor: Anchor) -> str | None:
    return None


@attrs.frozen(kw_only=True)
class UsnReader:
    """Polls ``uSNChanged`` on one AD-family DC (see the module docstring).

    Attributes:
        bases: where the configured objects live.
        anchor: the configured anchor (``objectGUID`` or ``dn``).
        object_class: the configured class; None for any.
        known_dn: the connector space's last DN for an anchor (renames, deletes).
    """

    bases: tuple[str, ...]
    anchor: AnchorStrategy
    object_class: str | None = None
    known_dn: KnownDn = _no_known_dn

    def __attrs_post_init__(self) -> None:
        require_anchor_kind(self.anchor.kind, _ANCHORS, "uSNChanged polling")

    @property
    def source(self) -> DeltaSource:
        """Always :attr:`DeltaSource.USN_CHANGED`."""
        return DeltaSource.USN_CHANGED

    @property
    def deletes_covered(self) -> bool:
        """Tombstones are read with the Show Deleted control (if the account may see them)."""
        return True

    def deletes_visible(self, connection: LdapConnection) -> bool:
        """Probe the Deleted Objects container of each base's naming context (one search each).

        False, with a warning naming the account, when the account cannot see tombstones:
        the Show Deleted search would silently return none.
        """
        contexts = connection.read_root_dse(("namingContexts",)).texts("namingContexts")
        return deletes_visible(connection, naming_contexts_of(self.bases, contexts))

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The DC's ``highestCommittedUSN`` and identity now."""
        usn, service, invocation, _contexts = _server_state(connection)
        return {"usn": usn, "service": service, "invocation_id": invocation}

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Raise when the DC, its database or its USN range is not the watermark's."""
        usn, service, invocation, _contexts = _server_state(connection)
        stored = state.get("usn")
        if not isinstance(stored, int):
            raise FullImportRequiredError(f"the USN watermark is unreadable: {state!r}")
        if state.get("service") != service or state.get("invocation_id") != invocation:
            raise FullImportRequiredError(
                f"the USN watermark was taken on {state.get('service')!r} (invocationId "
                f"{state.get('invocation_id')}), this is {service!r} ({invocation}): USNs "
                "are local to one DC database"
            )
        if usn < stored:
            raise FullImportRequiredError(
                f"highestCommittedUSN {usn} is below the watermark {stored}: restored DC?"
            )

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """Objects changed and deleted since ``state["usn"]``, in ``uSNChanged`` order."""
        after = int(state["usn"])
        highest, service, invocation, contexts = _server_state(connection)
        window = f"(uSNChanged>={after + 1})(uSNChanged<={highest})"
        found = [*self._live(connection, window), *self._tombstones(connection, window, contexts)]
        found.sort(key=lambda pair: pair[0])
        identity = {"service": service, "invocation_id": invocation}
        for usn, entry in found:
            yield LogItem(record=self._record(entry, usn, after), state={"usn": usn, **identity})
        yield LogItem(record=None, state={"usn": highest, **identity})

    def _class_clause(self) -> str:
        target = self.object_class
        return "" if target in (None, "*") else equality_filter("objectClass", str(target))

    def _live(self, connection: LdapConnection, window: str) -> Iterator[tuple[int, Entry]]:
        search_filter = f"(&{self._class_clause()}{window})"
        wanted = ("*", "objectGUID", "uSNChanged", "uSNCreated")
        for base in self.bases:
            for entry in connection.search(base, search_filter, attributes=wanted):
                # A group over MaxValRange comes back as member;range=0-1499: read the rest.
                yield _usn(entry), complete_ranged(connection, entry)

    def _tombstones(
        self, connection: LdapConnection, window: str, contexts: Sequence[str]
    ) -> Iterator[tuple[int, Entry]]:
        search_filter = f"(&(isDeleted=TRUE){self._class_clause()}{window})"
        for context in naming_contexts_of(self.bases, contexts):
            for entry in connection.search(
                context,
                search_filter,
                attributes=_TOMBSTONE_ATTRIBUTES,
                controls=[(SHOW_DELETED_OID, True, None)],
            ):
                yield _usn(entry), entry

    def _record(self, entry: Entry, usn: int, after: int) -> ChangeRecord:
        anchor = self._anchor(entry)
        known = self.known_dn(anchor) if anchor is not None else None
        if _is_deleted(entry):
            old_dn = known or last_known_dn(entry)
            change_type, dn, attributes = ChangeType.DELETE, old_dn or entry.dn, {}
        else:
            old_dn, dn = None, entry.dn
            attributes = {
                name: values
                for name, values in entry.attributes.items()
                if not is_ignored(name) and name.lower() not in _USN_BOOKKEEPING
            }
            if _int(entry.first("uSNCreated")) > after:
                change_type = ChangeType.ADD
            elif known is not None and not dn_equal(known, entry.dn):
                change_type, old_dn = ChangeType.RENAME, known
            else:
                change_type = ChangeType.MODIFY
        return ChangeRecord(
            type=change_type,
            dn=dn,
            old_dn=old_dn,
            anchor=anchor,
            attributes=attributes,
            position=str(usn),
            source=DeltaSource.USN_CHANGED,
        )

    def _anchor(self, entry: Entry) -> Anchor | None:
        return anchor_of_entry(entry, self.anchor)


def _server_state(connection: LdapConnection) -> tuple[int, str, str, tuple[str, ...]]:
    root = connection.read_root_dse(_ROOT_DSE)
    usn_text = root.texts("highestCommittedUSN")
    service = (root.texts("dsServiceName") or ("",))[0]
    if not usn_text or not service:
        raise FullImportRequiredError(
            "the Root DSE has no highestCommittedUSN/dsServiceName: not an AD-family DC"
        )
    binary = DEFAULT_BINARY_ATTRIBUTES | {"invocationid"}
    settings = connection.read_entry(service, ("invocationId",), binary_attributes=binary)
    raw = settings.first("invocationId") if settings is not None else None
    invocation = raw.hex() if isinstance(raw, bytes) else str(raw or "")
    return int(usn_text[0]), service, invocation, root.texts("namingContexts")


def naming_contexts_of(bases: Sequence[str], contexts: Sequence[str]) -> tuple[str, ...]:
    """The naming contexts holding the bases (longest match), each once."""
    found: dict[str, str] = {}
    for base in bases:
        holders = [context for context in contexts if is_within(base, context)]
        best = max(holders, key=len) if holders else base
        found.setdefault(dn_key(best), best)
    return tuple(found.values())


def _is_deleted(entry: Entry) -> bool:
    flag = entry.first("isDeleted")
    text = flag.decode("ascii", "replace") if isinstance(flag, bytes) else str(flag or "")
    return text.strip().upper() == "TRUE"


def _usn(entry: Entry) -> int:
    return _int(entry.first("uSNChanged"))


def _int(value: object) -> int:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "0")
    return int(text) if text.strip().isdigit() else 0
