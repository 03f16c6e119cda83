"""Re-reads for the writes slapd's memberof and refint overlays make without logging them.

slapo-memberof(5) keeps ``memberOf`` on member entries and slapo-refint(5) (and memberof
with ``olcMemberOfRefInt TRUE``) rewrites ``member``/``uniqueMember`` values when an entry
is renamed or deleted. Both write with internal operations that slapo-accesslog(5) does
not record, and that do not even move the rewritten entry's ``entryCSN`` or
``modifyTimestamp`` (measured on 2.5). A logged change therefore *implies* unlogged ones:

* a group's add, delete, rename, or a modify of ``member``/``uniqueMember`` implies that
  ``memberOf`` changed on the members concerned: the values added or deleted, every logged
  value of an added group, the ``reqOld`` values of a deleted group or of a replaced (or
  wholly deleted) attribute (``logold``), the current members of a renamed group;
* an entry's rename implies that the groups referencing it now hold its new DN: they are
  found with one search per batch, ``(|(member=NEW)(uniqueMember=NEW)…)`` under the bases;
* an entry's delete implies that the groups referencing it lost it: they are the
  ``memberOf`` values the delete's ``reqOld`` kept (memberof and ``logold`` needed; with
  refint alone the groups cannot be found at a cost that grows with the changes).

Each implied entry is re-read once per batch (one base search each) and reported as a
``modify`` that *replaces* ``memberOf`` (members) or ``member``/``uniqueMember`` (groups)
with the current values, after the batch's logged records, in the same batch: the
watermark does not pass the implying change before the implied records were delivered.
The records carry the implying change's position, time and actor (so ``ignore_actors``
drops the consequences of the connector's own writes too). Entries gone since are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from ldapconnector.anchors import Anchor, AnchorKind, anchor_of_entry, strategy_for
from ldapconnector.connection import LdapConnection
from ldapconnector.dn import dn_key, is_within
from ldapconnector.errors import ConfigurationError, NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import Entry, ModifyOp, Value
from ldapconnector.profiles.delta._changes import AttributeChange, ChangeRecord, ChangeType, as_text

__all__ = [
    "DEFAULT_IMPLIED_OVERLAYS",
    "GROUP_ATTRIBUTES",
    "IMPLIED_OVERLAYS",
    "ImpliedReads",
    "ImpliedTargets",
    "implied_targets",
]

MEMBEROF = "memberof"
REFINT = "refint"
IMPLIED_OVERLAYS: frozenset[str] = frozenset({MEMBEROF, REFINT})
"""The overlays whose unlogged writes the accesslog reader can re-read."""
DEFAULT_IMPLIED_OVERLAYS: frozenset[str] = IMPLIED_OVERLAYS
"""On by default: the cost grows with the changes, and nothing is read without them."""
GROUP_ATTRIBUTES: tuple[str, ...] = ("member", "uniqueMember")
"""The DN-valued membership attributes memberof and refint maintain."""
MEMBER_OF = "memberOf"
_GROUP_KEYS = frozenset(name.lower() for name in GROUP_ATTRIBUTES)


def checked_overlays(names: Iterable[str]) -> frozenset[str]:
    """Return ``names`` lower-cased; refuse a name that is not memberof or refint.

    Raises:
        ConfigurationError: an unknown overlay name.
    """
    found = frozenset(name.strip().lower() for name in names)
    unknown = sorted(found - IMPLIED_OVERLAYS)
    if unknown:
        raise ConfigurationError(
            [f"implied_overlays: {', '.join(unknown)} unknown (known: memberof, refint)"]
        )
    return found


@attrs.frozen(kw_only=True)
class ImpliedTargets:
    """What one logged change implies (see the module docstring).

    Attributes:
        members: DNs whose ``memberOf`` memberof rewrote.
        groups: DNs of groups whose membership values were rewritten (a delete's ``memberOf``).
        renamed: new DNs of renamed entries: the groups referencing them, and their own
            members when they are groups, are re-read.
    """

    members: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    renamed: tuple[str, ...] = ()


def _values(mapping: Mapping[str, tuple[Value, ...]], names: frozenset[str]) -> tuple[str, ...]:
    return tuple(
        as_text(v) for name, values in mapping.items() if name.lower() in names for v in values
    )


def _modified_members(record: ChangeRecord) -> tuple[str, ...]:
    found: list[str] = []
    touched: set[str] = set()
    for change in record.changes:
        key = change.attribute.split(";", 1)[0].lower()
        if key not in _GROUP_KEYS:
            continue
        found.extend(as_text(value) for value in change.values)
        if change.op is ModifyOp.REPLACE or not change.values:
            touched.add(key)  # old values come from reqOld (logold)
    return (*found, *_values(record.old_attributes, frozenset(touched)))


def implied_targets(record: ChangeRecord, overlays: frozenset[str]) -> ImpliedTargets:
    """The entries whose unlogged overlay writes ``record`` implies (pure: reads nothing).

    Args:
        record: a decoded accesslog change.
        overlays: the overlays the server runs (``memberof``, ``refint``).
    """
    memberof = MEMBEROF in overlays
    if not overlays:
        return ImpliedTargets()
    if record.type is ChangeType.RENAME:
        return ImpliedTargets(renamed=(record.dn,))
    if not memberof:
        return ImpliedTargets()
    if record.type is ChangeType.ADD:
        return ImpliedTargets(members=_values(record.attributes, _GROUP_KEYS))
    if record.type is ChangeType.MODIFY:
        return ImpliedTargets(members=_modified_members(record))
    return ImpliedTargets(  # a delete: its members and the groups it was a member of
        members=_values(record.old_attributes, _GROUP_KEYS),
        groups=_values(record.old_attributes, frozenset({MEMBER_OF.lower()})),
    )


def _keys(dns: Iterable[str]) -> tuple[str, ...]:
    return tuple(dn_key(dn) for dn in dns)


def _under(dn: str, bases: tuple[str, ...]) -> bool:
    return not bases or any(is_within(dn, base) for base in bases)


_Causes = dict[str, tuple[str, ChangeRecord]]
"""Normalized DN -> (DN, the first change implying it), in the order first implied."""


@attrs.frozen(kw_only=True)
class ImpliedReads:
    """Re-reads the entries a batch's logged changes imply (see the module docstring).

    Attributes:
        overlays: the overlays the server runs; empty turns re-reading off.
        anchor_kind: the anchor the records carry (``entryUUID`` or ``dn``).
        bases: where reported entries live; members outside are not read, referencing groups
            are searched here (the Root DSE's ``namingContexts`` when empty).
    """

    overlays: frozenset[str] = attrs.field(
        default=DEFAULT_IMPLIED_OVERLAYS, converter=checked_overlays
    )
    anchor_kind: AnchorKind = AnchorKind.ENTRY_UUID
    bases: tuple[str, ...] = attrs.field(default=(), converter=_keys)

    def records(
        self, connection: LdapConnection, records: Sequence[ChangeRecord]
    ) -> tuple[ChangeRecord, ...]:
        """The ``modify`` records of the entries ``records`` imply, read now."""
        members: _Causes = {}
        groups: _Causes = {}
        renamed: _Causes = {}
        for record in records:
            targets = implied_targets(record, self.overlays)
            self._note(members, targets.members, record)
            self._note(groups, targets.groups, record)
            self._note(renamed, targets.renamed, record, everywhere=True)
        found: list[ChangeRecord] = []
        if renamed:
            self._renamed(connection, renamed, members, found)
        for dn, cause in groups.values():
            found.extend(self._reread(connection, dn, GROUP_ATTRIBUTES, cause))
        for dn, cause in members.values():
            found.extend(self._reread(connection, dn, (MEMBER_OF,), cause))
        return tuple(found)

    def _note(
        self, into: _Causes, dns: Iterable[str], cause: ChangeRecord, *, everywhere: bool = False
    ) -> None:
        for value in dns:
            dn = _without_uid(value)
            if dn and (everywhere or _under(dn, self.bases)):
                into.setdefault(dn_key(dn), (dn, cause))

    def _renamed(
        self,
        connection: LdapConnection,
        renamed: _Causes,
        members: _Causes,
        found: list[ChangeRecord],
    ) -> None:
        """Groups now naming a renamed entry; the members of renamed groups (memberof)."""
        terms = "".join(
            equality_filter(name, dn)
            for dn, _cause in renamed.values()
            for name in GROUP_ATTRIBUTES
        )
        for group in self._search(connection, f"(|{terms})"):
            found.append(self._record(group, _group_changes(group), _cause_of(group, renamed)))
        if MEMBEROF not in self.overlays:
            return
        # Which renamed entries are groups: one search for all of them (OpenLDAP's entryDN).
        wanted = "".join(equality_filter("entryDN", dn) for dn, _cause in renamed.values())
        for entry in self._search(connection, f"(|{wanted})"):
            _dn, cause = renamed.get(dn_key(entry.dn), (entry.dn, None))
            values = _group_values(entry)
            if cause is not None and values:
                self._note(members, (as_text(v) for v in values), cause)

    def _search(self, connection: LdapConnection, search_filter: str) -> list[Entry]:
        bases = self.bases or tuple(
            connection.read_root_dse(("namingContexts",)).texts("namingContexts")
        )
        wanted = (*GROUP_ATTRIBUTES, "entryUUID")
        seen: dict[str, Entry] = {}
        for base in bases:
            try:
                for entry in connection.search(base, search_filter, attributes=wanted):
                    seen.setdefault(dn_key(entry.dn), entry)
            except NoSuchObjectError:
                continue
        return list(seen.values())

    def _reread(
        self, connection: LdapConnection, dn: str, names: tuple[str, ...], cause: ChangeRecord
    ) -> list[ChangeRecord]:
        entry = connection.read_entry(dn, (*names, "entryUUID"))
        if entry is None:
            return []  # gone since (deleted later in the log): its delete is reported
        if names == GROUP_ATTRIBUTES:
            return [self._record(entry, _group_changes(entry), cause)]
        change = AttributeChange(
            attribute=MEMBER_OF, op=ModifyOp.REPLACE, values=entry.get(MEMBER_OF)
        )
        return [self._record(entry, (change,), cause)]

    def _record(
        self, entry: Entry, changes: tuple[AttributeChange, ...], cause: ChangeRecord
    ) -> ChangeRecord:
        return ChangeRecord(
            type=ChangeType.MODIFY,
            dn=entry.dn,
            anchor=self._anchor(entry),
            changes=changes,
            position=cause.position,
            source=cause.source,
            time=cause.time,
            actor=cause.actor,
        )

    def _anchor(self, entry: Entry) -> Anchor | None:
        return anchor_of_entry(entry, strategy_for(self.anchor_kind))


def _without_uid(value: str) -> str:
    """A ``uniqueMember`` value's DN without its optional ``#'0101'B`` UID (RFC 4517)."""
    if value.endswith("'B") and "#'" in value:
        return value.rsplit("#'", 1)[0]
    return value


def _cause_of(group: Entry, renamed: _Causes) -> ChangeRecord:
    """The rename that made ``group`` match: the first of its values that was renamed."""
    for value in _group_values(group):
        hit = renamed.get(dn_key(_without_uid(as_text(value))))
        if hit is not None:
            return hit[1]
    return next(iter(renamed.values()))[1]


def _group_values(entry: Entry) -> tuple[Value, ...]:
    return tuple(v for name in GROUP_ATTRIBUTES for v in entry.get(name))


def _group_changes(entry: Entry) -> tuple[AttributeChange, ...]:
    """REPLACE of each membership attribute the group holds (``member`` when it holds none)."""
    held = [name for name in GROUP_ATTRIBUTES if entry.get(name)] or [GROUP_ATTRIBUTES[0]]
    return tuple(
        AttributeChange(attribute=name, op=ModifyOp.REPLACE, values=entry.get(name))
        for name in held
    )
