"""The DirSync reader of Delta Import: AD's directory synchronization control with a cookie.

A search carrying the DirSync control (``1.2.840.113556.1.4.841``, MS-ADTS 3.1.1.3.4.1.3)
returns the objects changed since the request's *cookie* and, in the response control, a
new cookie; the cookie is the watermark. Request value: ``SEQUENCE { flags INTEGER,
maxBytes INTEGER, cookie OCTET STRING }`` (critical); response value: ``SEQUENCE {
moreResults INTEGER, unused INTEGER, cookie OCTET STRING }``. The search base must be a
naming context's head, so the reader reads the naming context holding the bases and
:class:`~ldapconnector.profiles.delta._scope.ChangeScope` keeps the changes under them.

State: ``{"cookie": base64, "context": naming context DN}``.

* **Rights**: without :attr:`DirSyncFlag.OBJECT_SECURITY` the account needs the
  *Replicating Directory Changes* right on the naming context; otherwise the server
  answers ``insufficientAccessRights`` (50), raised here as a
  :class:`~ldapconnector.errors.ConfigurationError` that says so.
  :func:`dirsync_permitted` asks the server once, so a caller can choose uSNChanged instead.
* **Baseline**: a DirSync search whose filter matches nothing (``objectGUID`` equal to a
  NUL byte; indexed in AD) walks the server to its current end without returning objects;
  its cookie is the first watermark, and no history is replayed.
* **Records**: DirSync returns only the *changed* attributes of each object (plus its
  ``objectGUID``, ``name``, ``parentGUID``, ``instanceType``). An object created since the
  cookie carries ``whenCreated`` (replicated, set once) and is an add; a live object whose
  DN differs from the connector space's DN for its ``objectGUID`` is a rename; others are
  modifies whose ``changes`` replace each returned attribute with its new values (no
  values: the attribute was cleared). Deletes come as tombstones (``isDeleted=TRUE``); the
  old DN is the connector space's, else ``msDS-LastKnownRDN`` (or ``name``'s first line)
  under ``lastKnownParent``.
* **Not covered**: who made a change, intermediate states between two runs, and
  linked-value deltas (``member`` arrives whole unless :attr:`DirSyncFlag.INCREMENTAL_VALUES`
  is asked for; then added values only, and removals are not reported). A cookie older
  than the tombstone lifetime misses deletes whose tombstones were already collected.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

import attrs

from ldapconnector.anchors import Anchor, AnchorKind, AnchorStrategy, anchor_of_entry
from ldapconnector.connection import (
    DirSyncFlag,
    LdapConnection,
    decode_dirsync_response,
    encode_dirsync_request,
)
from ldapconnector.detect import DeltaSource
from ldapconnector.dn import dn_equal
from ldapconnector.errors import ConfigurationError, InsufficientAccessError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import DIRSYNC_OID, SHOW_DELETED_OID, Entry, ModifyOp, SearchPage, Value
from ldapconnector.profiles.delta._changes import (
    AttributeChange,
    ChangeRecord,
    ChangeType,
    is_ignored,
)
from ldapconnector.profiles.delta._reader import (
    FullImportRequiredError,
    LogItem,
    ReaderState,
    require_anchor_kind,
)
from ldapconnector.profiles.delta._tombstones import deletes_visible, last_known_dn
from ldapconnector.profiles.delta._usn_reader import (
    KnownDn,
    _is_deleted,
    _no_known_dn,
    naming_contexts_of,
)

__all__ = ["DirSyncReader", "dirsync_permitted"]


_NOTHING = "(objectGUID=\\00)"  # matches no object: the baseline walks without returning any
_WANTED = ("*", "objectGUID", "isDeleted", "lastKnownParent", "msDS-LastKnownRDN", "whenCreated")
_BOOKKEEPING = frozenset(
    {"objectguid", "parentguid", "instancetype", "name", "whenchanged", "usnchanged",
     "usncreated", "isdeleted", "isrecycled", "lastknownparent", "msds-lastknownrdn",
     "dscorepropagationdata", "ntsecuritydescriptor"}
)  # fmt: skip
_ANCHORS = (AnchorKind.OBJECT_GUID, AnchorKind.DN)


def _encode_cookie(cookie: bytes) -> str:
    return base64.b64encode(cookie).decode("ascii")


def _decode_cookie(state: ReaderState) -> bytes:
    try:
        return base64.b64decode(str(state.get("cookie", "")), validate=True)
    except (binascii.Error, ValueError):
        return b""


def dirsync_context(connection: LdapConnection, bases: tuple[str, ...]) -> str:
    """The one naming context holding the bases (DirSync reads from a naming context head).

    Raises:
        ConfigurationError: the bases lie in more than one naming context.
    """
    contexts = connection.read_root_dse(("namingContexts",)).texts("namingContexts")
    found = naming_contexts_of(bases, contexts)
    if len(found) != 1:
        raise ConfigurationError(
            [f"delta import: DirSync reads one naming context; the bases lie in {found}"]
        )
    return found[0]


def dirsync_page(
    connection: LdapConnection,
    context: str,
    search_filter: str,
    cookie: bytes,
    *,
    flags: int = DirSyncFlag.NONE,
    attributes: tuple[str, ...] = _WANTED,
) -> tuple[SearchPage, bool, bytes]:
    """One DirSync request: ``(page, more_results, next cookie)``.

    Raises:
        ConfigurationError: the account lacks the Replicating Directory Changes right.
        FullImportRequiredError: the server sent no DirSync response control.
    """
    control = (DIRSYNC_OID, True, encode_dirsync_request(flags, cookie=cookie))
    try:
        page = connection.search_page(
            context, search_filter, attributes=attributes,
            controls=[control, (SHOW_DELETED_OID, True, None)],
        )  # fmt: skip
    except InsufficientAccessError as error:
        account = connection.settings.user or "(anonymous)"
        raise ConfigurationError(
            [f"delta import: the account {account} may not use DirSync on {context}: it "
             "needs the 'Replicating Directory Changes' right on the naming context "
             f"(server said: {error})"]
        ) from error  # fmt: skip
    response = page.controls.get(DIRSYNC_OID)
    try:
        more, next_cookie = decode_dirsync_response(response.value if response else None)
    except ValueError as error:
        raise FullImportRequiredError(f"the DirSync search of {context} failed: {error}") from None
    return page, more, next_cookie


def dirsync_permitted(connection: LdapConnection, bases: tuple[str, ...]) -> bool:
    """Tell whether the account may use DirSync (without ``OBJECT_SECURITY``) on the bases.

    One DirSync search that matches nothing; False when the server refuses it for rights.
    """
    try:
        dirsync_page(connection, dirsync_context(connection, bases), _NOTHING, b"")
    except ConfigurationError:
        return False
    return True


@attrs.frozen(kw_only=True)
class DirSyncReader:
    """Reads changes with the DirSync control (see the module docstring).

    Attributes:
        bases: where the configured objects live (one naming context).
        anchor: the configured anchor (``objectGUID`` or ``dn``).
        object_class: the configured class; None for any.
        known_dn: the connector space's last DN for an anchor (renames, deletes).
        flags: the request flags.
    """

    bases: tuple[str, ...]
    anchor: AnchorStrategy
    object_class: str | None = None
    known_dn: KnownDn = _no_known_dn
    flags: DirSyncFlag = DirSyncFlag.NONE

    def __attrs_post_init__(self) -> None:
        require_anchor_kind(self.anchor.kind, _ANCHORS, "DirSync")

    @property
    def source(self) -> DeltaSource:
        """Always :attr:`DeltaSource.DIRSYNC`."""
        return DeltaSource.DIRSYNC

    @property
    def deletes_covered(self) -> bool:
        """Tombstones come with the changes (if the account may see them)."""
        return True

    def deletes_visible(self, connection: LdapConnection) -> bool:
        """With the replication right, yes; with ``OBJECT_SECURITY``, probe Deleted Objects."""
        if not self.flags & DirSyncFlag.OBJECT_SECURITY:
            return True
        return deletes_visible(connection, (dirsync_context(connection, self.bases),))

    def baseline(self, connection: LdapConnection) -> ReaderState:
        """The cookie at the server's current end (a search matching nothing)."""
        context = dirsync_context(connection, self.bases)
        cookie, more = b"", True
        while more:
            _page, more, cookie = self._page(connection, context, _NOTHING, cookie)
        return {"cookie": _encode_cookie(cookie), "context": context}

    def check(self, connection: LdapConnection, state: ReaderState) -> None:
        """Raise when the stored cookie is unreadable or names another naming context."""
        context = dirsync_context(connection, self.bases)
        if not _decode_cookie(state):
            raise FullImportRequiredError(f"the DirSync watermark is unreadable: {state!r}")
        if not dn_equal(str(state.get("context", "")), context):
            raise FullImportRequiredError(
                f"the DirSync watermark is for {state.get('context')!r}, the bases are in "
                f"{context!r}"
            )

    def read(self, connection: LdapConnection, state: ReaderState) -> Iterator[LogItem]:
        """The objects changed since the cookie, page by page; each page ends on its cookie."""
        context = str(state["context"])
        cookie, more = _decode_cookie(state), True
        while more:
            page, more, next_cookie = self._page(connection, context, self._filter(), cookie)
            before = {"cookie": _encode_cookie(cookie), "context": context}
            after = {"cookie": _encode_cookie(next_cookie), "context": context}
            position = after["cookie"]
            for index, entry in enumerate(page.entries):
                last = index == len(page.entries) - 1
                record = self._record(entry, position)
                yield LogItem(record=record, state=after if last else before)
            if not page.entries:
                yield LogItem(record=None, state=after)
            cookie = next_cookie

    def _page(
        self, connection: LdapConnection, context: str, search_filter: str, cookie: bytes
    ) -> tuple[SearchPage, bool, bytes]:
        return dirsync_page(connection, context, search_filter, cookie, flags=self.flags)

    def _filter(self) -> str:
        target = self.object_class
        return "(objectClass=*)" if target in (None, "*") else equality_filter(
            "objectClass", str(target))  # fmt: skip

    def _record(self, entry: Entry, position: str) -> ChangeRecord | None:
        anchor = self._anchor(entry)
        known = self.known_dn(anchor) if anchor is not None else None
        values = {} if _is_deleted(entry) else _user_values(entry)
        changes: list[AttributeChange] = []
        if _is_deleted(entry):
            change_type, dn = ChangeType.DELETE, known or last_known_dn(entry) or entry.dn
            old_dn: str | None = dn
        elif entry.get("whenCreated") and known is None:
            change_type, dn, old_dn = ChangeType.ADD, entry.dn, None
        else:
            changes = [AttributeChange(attribute=n, op=ModifyOp.REPLACE, values=v)
                       for n, v in values.items()]  # fmt: skip
            renamed = known is not None and not dn_equal(known, entry.dn)
            if not renamed and not values:
                return None  # nothing but bookkeeping (or a rename the space cannot place)
            change_type = ChangeType.RENAME if renamed else ChangeType.MODIFY
            dn, old_dn = entry.dn, known if renamed else None
        return ChangeRecord(
            type=change_type,
            dn=dn,
            old_dn=old_dn,
            anchor=anchor,
            attributes=values,
            changes=changes,
            position=position,
            source=DeltaSource.DIRSYNC,
        )

    def _anchor(self, entry: Entry) -> Anchor | None:
        return anchor_of_entry(entry, self.anchor)


def _user_values(entry: Entry) -> dict[str, tuple[Value, ...]]:
    return {
        name: values
        for name, values in entry.attributes.items()
        if not is_ignored(name) and name.lower() not in _BOOKKEEPING
    }
