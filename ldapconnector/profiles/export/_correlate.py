"""Correlation and uniqueness checks: the export runner's read-only directory look-ups.

*Correlation* finds the entry an unlinked source record already has in the directory, so
the runner joins it instead of creating a duplicate: the matching attributes of the
:class:`~ldapconnector.mapping.DesiredEntry` are tried in precedence order, each as one
escaped RFC 4515 equality filter (``(&(objectClass=inetOrgPerson)(mail=b\\2asimon@...))``)
under every search base. The first precedence that finds anything decides: one entry is a
match, several make the record ambiguous (nothing is written for it).

Both correlation paths, the per-record search and the :class:`Snapshot`, give the same
answer by construction. A matching value the attribute's syntax cannot hold (a NUL, a
lone surrogate, a non-ASCII ``mail``: the schema's own value check) is :class:`Refused`
before anything is searched, so it is never searched for. And the server's candidates
are kept only when the snapshot's matcher accepts them too (the same
:func:`~ldapconnector.profiles.export._equality.value_key` comparison): a server-side
matching quirk, such as OpenLDAP's equality matching stopping at a NUL, can only narrow a
join, never widen it.

*Uniqueness* backs ``SelectUniqueValue``: a candidate is unique when no entry under the
search bases holds it in any attribute a ``SelectUniqueValue`` mapping fills (other than
the record's own entry), and no other record of the same run claimed it already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import attrs

from ldapconnector.anchors import Anchor
from ldapconnector.config import DN_TARGET
from ldapconnector.connection import LdapConnection
from ldapconnector.dn import dn_key
from ldapconnector.errors import InvalidDNSyntaxError, InvalidRequestError, NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.mapping import DesiredEntry, MappingSet
from ldapconnector.model import Entry, Value, shown_value
from ldapconnector.profiles.export._diff import current_values
from ldapconnector.profiles.export._equality import value_key
from ldapconnector.schema import Schema, check_value

__all__ = [
    "Ambiguous",
    "Refused",
    "Snapshot",
    "UniquenessCheck",
    "correlate",
    "refused_matching",
    "unique_value_targets",
]

# Two entries are enough to tell "one" from "several".
_ENOUGH = 2


@attrs.frozen(kw_only=True)
class Ambiguous:
    """Several entries match a record: it fails and nothing is written for it.

    Attributes:
        attribute: the matching attribute that found them.
        dns: the DNs of the entries found.
    """

    attribute: str
    dns: tuple[str, ...]

    def __str__(self) -> str:
        listed = "; ".join(self.dns)
        return (
            f"ambiguous: {len(self.dns)} entries match on {self.attribute} ({listed}); "
            "nothing was written for this record"
        )


@attrs.frozen(kw_only=True)
class Refused:
    """A matching value the attribute cannot hold: the record fails before any search.

    Attributes:
        attribute: the matching attribute.
        message: the value (escaped and cut, or ``[Redact]``) and why it is refused.
    """

    attribute: str
    message: str

    def __str__(self) -> str:
        return (
            f"matching attribute {self.attribute}: {self.message}; it was not searched for "
            "and nothing was written for this record"
        )


def refused_matching(schema: Schema, desired: DesiredEntry) -> Refused | None:
    """The first matching value that does not fit its attribute's syntax, or None.

    The same check as schema validation (:func:`~ldapconnector.schema.check_value`), run
    before a correlation searches, so a value that cannot be stored is never searched for.
    """
    for attribute, values in desired.matching:
        info = schema.attribute(attribute)
        if info is None:
            continue
        for value in values:
            reason = check_value(info.value_type, value, info.syntax)
            if reason is not None:
                shown = "[Redact]" if desired.is_redacted(attribute) else shown_value(value)
                return Refused(attribute=attribute, message=f"value {shown} {reason}")
    return None


def _accepts(schema: Schema, attribute: str, values: Sequence[Value], entry: Entry) -> bool:
    """Whether the snapshot's matcher would find ``entry`` by one of ``values`` too."""
    compare = value_key(schema, attribute)
    wanted = {compare(value) for value in values}
    held = current_values(entry.attributes, schema, attribute)
    return any(compare(value) in wanted for value in held)


def _filter(attribute: str, values: Sequence[Value], object_class: str | None) -> str:
    parts = "".join(equality_filter(attribute, value) for value in values)
    matches = parts if len(values) == 1 else f"(|{parts})"
    if object_class is None:
        return matches
    return f"(&{equality_filter('objectClass', object_class)}{matches})"


def _search_all(
    connection: LdapConnection,
    bases: Iterable[str],
    search_filter: str,
    attributes: Sequence[str],
    size_limit: int = _ENOUGH,
) -> list[Entry]:
    found: dict[str, Entry] = {}
    for base in bases:
        try:
            for entry in connection.search(
                base, search_filter, attributes=attributes, page_size=0, size_limit=size_limit
            ):
                found.setdefault(dn_key(entry.dn), entry)
        except NoSuchObjectError:
            continue
    return list(found.values())


def correlate(
    connection: LdapConnection,
    bases: Sequence[str],
    desired: DesiredEntry,
    *,
    schema: Schema,
    object_class: str | None,
    attributes: Sequence[str] = ("*",),
) -> Entry | Ambiguous | Refused | None:
    """Find the entry a record already has, by its matching attributes in precedence order.

    Args:
        connection: the bound connection.
        bases: the search bases (containers or partitions).
        desired: the mapped record; ``desired.matching`` lists the attributes to try.
        schema: the directory's schema (value checks and equality rules).
        object_class: the structural class entries must have, or None for any.
        attributes: the attributes to read from a match (the matching attribute is read
            too, to check the server's candidates).

    Returns:
        The one matching entry, :class:`Ambiguous` when several match, :class:`Refused`
        when a matching value cannot be held by its attribute, or None.
    """
    refused = refused_matching(schema, desired)
    if refused is not None:
        return refused
    for attribute, values in desired.matching:
        if not values:
            continue
        found = _candidates(connection, bases, schema, attribute, values, object_class, attributes)
        if len(found) == 1:
            return found[0]
        if found:
            return Ambiguous(attribute=attribute, dns=tuple(entry.dn for entry in found))
    return None


def _candidates(
    connection: LdapConnection,
    bases: Sequence[str],
    schema: Schema,
    attribute: str,
    values: Sequence[Value],
    object_class: str | None,
    attributes: Sequence[str],
) -> list[Entry]:
    """The server's matches that the snapshot's matcher accepts too.

    Two entries tell one from several; when the check dropped some of them, the search runs
    again without that limit, so a dropped candidate cannot hide a second real one.
    """
    search_filter = _filter(attribute, values, object_class)
    wanted = [*attributes, attribute] if "*" not in attributes else list(attributes)
    found = _search_all(connection, bases, search_filter, wanted)
    kept = [entry for entry in found if _accepts(schema, attribute, values, entry)]
    if len(found) >= _ENOUGH and len(kept) < _ENOUGH:
        found = _search_all(connection, bases, search_filter, wanted, size_limit=0)
        kept = [entry for entry in found if _accepts(schema, attribute, values, entry)]
    return kept


def unique_value_targets(mappings: MappingSet) -> tuple[str, ...]:
    """The targets of mappings whose expression calls ``SelectUniqueValue``."""
    return tuple(
        m.target
        for m in mappings.mappings
        if m.expression is not None and "selectuniquevalue" in m.expression.source.lower()
    )


@attrs.define
class UniquenessCheck:
    """The directory-backed ``is_unique`` callback of ``SelectUniqueValue``.

    Args:
        connection: returns the bound connection (it may be reopened during a run).
        bases: the search bases.
        targets: the attributes (and ``-dn-``) ``SelectUniqueValue`` mappings fill.
    """

    connection: Callable[[], LdapConnection]
    bases: tuple[str, ...]
    targets: tuple[str, ...]
    _claimed: dict[str, str] = attrs.field(factory=dict, init=False)

    def for_record(self, source_id: str, own_dn: str | None) -> Callable[[str], bool]:
        """The callback for one record whose entry (if any) is at ``own_dn``."""
        own = dn_key(own_dn) if own_dn else None

        def is_unique(candidate: str) -> bool:
            holder = self._claimed.get(candidate.casefold())
            if holder is not None and holder != source_id:
                return False
            if self._taken(candidate, own):
                return False
            self._claimed[candidate.casefold()] = source_id
            return True

        return is_unique

    def _taken(self, candidate: str, own: str | None) -> bool:
        attributes = [t for t in self.targets if t != DN_TARGET]
        if DN_TARGET in self.targets:
            try:
                held = self.connection().read_entry(candidate, ("1.1",))
            except (InvalidRequestError, InvalidDNSyntaxError):
                return True
            if held is not None and dn_key(candidate) != own:
                return True
        if not attributes:
            return False
        parts = "".join(equality_filter(name, candidate) for name in attributes)
        search_filter = parts if len(attributes) == 1 else f"(|{parts})"
        found = _search_all(self.connection(), self.bases, search_filter, ("1.1",))
        return any(dn_key(entry.dn) != own for entry in found)


@attrs.define
class Snapshot:
    """Every entry under the search bases, read in one paged search at the start of a run.

    Replaces one resolve and one correlation search per record with dictionary look-ups
    when a run exports many records. Values are indexed by the attribute's equality rule
    (:func:`~ldapconnector.profiles.export._equality.value_key`), so a look-up finds what the
    server's filter would. A record exported again after a lost connection bypasses it.

    Args:
        schema: the directory's schema (equality rules).
        matching: the matching attributes to index.
    """

    schema: Schema
    matching: tuple[str, ...]
    _entries: dict[str, Entry] = attrs.field(factory=dict, init=False)
    _anchors: dict[str, Anchor] = attrs.field(factory=dict, init=False)
    # Built on the first correlation (a run of unchanged users never needs it).
    _index: dict[tuple[str, object], dict[str, Entry]] | None = attrs.field(
        default=None, init=False
    )
    _compare: tuple[tuple[str, Callable[[Value], object]], ...] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        # One comparison key per matching attribute, not one look-up per entry.
        self._compare = tuple((name, value_key(self.schema, name)) for name in self.matching)

    def load(self, entries: Iterable[tuple[str, Entry]]) -> None:
        """Add ``(anchor key, entry)`` pairs."""
        for key, entry in entries:
            self.add(key, entry)

    def add(self, key: str, entry: Entry, anchor: Anchor | None = None) -> None:
        """Add (or replace) one entry under its anchor key (with the anchor, when made)."""
        self._entries[key] = entry
        if anchor is not None:
            self._anchors[key] = anchor
        else:
            self._anchors.pop(key, None)
        if self._index is not None:
            self._indexed(self._index, key, entry)

    def _indexed(
        self, index: dict[tuple[str, object], dict[str, Entry]], key: str, entry: Entry
    ) -> None:
        for attribute, compare in self._compare:
            for value in current_values(entry.attributes, self.schema, attribute):
                # Keyed by anchor: one entry once, however many of its values match.
                index.setdefault((attribute.lower(), compare(value)), {})[key] = entry

    def _matches(self) -> dict[tuple[str, object], dict[str, Entry]]:
        """The index of the matching attributes' values (made on the first call)."""
        if self._index is None:
            self._index = {}
            for key, entry in self._entries.items():
                self._indexed(self._index, key, entry)
        return self._index

    def get(self, key: str) -> Entry | None:
        """The entry with this anchor key, or None."""
        return self._entries.get(key)

    def anchor(self, key: str) -> Anchor | None:
        """The anchor of the entry with this key, when it was added with it."""
        return self._anchors.get(key)

    def correlate(
        self, desired: DesiredEntry, *, object_class: str | None
    ) -> Entry | Ambiguous | Refused | None:
        """Like :func:`correlate`, from the snapshot (refusing the same values)."""
        refused = refused_matching(self.schema, desired)
        if refused is not None:
            return refused
        index = self._matches()
        for attribute, values in desired.matching:
            compare = value_key(self.schema, attribute)
            found: dict[str, Entry] = {}
            for value in values:
                found.update(index.get((attribute.lower(), compare(value)), {}))
            if object_class is not None:
                wanted = object_class.lower()
                found = {
                    k: e
                    for k, e in found.items()
                    if wanted in {c.lower() for c in e.texts("objectClass")}
                }
            if len(found) == 1:
                return next(iter(found.values()))
            if found:
                return Ambiguous(attribute=attribute, dns=tuple(e.dn for e in found.values()))
        return None
