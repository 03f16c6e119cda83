"""Decode ``cn=changelog`` entries (draft-good-ldap-changelog-04) into change records.

The format is shared by the 389 DS retro changelog, Oracle DSEE, OpenDJ, IBM and Isode:
one ``changeLogEntry`` per write with ``changeNumber`` (strictly increasing: the
checkpoint, compared as an integer), ``targetDN`` (the DN *before* the change, so the old
DN of a modrdn), ``changeType`` (``add``, ``modify``, ``modrdn``, ``delete``),
``changeTime``, ``newRDN`` / ``deleteOldRDN`` / ``newSuperior`` for a modrdn, and
``changes``: LDIF text (RFC 2849) holding an add's attributes as ``attr: value`` lines, or
a modify's changes as ``add: attr`` / ``attr: v`` / ``-`` groups. 389 DS ends a modify's
text with a NUL byte; values may be base64 (``attr:: ...``) and lines folded. The entry's
identity comes from attributes the server adds: 389 logs ``targetUniqueId`` (its
``nsUniqueId``) and, when configured with ``nsslapd-attribute: entryuuid:targetEntryUUID``,
``targetEntryUUID``, which OpenDJ always logs.
"""

from __future__ import annotations

import re

import attrs

from ldapconnector._ldif_io import read_ldif
from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.detect import DeltaSource
from ldapconnector.errors import ChangeLogDecodeError
from ldapconnector.escaping import escape_filter_value
from ldapconnector.model import ModifyOp, Value
from ldapconnector.profiles.delta._changes import (
    AttributeChange,
    ChangeLogSearch,
    ChangeRecord,
    ChangeType,
    LogEntry,
    LogView,
    accumulate,
    as_rename,
    as_text,
    checked_checkpoint,
    group_values,
    is_bind_bookkeeping,
    is_ignored,
    make_anchor,
    parse_generalized_time,
)

__all__ = [
    "CHANGELOG_ATTRIBUTES",
    "CHANGELOG_DN",
    "changelog_position",
    "changelog_search",
    "changelog_sort_key",
    "decode_changelog_entry",
    "parse_changes",
]

CHANGELOG_ATTRIBUTES: tuple[str, ...] = (
    "objectClass",
    "changeNumber",
    "changeType",
    "targetDN",
    "changeTime",
    "changes",
    "newRDN",
    "deleteOldRDN",
    "newSuperior",
    "targetUniqueId",
    "targetEntryUUID",
    "changeInitiatorsName",
)
"""What a reader asks for: the draft-good-ldap-changelog-04 attributes, the anchors 389 DS
and OpenDJ add, and OpenDJ's ``changeInitiatorsName``."""

CHANGELOG_DN = "cn=changelog"
"""Where draft-good-ldap-changelog-04 servers keep the log (the Root DSE ``changelog``)."""

_TYPES = {
    "add": ChangeType.ADD,
    "modify": ChangeType.MODIFY,
    "modrdn": ChangeType.RENAME,
    "moddn": ChangeType.RENAME,
    "delete": ChangeType.DELETE,
}

_LDIF_OPS = {
    "add": ModifyOp.ADD,
    "delete": ModifyOp.DELETE,
    "replace": ModifyOp.REPLACE,
    "increment": ModifyOp.INCREMENT,
}

_ANCHOR_SOURCES = {
    AnchorKind.ENTRY_UUID: ("targetEntryUUID", "entryUUID"),
    AnchorKind.NS_UNIQUE_ID: ("targetUniqueId", "nsUniqueId"),
}

_CHANGE_NUMBER = re.compile(r"\d{1,20}")
_PLACEHOLDER_DN = b"dn: cn=changes\n"


def changelog_search(
    after: int | str | None = None, *, base: str = CHANGELOG_DN
) -> ChangeLogSearch:
    """Return the search for the changes logged after a checkpoint.

    Args:
        after: the ``changeNumber`` of the last record processed; None for the whole log.
        base: the changelog DN (the Root DSE ``changelog`` attribute).

    Raises:
        InvalidRequestError: ``after`` is not a non-negative integer.
    """
    clauses = ["(objectClass=changeLogEntry)"]
    if after is not None:
        number = int(checked_checkpoint(str(after).strip(), _CHANGE_NUMBER, "a changeNumber"))
        clauses.append(f"(changeNumber>={escape_filter_value(str(number + 1))})")
    search_filter = clauses[0] if len(clauses) == 1 else f"(&{''.join(clauses)})"
    return ChangeLogSearch(base=base, search_filter=search_filter, attributes=CHANGELOG_ATTRIBUTES)


def changelog_sort_key(record: ChangeRecord) -> int:
    """Order changelog records by ``changeNumber``, as an integer (``9`` before ``10``)."""
    return int(record.position)


def changelog_position(entry: LogEntry) -> str:
    """Return the checkpoint of a changelog entry: its ``changeNumber``, in decimal.

    Raises:
        ChangeLogDecodeError: the entry has no integer ``changeNumber``.
    """
    text = (LogView(entry).text("changeNumber") or "").strip()
    if _CHANGE_NUMBER.fullmatch(text) is None:
        raise ChangeLogDecodeError(f"changelog entry without a valid changeNumber: {text!r}")
    return str(int(text))


def decode_changelog_entry(
    entry: LogEntry,
    *,
    anchor_kind: AnchorKind | None = None,
) -> ChangeRecord | None:
    """Decode one draft-good-ldap-changelog-04 entry into a change record.

    Args:
        entry: the changelog entry's attributes (see :data:`CHANGELOG_ATTRIBUTES`).
        anchor_kind: ``entryUUID`` (``targetEntryUUID``), ``nsUniqueId``
            (``targetUniqueId``) or ``dn`` (``targetDN``, the DN before the change);
            None takes ``targetEntryUUID``, else ``targetUniqueId``, else no anchor.

    Returns:
        The record, or None for an unknown ``changeType``, a modify that changed only
        bookkeeping, or one that changed only password-policy bind state.

    Raises:
        ChangeLogDecodeError: the entry is malformed (no ``targetDN``, bad ``changes``).
        LdifError: the ``changes`` text is not LDIF.
    """
    view = LogView(entry)
    position = changelog_position(entry)
    change_type = _TYPES.get((view.text("changeType") or "").strip().lower())
    if change_type is None:
        return None
    target = view.text("targetDN")
    if not target:
        raise ChangeLogDecodeError(f"changelog entry {position} has no targetDN")
    attributes, changes = _logged_changes(view, change_type, position)
    common = ChangeRecord(
        type=change_type,
        dn=target,
        anchor=_anchor(view, attributes, anchor_kind, target, position),
        position=position,
        source=DeltaSource.CHANGELOG,
        time=parse_generalized_time(view.text("changeTime")),
        actor=_actor(view, attributes, changes),
    )
    return _complete(common, view, attributes, changes)


def _logged_changes(
    view: LogView, change_type: ChangeType, position: str
) -> tuple[dict[str, tuple[Value, ...]], tuple[AttributeChange, ...]]:
    """An add's attributes, or another change's modify lines, from the ``changes`` text."""
    text = _changes_text(view)
    if change_type is ChangeType.ADD:
        return _content(text, position), ()
    return {}, parse_changes(text, source=f"changelog {position}")


def _complete(
    common: ChangeRecord,
    view: LogView,
    attributes: dict[str, tuple[Value, ...]],
    changes: tuple[AttributeChange, ...],
) -> ChangeRecord | None:
    kept = accumulate(c for c in changes if not is_ignored(c.attribute))
    if common.type is ChangeType.ADD:
        kept_attributes = {k: v for k, v in attributes.items() if not is_ignored(k)}
        return attrs.evolve(common, attributes=kept_attributes)
    if common.type is ChangeType.MODIFY:
        if not kept or is_bind_bookkeeping(changes):
            return None
        return attrs.evolve(common, changes=kept)
    if common.type is ChangeType.DELETE:
        return attrs.evolve(common, old_dn=common.dn)
    return as_rename(
        common, view, kept, names=("newRDN", "newSuperior", "deleteOldRDN"), log="changelog"
    )


def parse_changes(text: bytes, *, source: str | None = None) -> tuple[AttributeChange, ...]:
    """Parse the LDIF modify-change lines of a ``changes`` value (RFC 2849 ``mod-spec``).

    Each group is ``add:``/``delete:``/``replace:``/``increment:`` and the attribute,
    then its ``attr: value`` (or ``attr:: base64``) lines, then ``-``. Folded lines,
    base64 values and a missing final ``-`` are accepted.

    Args:
        text: the ``changes`` text without 389's trailing NUL.
        source: a name for messages (``changelog 42``).

    Raises:
        ChangeLogDecodeError: a group has no known operation, or values of another
            attribute than the one it names.
        LdifError: a line is not LDIF.
    """
    changes: list[AttributeChange] = []
    for group in _groups(text):
        record = read_ldif(_PLACEHOLDER_DN + group, source=source)[0]
        items = list(record.attributes.items())
        op_name, target = items[0]
        op = _LDIF_OPS.get(op_name.lower())
        if op is None or len(target) != 1:
            raise ChangeLogDecodeError(f"{source}: not a modify change: {group!r}")
        attribute = as_text(target[0]).strip()
        values: list[Value] = []
        for name, found in items[1:]:
            if name.lower() != attribute.lower():
                raise ChangeLogDecodeError(f"{source}: {name!r} values under {attribute!r}")
            values.extend(found)
        changes.append(AttributeChange(attribute=attribute, op=op, values=tuple(values)))
    return tuple(changes)


def _groups(text: bytes) -> list[bytes]:
    # A line that is exactly "-" ends a group; a folded continuation starts with a space.
    groups: list[bytes] = []
    current: list[bytes] = []
    for line in text.splitlines():
        if line.rstrip(b"\r") == b"-":
            groups.append(b"\n".join(current))
            current = []
        elif line.strip() or current:
            current.append(line)
    if any(line.strip() for line in current):
        groups.append(b"\n".join(current))
    return [group for group in groups if group.strip()]


def _changes_text(view: LogView) -> bytes:
    values = view.values("changes")
    raw = b"".join(v if isinstance(v, bytes) else v.encode("utf-8") for v in values[:1])
    # 389 DS ends a modify's changes with a NUL byte.
    return raw.rstrip(b"\0 \t\r\n")


def _content(text: bytes, position: str) -> dict[str, tuple[Value, ...]]:
    if not text:
        return {}
    records = read_ldif(_PLACEHOLDER_DN + text, source=f"changelog {position}")
    pairs = ((name, value) for r in records for name, vs in r.attributes.items() for value in vs)
    return group_values(pairs)


def _anchor(
    view: LogView,
    attributes: dict[str, tuple[Value, ...]],
    kind: AnchorKind | None,
    target: str,
    position: str,
) -> Anchor | None:
    if kind is AnchorKind.DN:
        return make_anchor(kind, target, where=f"changelog {position} targetDN")
    kinds = [kind] if kind is not None else list(_ANCHOR_SOURCES)
    for candidate in kinds:
        if candidate not in _ANCHOR_SOURCES:
            raise ChangeLogDecodeError(f"cn=changelog names no {candidate.value} anchor")
        logged, in_entry = _ANCHOR_SOURCES[candidate]
        value = view.text(logged) or _first_text(attributes, in_entry)
        if value:
            return make_anchor(candidate, value, where=f"changelog {position} {logged}")
    return None


def _actor(
    view: LogView,
    attributes: dict[str, tuple[Value, ...]],
    changes: tuple[AttributeChange, ...],
) -> str | None:
    initiator = view.text("changeInitiatorsName")
    if initiator:
        return initiator
    for change in changes:
        if change.attribute.lower() == "modifiersname" and change.values:
            return as_text(change.values[0])
    return _first_text(attributes, "creatorsName")


def _first_text(attributes: dict[str, tuple[Value, ...]], name: str) -> str | None:
    for key, values in attributes.items():
        if key.lower() == name.lower() and values:
            return as_text(values[0])
    return None
