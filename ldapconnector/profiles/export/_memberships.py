"""The membership runner: resolve members through the link store, then add/delete values.

For each group record it looks the group up in the group type's link store (the group
entry is exported first, by the ordinary export), resolves the record's member source ids
through the *members'* link store to their current DNs (or uids), reads the values the
group holds now (all of them: AD's ranged retrieval, ``member;range=0-1499``, is
followed to its last range), and sends :func:`plan_membership`'s chunked adds and
deletes. A member whose source id has no link yet is *pending*: it is reported and
recorded in the group type's link store (``put_pending_members``), not dropped, and
every later run resolves the pending members it can, also of groups whose records it was
not given, and adds them. A member whose link is deleted is no member any more. Because
the members' DNs come from their links, a renamed member's value follows the rename on
the next run (our own rewrite, for servers without refint; where refint already rewrote
the value, nothing is sent); in groups whose records the run lacks, the sweep rewrites
the old DNs the export recorded at the rename. Each group is one result; one group's
failure stops neither the others nor hides what was applied: the result counts the
values applied before the refused request and names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

import attrs

from ldapconnector.connection import LdapConnection, read_ranged_values
from ldapconnector.dn import parse_dn
from ldapconnector.errors import LdapConnectorError
from ldapconnector.model import GroupMember, ModifyOp, Value
from ldapconnector.profiles.export._member_ids import MemberResolver
from ldapconnector.profiles.export._member_sweep import SWEEP_WATERMARK_KEY, dangling_values
from ldapconnector.profiles.export._members import MemberSettings, plan_membership, value_key
from ldapconnector.profiles.export._operations import ModifyOperation
from ldapconnector.schema import MemberValueKind
from ldapconnector.space import LinkState, LinkStore, Watermark, links_by_source

__all__ = ["GroupMembershipResult", "MembershipReport", "MembershipRequest", "run_memberships"]


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(values)


@attrs.frozen(kw_only=True)
class MembershipRequest:
    """Everything a membership run needs.

    Attributes:
        settings: the group type's membership settings.
        groups: the group type's link store (where the group entries' links are).
        members: the link store of the object type the members belong to.
        connection: returns the bound connection.
        bases: where the group type's entries live: each run also removes the values of
            members deleted since the previous run from the groups whose records it is
            not given (``_member_sweep.py``); empty: no such search.
        read_window: how a group's values are read: None (the default) asks for the
            attribute and follows the ranges the server starts (AD answers a group of
            more than ``MaxValRange``, 1,500, values with ``member;range=0-1499``); a
            number asks ranges of that many values (``member;range=0-999``, ...), for
            servers that implement ranged retrieval only (AD, Samba).
    """

    settings: MemberSettings
    groups: LinkStore
    members: LinkStore
    connection: Callable[[], LdapConnection]
    bases: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    read_window: int | None = None


@attrs.frozen(kw_only=True)
class GroupMembershipResult:
    """What happened to one group's members.

    Attributes:
        source_id: the group record's ``id``.
        dn: the group entry's DN, or None when the group has no entry yet.
        added: member values added (in a plan: that would be added).
        removed: member values deleted (in a plan: that would be deleted).
        pending: member source ids with no entry yet; resolved by a later run.
        operations: the modify requests planned (all of them, in a plan) or sent.
        error: why the group's members could not be (fully) brought in line, or None.
        added_members: the members of ``added`` with their source ids (the placeholder
            aside; a value no link of the members' store names has none).
        removed_members: the members of ``removed``, likewise.
    """

    source_id: str
    dn: str | None
    added: int = 0
    removed: int = 0
    pending: tuple[str, ...] = ()
    operations: tuple[ModifyOperation, ...] = ()
    error: str | None = None
    added_members: tuple[GroupMember, ...] = ()
    removed_members: tuple[GroupMember, ...] = ()


@attrs.frozen(kw_only=True)
class MembershipReport:
    """The results of one membership run (or plan), one per group record.

    Attributes:
        results: one result per group record, in input order.
        plan_only: nothing was written; ``operations`` are what would be sent.
    """

    results: tuple[GroupMembershipResult, ...]
    plan_only: bool = False

    @property
    def failed(self) -> tuple[GroupMembershipResult, ...]:
        """The results with an error."""
        return tuple(r for r in self.results if r.error is not None)

    @property
    def operation_count(self) -> int:
        """How many modify requests were sent (or, in a plan, would be)."""
        return sum(len(r.operations) for r in self.results)

    def ldif(self) -> str:
        """The modify requests as LDIF change records (RFC 2849)."""
        return "".join(op.to_ldif() for r in self.results for op in r.operations)


def run_memberships(
    request: MembershipRequest, records: Iterable[Mapping[str, object]], *, plan_only: bool = False
) -> MembershipReport:
    """Bring each group's members in line with its record (see the module docstring).

    Records flagged ``@deleted`` or ``isSoftDeleted`` are skipped: their groups go
    through the deprovisioning flows of the ordinary export. A record without the
    membership ``source`` key leaves its group's members as they are (``[]`` empties it).
    Groups with pending members recorded by an earlier run and no record in this one
    follow, one result each; then the other groups that hold values of members deleted
    since the previous run (with ``request.bases``), one result each.
    """
    results = []
    seen: set[str] = set()
    for record in records:
        seen.add(str(record.get("id", "")))
        if record.get("@deleted") is True or record.get("isSoftDeleted") is True:
            continue
        result = _one_group(request, record, plan_only)
        if not plan_only and result.dn is not None and result.error is None:
            request.groups.put_pending_members(result.source_id, result.pending)
        results.append(result)
    for group_id in list(request.groups.iter_pending_groups()):
        if group_id not in seen:
            seen.add(group_id)
            results.append(_pending_group(request, group_id, plan_only))
    if request.bases:
        results.extend(_sweep(request, seen, plan_only))
    resolver = MemberResolver(settings=request.settings, store=request.members)
    named = tuple(_named(result, resolver) for result in results)
    return MembershipReport(results=named, plan_only=plan_only)


def _named(result: GroupMembershipResult, resolver: MemberResolver) -> GroupMembershipResult:
    """The result with the members its requests add and delete, by source id."""
    if not result.operations:
        return result

    def values(op: ModifyOp) -> list[Value]:
        return [v for o in result.operations for c in o.changes if c.op is op for v in c.values]

    return attrs.evolve(
        result,
        added_members=resolver.members(values(ModifyOp.ADD)),
        removed_members=resolver.members(values(ModifyOp.DELETE)),
    )


def _sweep(
    request: MembershipRequest, handled: set[str], plan_only: bool
) -> list[GroupMembershipResult]:
    """Delete the values deleted members left, and rewrite renamed members' old values,
    in groups not handled by this run."""
    started = datetime.now(UTC)
    mark = request.groups.get_watermark(SWEEP_WATERMARK_KEY)
    try:
        found = dangling_values(
            request.connection(), settings=request.settings, groups=request.groups,
            members=request.members, bases=request.bases, skip=handled,
            since=datetime.fromisoformat(mark.value) if mark is not None else None,
        )  # fmt: skip
    except LdapConnectorError as exc:
        where = ", ".join(request.bases)
        error = f"groups holding deleted members under {where}: {exc}"
        return [GroupMembershipResult(source_id="", dn=None, error=error)]
    results = []
    for group in found:
        gone = set(group.dangling)
        kept = [v for v in group.current if v not in gone and v != request.settings.placeholder]
        desired = [*kept, *group.replacements]
        operations = plan_membership(group.dn, request.settings, group.current, desired)
        if plan_only:
            results.append(_result(group.group_id, group.dn, (), operations, None))
        else:
            results.append(_send(request, group.group_id, group.dn, (), operations))
    if not plan_only and all(r.error is None for r in results):
        request.groups.set_watermark(
            Watermark(profile=SWEEP_WATERMARK_KEY, value=started.isoformat())
        )
    return results


def _pending_group(
    request: MembershipRequest, group_id: str, plan_only: bool
) -> GroupMembershipResult:
    """Add the pending members of a group that now have links; keep the others pending."""
    link = request.groups.get_by_source(group_id)
    if link is None or link.state is LinkState.DELETED:
        if not plan_only:
            request.groups.put_pending_members(group_id, ())  # the group itself is gone
        return GroupMembershipResult(source_id=group_id, dn=None)
    try:
        resolved, pending = _resolve(request, request.groups.pending_members(group_id))
        current = _current(request, link.dn) or ()
        # The placeholder is no member: it leaves with the first real one (plan_membership
        # brings it back when nothing else is left).
        kept = [v for v in current if not _is_placeholder(request.settings, v)]
        operations = plan_membership(link.dn, request.settings, current, (*kept, *resolved))
    except LdapConnectorError as exc:
        error = f"group {group_id!r} ({link.dn}): {exc}"
        return GroupMembershipResult(source_id=group_id, dn=link.dn, error=error)
    if plan_only:
        return _result(group_id, link.dn, pending, operations, None)
    result = _send(request, group_id, link.dn, pending, operations)
    if result.error is None:
        request.groups.put_pending_members(group_id, pending)
    return result


def _is_placeholder(settings: MemberSettings, value: str) -> bool:
    placeholder = settings.placeholder
    kind = settings.value_kind
    return placeholder is not None and value_key(value, kind) == value_key(placeholder, kind)


def _one_group(
    request: MembershipRequest, record: Mapping[str, object], plan_only: bool
) -> GroupMembershipResult:
    source_id = str(record.get("id", ""))
    settings = request.settings
    if settings.source not in record:  # not given: the members stay as they are
        link = request.groups.get_by_source(source_id)
        return GroupMembershipResult(source_id=source_id, dn=link.dn if link else None)
    ids = record[settings.source]
    if not isinstance(ids, list | tuple) or not all(isinstance(i, str) for i in ids):
        error = f"group {source_id!r}: {settings.source!r} must be a list of source ids (strings)"
        return GroupMembershipResult(source_id=source_id, dn=None, error=error)
    link = request.groups.get_by_source(source_id)
    if link is None or link.state is LinkState.DELETED:
        error = f"group {source_id!r} has no entry in the directory yet: export it first"
        return GroupMembershipResult(source_id=source_id, dn=None, error=error)
    try:
        desired, pending = _resolve(request, ids)
        current = _current(request, link.dn)
        if current is None:
            error = f"group {source_id!r}: its entry {link.dn!r} is not in the directory"
            return GroupMembershipResult(source_id=source_id, dn=link.dn, error=error)
        operations = plan_membership(link.dn, settings, current, desired)
    except LdapConnectorError as exc:
        error = f"group {source_id!r} ({link.dn}): {exc}"
        return GroupMembershipResult(source_id=source_id, dn=link.dn, error=error)
    if plan_only:
        return _result(source_id, link.dn, pending, operations, None)
    return _send(request, source_id, link.dn, pending, operations)


def _current(request: MembershipRequest, dn: str) -> tuple[str, ...] | None:
    """The values the group holds now (all of them: AD's ranges are followed), or None."""
    attribute, window = request.settings.attribute, request.read_window
    values = read_ranged_values(request.connection(), dn, attribute, window=window)
    if values is None:
        return None
    return tuple(v if isinstance(v, str) else v.decode("utf-8", "replace") for v in values)


def _resolve(request: MembershipRequest, ids: Sequence[str]) -> tuple[list[str], tuple[str, ...]]:
    """The members' current values, and the source ids not provisioned yet."""
    desired: list[str] = []
    pending: list[str] = []
    unique = list(dict.fromkeys(ids))  # a member listed twice is one member
    links = links_by_source(request.members, unique)  # a few queries, not one per member
    for member_id in unique:
        link = links.get(member_id)
        if link is None:
            pending.append(member_id)
        elif link.state is not LinkState.DELETED:
            desired.append(_value(request, link.dn))
    return desired, tuple(pending)


def _value(request: MembershipRequest, dn: str) -> str:
    """A member's value: its DN, or its uid (from a ``uid=`` RDN, else read from the entry)."""
    if request.settings.value_kind is MemberValueKind.DN:
        return dn
    for name, value in parse_dn(dn)[0].pairs:
        if name.lower() == "uid":
            return value
    entry = request.connection().read_entry(dn, ("uid",))
    uid = entry.texts("uid") if entry is not None else ()
    if not uid:
        raise LdapConnectorError(f"member {dn!r} has no uid for {request.settings.attribute}")
    return uid[0]


def _send(
    request: MembershipRequest,
    source_id: str,
    dn: str,
    pending: tuple[str, ...],
    operations: Sequence[ModifyOperation],
) -> GroupMembershipResult:
    sent: list[ModifyOperation] = []
    for operation in operations:
        try:
            request.connection().modify(operation.dn, operation.changes)
        except LdapConnectorError as exc:
            change, count = operation.changes[0], len(operation.changes[0].values)
            values = "value" if count == 1 else "values"
            error = (
                f"group {source_id!r} ({dn}): {change.op.value} of {count} {change.attribute} "
                f"{values} refused after {len(sent)} of {len(operations)} requests: {exc}"
            )
            return _result(source_id, dn, pending, sent, error)
        sent.append(operation)
    return _result(source_id, dn, pending, sent, None)


def _result(
    source_id: str,
    dn: str,
    pending: tuple[str, ...],
    operations: Sequence[ModifyOperation],
    error: str | None,
) -> GroupMembershipResult:
    def count(op: ModifyOp) -> int:
        return sum(len(c.values) for o in operations for c in o.changes if c.op is op)

    return GroupMembershipResult(
        source_id=source_id, dn=dn, added=count(ModifyOp.ADD), removed=count(ModifyOp.DELETE),
        pending=pending, operations=tuple(operations), error=error,
    )  # fmt: skip
