"""Find the values deleted members left in groups whose records a membership run lacks.

A group record given to a run is brought in line whole, deleted members included. A
group whose record is not given would keep the value of a member the users' export has
deleted since (on a server without refint): a DN that a new entry may take later, and
with it the old member's groups. So each run also looks up the members whose links were
marked deleted since the previous run (the link's ``updated`` after the run time kept in
the group type's store under :data:`SWEEP_WATERMARK_KEY`; every deleted link on the
first run) and searches the group type's bases for the groups holding their values,
``(|(member=DN1)(member=DN2)…)`` escaped, at most :data:`SWEEP_CHUNK` values per search.
Only groups linked in the group type's store are touched: the connector's own.

Renamed members are found the same way: the old DNs the export recorded for members
renamed since the previous run (:mod:`~ldapconnector.profiles.export._member_renames`)
are searched in the same filters, and a group holding one gets the new value (posixGroup:
the new uid) added and the old one deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime

import attrs

from ldapconnector.connection import LdapConnection
from ldapconnector.escaping import equality_filter
from ldapconnector.profiles.export._member_ids import uid_of
from ldapconnector.profiles.export._member_renames import renames_since
from ldapconnector.profiles.export._members import MemberSettings, value_key
from ldapconnector.schema import MemberValueKind
from ldapconnector.space import LinkState, LinkStore

__all__ = ["SWEEP_CHUNK", "SWEEP_WATERMARK_KEY", "DanglingValues", "dangling_values"]

SWEEP_WATERMARK_KEY = "memberships.deleted_members"
"""The group type's store key of the last run's start (ISO 8601, UTC)."""
SWEEP_CHUNK = 100
"""Member values per search filter."""


@attrs.frozen(kw_only=True)
class DanglingValues:
    """One group holding values of deleted members.

    Attributes:
        group_id: the group's source id (its link in the group type's store).
        dn: the group's DN.
        current: every value of the membership attribute the group holds.
        dangling: the values of deleted members among them, and renamed members' old
            values.
        replacements: the renamed members' new values, for the old ones in ``dangling``.
    """

    group_id: str
    dn: str
    current: tuple[str, ...]
    dangling: tuple[str, ...]
    replacements: tuple[str, ...] = ()


def _deleted_values(members: LinkStore, kind: MemberValueKind, since: datetime | None) -> list[str]:
    """The values of the members whose links were marked deleted after ``since``."""
    found = []
    for link in members.iter_links(LinkState.DELETED):
        if since is None or link.updated > since:
            value = link.dn if kind is MemberValueKind.DN else uid_of(link.dn)
            if value is not None:
                found.append(value)
    return found


def _renamed_values(
    members: LinkStore, kind: MemberValueKind, since: datetime | None
) -> list[tuple[str, str]]:
    """The old and new values of the members renamed after ``since``."""
    found = []
    for rename in renames_since(members, since):
        pair = (rename.old, rename.new)
        if kind is MemberValueKind.UID:
            pair = (uid_of(rename.old) or "", uid_of(rename.new) or "")
        old, new = pair
        if old and new and value_key(old, kind) != value_key(new, kind):
            found.append(pair)
    return found


def _groups_holding(
    connection: LdapConnection, bases: Sequence[str], attribute: str, values: Sequence[str]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    for start in range(0, len(values), SWEEP_CHUNK):
        chunk = values[start : start + SWEEP_CHUNK]
        search_filter = "(|" + "".join(equality_filter(attribute, v) for v in chunk) + ")"
        for base in bases:
            for entry in connection.search(base, search_filter, attributes=(attribute,)):
                yield entry.dn, entry.texts(attribute)


def dangling_values(
    connection: LdapConnection,
    *,
    settings: MemberSettings,
    groups: LinkStore,
    members: LinkStore,
    bases: Sequence[str],
    since: datetime | None,
    skip: Collection[str],
) -> list[DanglingValues]:
    """The connector's groups that hold values of members deleted after ``since``.

    Args:
        connection: the bound connection.
        settings: the group type's membership settings.
        groups: the group type's link store (which groups are the connector's).
        members: the members' link store (which members are deleted).
        bases: where the group type's entries live.
        since: the previous run's start; None looks at every deleted member.
        skip: group source ids this run has handled already.

    Raises:
        LdapConnectorError: a search failed.
    """
    kind = settings.value_kind
    values = _deleted_values(members, kind, since)
    wanted = {value_key(v, kind) for v in values}
    pairs = [
        (o, n) for o, n in _renamed_values(members, kind, since) if value_key(o, kind) not in wanted
    ]
    renamed = {value_key(old, kind): new for old, new in pairs}
    old_values = [old for old, _ in pairs]
    found: dict[str, DanglingValues] = {}
    searched = [*values, *old_values]
    for dn, current in _groups_holding(connection, bases, settings.attribute, searched):
        link = groups.get_by_dn(dn)
        if link is None or link.state is LinkState.DELETED or link.source_id in skip:
            continue
        keys = [value_key(v, kind) for v in current]
        dangling = tuple(
            v for v, k in zip(current, keys, strict=True) if k in wanted or k in renamed
        )
        if dangling:
            found[link.source_id] = DanglingValues(
                group_id=link.source_id, dn=dn, current=current, dangling=dangling,
                replacements=tuple(renamed[k] for k in keys if k in renamed),
            )  # fmt: skip
    return list(found.values())
