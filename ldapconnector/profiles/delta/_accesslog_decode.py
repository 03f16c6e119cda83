"""Decode OpenLDAP ``cn=accesslog`` entries (slapo-accesslog(5)) into change records.

The accesslog overlay writes one entry per write operation under its log database:
``auditAdd`` / ``auditModify`` / ``auditModRDN`` / ``auditDelete`` (all
``auditWriteObject``), with ``reqType``, ``reqDN``, ``reqResult``, ``reqAuthzID``,
``reqMod`` values ``attr:<op> [value]`` (op ``+`` add, ``-`` delete, ``=`` replace,
``#`` increment; an Add logs every value with ``+``), ``reqOld`` values ``attr: value``
(with ``logold``), ``reqNewRDN`` / ``reqDeleteOldRDN`` / ``reqNewSuperior`` for a modify
DN, and, since 2.5, ``reqEntryUUID``. The log entry's own ``entryCSN`` is the checkpoint:
the fraction in ``reqStart`` is a per-second counter, not time, so ``reqStart`` is no
order key across restarts or replicas, while CSNs (``time#count#sid#mod``, fixed width)
sort as text in the order the changes were made.

Bind bookkeeping: with ``ppolicy``, a failed bind adds ``pwdFailureTime`` (and, at the
limit, sets ``pwdAccountLockedTime``), and the next good bind deletes them, each as a
modify made internally by the database's rootdn. Such a modify, one that touches only
:data:`~ldapconnector.profiles.delta._changes.BIND_STATE_ATTRIBUTES` (and bookkeeping), is not
reported; pass ``bookkeeping_actors`` (the rootdn) to apply the rule only to those actors.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime

import attrs

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
    checked_checkpoint,
    group_values,
    is_bind_bookkeeping,
    is_ignored,
    make_anchor,
    parse_generalized_time,
)

__all__ = [
    "ACCESSLOG_ATTRIBUTES",
    "ACCESSLOG_DN",
    "accesslog_position",
    "accesslog_search",
    "accesslog_sort_key",
    "decode_accesslog_entry",
]

ACCESSLOG_ATTRIBUTES: tuple[str, ...] = (
    "objectClass",
    "reqType",
    "reqDN",
    "reqResult",
    "reqStart",
    "reqAuthzID",
    "reqMod",
    "reqOld",
    "reqNewRDN",
    "reqDeleteOldRDN",
    "reqNewSuperior",
    "reqNewDN",
    "reqEntryUUID",
    "entryCSN",
)
"""What a reader asks for: the slapo-accesslog(5) request attributes it decodes, and the
operational ``entryCSN`` (by name: ``*`` does not return it)."""

ACCESSLOG_DN = "cn=accesslog"
"""The accesslog database suffix the slapo-accesslog(5) examples use (``olcAccessLogDB``)."""

_TYPES = {
    "add": ChangeType.ADD,
    "modify": ChangeType.MODIFY,
    "modrdn": ChangeType.RENAME,
    "delete": ChangeType.DELETE,
}

_OPS = {"+": ModifyOp.ADD, "-": ModifyOp.DELETE, "=": ModifyOp.REPLACE, "#": ModifyOp.INCREMENT}

# A CSN: GeneralizedTime with microseconds, change count, server id, modifier number.
_CSN = re.compile(r"\d{14}\.\d{6}Z#[0-9a-fA-F]{6}#[0-9a-fA-F]{3}#[0-9a-fA-F]{6}")


def accesslog_search(after: str | None = None, *, base: str = ACCESSLOG_DN) -> ChangeLogSearch:
    """Return the search for the successful writes logged after a checkpoint.

    The filter selects ``auditWriteObject`` entries with ``reqResult=0`` and, given a
    checkpoint, an ``entryCSN`` strictly greater than it (``entryCSN`` has the
    ``CSNOrderingMatch`` ordering rule in slapd). Entries may arrive in any order: sort
    the records with :func:`accesslog_sort_key`.

    Args:
        after: the ``entryCSN`` of the last record processed; None for the whole log.
        base: the accesslog database suffix (``olcAccessLogDB``).

    Raises:
        InvalidRequestError: ``after`` is not a CSN.
    """
    clauses = ["(objectClass=auditWriteObject)", "(reqResult=0)"]
    if after is not None:
        csn = escape_filter_value(checked_checkpoint(after, _CSN, "an entryCSN"))
        clauses += [f"(entryCSN>={csn})", f"(!(entryCSN={csn}))"]
    return ChangeLogSearch(
        base=base, search_filter=f"(&{''.join(clauses)})", attributes=ACCESSLOG_ATTRIBUTES
    )


def accesslog_sort_key(record: ChangeRecord) -> str:
    """Order accesslog records as they were made: CSNs sort as text (fixed width)."""
    return record.position


def accesslog_position(entry: LogEntry) -> str:
    """Return the checkpoint of an accesslog entry: its ``entryCSN``.

    A reader advances past every entry it read, also those that decode to None.

    Raises:
        ChangeLogDecodeError: the entry has no ``entryCSN`` (it was not requested).
    """
    csn = LogView(entry).text("entryCSN")
    if csn is None:
        raise ChangeLogDecodeError("accesslog entry without entryCSN: request it by name")
    return csn


def decode_accesslog_entry(
    entry: LogEntry,
    *,
    anchor_kind: AnchorKind = AnchorKind.ENTRY_UUID,
    bookkeeping_actors: Collection[str] | None = None,
) -> ChangeRecord | None:
    """Decode one slapo-accesslog(5) entry into a change record.

    Args:
        entry: the log entry's attributes (see :data:`ACCESSLOG_ATTRIBUTES`).
        anchor_kind: ``entryUUID`` (from ``reqEntryUUID``, else the logged
            ``entryUUID`` value) or ``dn`` (the entry's DN before the change).
        bookkeeping_actors: DNs whose bind-state-only modifies are bind bookkeeping
            (the rootdn); None applies the rule whoever made the modify.

    Returns:
        The record, or None for a failed operation, an operation that is not an add,
        modify, modrdn or delete, bind bookkeeping, or a modify of bookkeeping only.

    Raises:
        ChangeLogDecodeError: the entry is malformed (no ``reqDN``, a bad ``reqMod``).
    """
    view = LogView(entry)
    position = accesslog_position(entry)
    request = _write_request(view, position)
    if request is None:
        return None
    change_type, dn = request
    mods = tuple(_parse_req_mod(line, position) for line in view.values("reqMod"))
    if change_type is ChangeType.MODIFY and _is_bookkeeping(view, mods, bookkeeping_actors):
        return None
    common = ChangeRecord(
        type=change_type,
        dn=dn,
        anchor=_anchor(view, mods, anchor_kind, dn, position),
        position=position,
        source=DeltaSource.ACCESSLOG,
        time=parse_generalized_time(position) or _req_start_time(view),
        actor=view.text("reqAuthzID") or None,
        old_attributes=_old_values(view, position),
    )
    return _complete(common, view, mods)


def _write_request(view: LogView, position: str) -> tuple[ChangeType, str] | None:
    """The type and DN of a successful write; None for a failure or another operation."""
    change_type = _TYPES.get((view.text("reqType") or "").strip().lower())
    if change_type is None or (view.text("reqResult") or "").strip() != "0":
        return None
    dn = view.text("reqDN")
    if not dn:
        raise ChangeLogDecodeError(f"accesslog entry {position} has no reqDN")
    return change_type, dn


def _complete(
    common: ChangeRecord, view: LogView, mods: tuple[AttributeChange, ...]
) -> ChangeRecord | None:
    # "attr:+" with no value adds nothing (an LDAP add needs values): a no-op, dropped.
    kept = accumulate(
        m for m in mods if not is_ignored(m.attribute) and (m.values or m.op is not ModifyOp.ADD)
    )
    if common.type is ChangeType.ADD:
        pairs = ((m.attribute, v) for m in kept for v in m.values)
        return attrs.evolve(common, attributes=group_values(pairs))
    if common.type is ChangeType.MODIFY:
        return attrs.evolve(common, changes=kept) if kept else None
    if common.type is ChangeType.DELETE:
        return attrs.evolve(common, old_dn=common.dn)
    # reqNewDN (2.5) is the *normalized* DN (lower case): build the DN from the request.
    return as_rename(
        common, view, kept,
        names=("reqNewRDN", "reqNewSuperior", "reqDeleteOldRDN"), log="accesslog",
    )  # fmt: skip


def _is_bookkeeping(
    view: LogView, mods: tuple[AttributeChange, ...], actors: Collection[str] | None
) -> bool:
    if not is_bind_bookkeeping(mods):
        return False
    if actors is None:
        return True
    actor = (view.text("reqAuthzID") or "").strip().lower()
    return actor in {a.strip().lower() for a in actors}


def _anchor(
    view: LogView,
    mods: Iterable[AttributeChange],
    kind: AnchorKind,
    dn: str,
    position: str,
) -> Anchor | None:
    if kind is AnchorKind.DN:
        return make_anchor(kind, dn, where=f"accesslog {position} reqDN")
    if kind is not AnchorKind.ENTRY_UUID:
        raise ChangeLogDecodeError(f"the accesslog names entries by entryUUID, not {kind.value}")
    value = view.text("reqEntryUUID")
    if value is None:
        # OpenLDAP 2.4 has no reqEntryUUID: an Add logs entryUUID, logold keeps it.
        logged = [m.values[0] for m in mods if m.attribute.lower() == "entryuuid" and m.values]
        old = [v for name, v in _old_pairs(view, position) if name.lower() == "entryuuid"]
        found = logged or old
        value = _text(found[0]) if found else None
    return make_anchor(kind, value, where=f"accesslog {position} reqEntryUUID")


def _old_values(view: LogView, position: str) -> dict[str, tuple[Value, ...]]:
    return group_values(
        (name, value) for name, value in _old_pairs(view, position) if not is_ignored(name)
    )


def _old_pairs(view: LogView, position: str) -> list[tuple[str, Value]]:
    pairs: list[tuple[str, Value]] = []
    for line in view.values("reqOld"):
        name, rest = _split_attribute(line, position, "reqOld")
        if _text(rest[:1]) not in ("", " "):
            raise ChangeLogDecodeError(f"accesslog {position}: malformed reqOld {line!r}")
        pairs.append((name, _value(rest[1:])))
    return pairs


def _parse_req_mod(line: Value, position: str) -> AttributeChange:
    """Parse one ``reqMod`` value: ``attr:<op>`` then, for a value, one space and it."""
    name, rest = _split_attribute(line, position, "reqMod")
    op = _OPS.get(_text(rest[:1]))
    tail = rest[1:]
    if op is None or _text(tail[:1]) not in ("", " "):
        raise ChangeLogDecodeError(f"accesslog {position}: malformed reqMod {line!r}")
    values: tuple[Value, ...] = (_value(tail[1:]),) if tail else ()
    if op is ModifyOp.INCREMENT and not values:
        raise ChangeLogDecodeError(f"accesslog {position}: increment without a value {line!r}")
    return AttributeChange(attribute=name, op=op, values=values)


def _split_attribute(line: Value, position: str, what: str) -> tuple[str, Value]:
    colon = line.find(b":" if isinstance(line, bytes) else ":")  # type: ignore[arg-type]
    if colon <= 0:
        raise ChangeLogDecodeError(f"accesslog {position}: malformed {what} {line!r}")
    return _text(line[:colon]).strip(), line[colon + 1 :]


def _value(raw: Value) -> Value:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _text(raw: Value) -> str:
    return raw if isinstance(raw, str) else raw.decode("utf-8", "replace")


def _req_start_time(view: LogView) -> datetime | None:
    # Only the seconds of reqStart are time; its fraction is a counter.
    start = view.text("reqStart")
    return parse_generalized_time(f"{start[:14]}Z") if start else None
