"""``GroupStorage``: the ``/Groups`` half of the bridge's storage, backed by the group type.

Lookups by filter (``displayName eq``, ``members.value eq``) walk the groups' connector
space; ``GET /Groups/{id}`` (and so every PATCH, which scim2-server applies to what
``get`` returns) reads the group live, so members written by others since the last sync
are not lost. Writes are the group type's export (create, modify, rename, delete), then
its membership run (``Connector.export_members``): the new state's ``members[].value``
-- SCIM user ids -- become the users' source ids, and the run sends ``add``/``delete`` of
the differing member values only, in chunks, never a replace of the attribute. A member
id naming no provisioned user is kept *pending* (in the group type's link store) and
added once a user with that source id is linked.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from typing import Any, Union

from scim2_models import (
    InvalidValueException,
    Meta,
    NotFoundException,
    Resource,
    SCIMException,
    ScimFilter,
    UniquenessException,
)
from scim2_server.utils import parametrize

from ldapconnector.anchors import Anchor
from ldapconnector.profiles import GroupMembershipResult
from ldapconnector.schema import MemberValueKind
from ldapconnector.scim._cache import UserCache
from ldapconnector.scim._convert import CachedUser, anchor_for_id, scim_id
from ldapconnector.scim._group_view import GroupView, group_document, group_record, member_values
from ldapconnector.scim._results import note, outcome, unavailable
from ldapconnector.scim._worker import ConnectorWorker
from ldapconnector.space import Link, LinkState

__all__ = ["GroupStorage"]

log = logging.getLogger("ldapconnector.scim")


class GroupStorage:
    """The groups of one connector, as scim2-server sees them (see the module docstring).

    Args:
        worker: the group type's worker (on the users' worker's thread).
        users: the users' worker.
        view: how the group type shows over SCIM.
        model: the Group resource model of the provider.
        cache: the groups' connector space.
        user_cache: the users' connector space (members' DNs -> SCIM ids).
    """

    def __init__(
        self, worker: ConnectorWorker, users: ConnectorWorker, view: GroupView,
        model: type[Resource[Any]], cache: UserCache, user_cache: UserCache,
    ) -> None:  # fmt: skip
        self.worker, self.users, self.view, self.model = worker, users, view, model
        self.cache, self.user_cache = cache, user_cache

    def _ready(self) -> None:
        if not (self.cache.ready and self.user_cache.ready):
            raise unavailable()

    # -- conversions -------------------------------------------------------------------

    def _member_ids(self, group: CachedUser) -> list[str]:
        """The SCIM ids of the users the group's membership attribute names."""
        values = group.texts(self.view.members.attribute)
        placeholder = (self.view.members.placeholder or "").casefold()
        if self.view.members.value_kind is MemberValueKind.UID:
            by_uid = {uid: user for user, _ in self.user_cache.all() for uid in user.texts("uid")}
            users = [by_uid.get(value) for value in values]
            return [scim_id(u.anchor) for u in users if u is not None]
        ids = []
        for value in values:
            if value.casefold() == placeholder:
                continue
            user = self.user_cache.by_dn(value)
            anchor = user.anchor if user is not None else self._linked_anchor(value)
            if anchor is not None:
                ids.append(scim_id(anchor))
        return ids

    def _linked_anchor(self, dn: str) -> Anchor | None:
        """A member DN the users' space does not hold yet: the users' link of that DN."""

        def job() -> Anchor | None:
            link = self.users.connector.store.get_by_dn(dn)
            return link.anchor if link is not None and link.state is not LinkState.DELETED else None

        return self.worker.call(job)

    def resource(self, group: CachedUser, pending: Sequence[str] = ()) -> Resource[Any]:
        """The validated SCIM Group of a group entry, with its ``meta``."""
        document = group_document(group, self.view, self._member_ids(group), tuple(pending))
        resource = self.model.model_validate(document)
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
        now = datetime.datetime.now(datetime.UTC)
        resource.meta = Meta(
            resource_type="Group", created=now, last_modified=now, version=f'W/"{digest}"'
        )
        return resource

    def _pending(self, anchor: Anchor) -> tuple[str, ...]:
        def job() -> tuple[str, ...]:
            store = self.worker.connector.store
            link = store.get_by_anchor(anchor)
            return store.pending_members(link.source_id) if link is not None else ()

        return self.worker.call(job)

    def remember(self, group: CachedUser) -> Resource[Any]:
        """Write a group through to the cache; return its resource."""
        resource = self.resource(group, self._pending(group.anchor))
        self.cache.put(group, resource)
        return resource

    def load(self, groups: list[CachedUser]) -> int:
        """Fill the cache from a full import (after the users' one: members need their ids)."""
        pending = self.worker.call(self._all_pending)
        kept = []
        for group in groups:
            try:
                kept.append((group, self.resource(group, pending.get(group.anchor.key, ()))))
            except ValueError as error:
                log.warning("%s: not served over SCIM: %s", group.dn, error)
        self.cache.replace_all(kept)
        return len(kept)

    def _all_pending(self) -> dict[str, tuple[str, ...]]:
        store = self.worker.connector.store
        found = {}
        for group_id in list(store.iter_pending_groups()):
            link = store.get_by_source(group_id)
            if link is not None:
                found[link.anchor.key] = store.pending_members(group_id)
        return found

    # -- lookups -----------------------------------------------------------------------

    def _find(self, resource_id: str | None) -> CachedUser:
        """The group of an id, read live (a PATCH is applied to what this returns)."""
        anchor = anchor_for_id(self.worker.request.strategy.kind, resource_id or "")
        group = self.worker.read(anchor) if anchor is not None else None
        if group is None:
            if anchor is not None:
                self.cache.remove(anchor)
            raise NotFoundException(detail=f"Group {resource_id!r} not found")
        note(anchor=group.anchor.value, dn=group.dn)
        return group

    def get(self, resource_id: str) -> Resource[Any]:
        """The group of that id, read live (its members as they are now)."""
        self._ready()
        return self.remember(self._find(resource_id)).model_copy(deep=True)

    def matching(self, scim_filter: ScimFilter[Any] | None) -> list[Resource[Any]]:
        """The groups a filter matches in the groups' connector space (by anchor).

        Raises:
            ServiceUnavailableException: the first import of the groups still runs.
        """
        self._ready()
        resources = [resource for _, resource in self.cache.all()]
        if scim_filter is not None and scim_filter.models != (self.model,):
            try:
                scim_filter = parametrize(ScimFilter, Union[self.model])(str(scim_filter))  # noqa: UP007
            except (ValueError, SCIMException):
                if scim_filter.models:
                    return []  # a search of the root by a User attribute: no group has it
                raise
        return [r for r in resources if scim_filter is None or scim_filter.match(r)]

    # -- writes ------------------------------------------------------------------------

    def _taken(self, name: Any, own: Anchor | None = None) -> None:
        """409 when another group provisioned through the bridge has that displayName."""
        if not isinstance(name, str) or not name:
            return
        folded = name.casefold()
        for group, _ in self.cache.all():
            if own is not None and group.anchor.key == own.key:
                continue
            same = any(t.casefold() == folded for t in group.texts(self.view.display_name))
            if same and self.worker.source_id(group.anchor) is not None:
                raise UniquenessException(
                    detail=f"displayName {name!r} is taken by Group {scim_id(group.anchor)}"
                )

    def _member_sources(self, values: list[str]) -> list[str]:
        """SCIM user ids -> the users' source ids (see :meth:`_member_source`)."""
        return self.worker.call(lambda: [self._member_source(value) for value in values])

    def _member_source(self, value: str) -> str:
        """One member's source id in the users' link store (on the worker thread).

        A SCIM user id is the user's anchor: its link's source id; a user in the
        directory without a link is linked (``scim:<anchor>``, as a PATCH of it would);
        a value that is a source id is itself; anything else stays as given, pending.
        """
        store = self.users.connector.store
        anchor = anchor_for_id(self.users.request.strategy.kind, value)
        link = store.get_by_anchor(anchor) if anchor is not None else None
        if link is not None:
            return link.source_id
        if store.get_by_source(value) is not None or anchor is None:
            return value
        hit = self.user_cache.get(anchor)
        user = hit[0] if hit is not None else self.users.read(anchor)
        if user is None:
            return value
        source_id = f"scim:{anchor.value}"
        state = LinkState.DISABLED if user.disabled else LinkState.ACTIVE
        with store.batch():
            store.put(Link(source_id=source_id, anchor=anchor, dn=user.dn, state=state))
        return source_id

    def _members(self, record: dict[str, Any]) -> GroupMembershipResult:
        """The membership run of one group record; its SCIM error when it failed."""

        def job() -> GroupMembershipResult:
            report = self.worker.connector.export_members([record])
            return next(r for r in report.results if r.source_id == record["id"])

        result = self.worker.call(job)
        if result.error is not None:
            raise InvalidValueException(
                detail=f"the group's members were not all written ({result.added} added, "
                f"{result.removed} removed): {result.error}",
                attribute="members",
            )  # fmt: skip
        note(reason=f"members: {result.added} added, {result.removed} removed, "
             f"{len(result.pending)} pending")  # fmt: skip
        return result

    def _write(self, document: dict[str, Any], source_id: str, group: CachedUser | None) -> Anchor:
        members = self._member_sources(member_values(document))
        record = group_record(document, self.view, source_id, members)
        anchor = outcome(
            self.worker.export(record, group), group.anchor if group else None, "group"
        )
        if anchor is None:
            raise NotFoundException(detail="the group has no entry after the export")
        self._members(record)
        return anchor

    def _refresh(self, anchor: Anchor) -> Resource[Any]:
        group = self.worker.read(anchor)
        if group is None:
            self.cache.remove(anchor)
            raise NotFoundException(detail="the group is gone after the export")
        return self.remember(group)

    def _source_id(self, group: CachedUser) -> str:
        return self.worker.source_id(group.anchor) or f"scim:{group.anchor.value}"

    def create(self, resource: Resource[Any]) -> Resource[Any]:
        """POST: the group type's create path, then its members."""
        self._ready()
        document: dict[str, Any] = resource.model_dump(mode="json", by_alias=True)
        self._taken(document.get("displayName"))
        return self._refresh(self._write(document, f"scim:{uuid.uuid4()}", None))

    def update(self, resource: Resource[Any]) -> Resource[Any]:
        """PUT and PATCH (the whole new state): modify or rename, then add/delete members."""
        self._ready()
        # scim2-server read the group with get() (live) just before: the cache has it.
        anchor = anchor_for_id(self.worker.request.strategy.kind, resource.id or "")
        hit = self.cache.get(anchor) if anchor is not None else None
        group = hit[0] if hit is not None else self._find(resource.id)
        note(anchor=group.anchor.value, dn=group.dn)
        document: dict[str, Any] = resource.model_dump(mode="json", by_alias=True)
        self._taken(document.get("displayName"), group.anchor)
        return self._refresh(self._write(document, self._source_id(group), group))

    def delete(self, resource_id: str) -> None:
        """DELETE: the group type's delete flow; its pending members are forgotten."""
        self._ready()
        group = self._find(resource_id)
        source_id = self._source_id(group)
        outcome(self.worker.export({"id": source_id, "@deleted": True}, group), group.anchor,
                "group")  # fmt: skip

        def forget() -> None:
            self.worker.connector.store.put_pending_members(source_id, ())

        self.worker.call(forget)
        after = self.worker.read(group.anchor)
        if after is None:
            self.cache.remove(group.anchor)
        else:
            self.remember(after)

    def follow_member(self, old_dn: str, user_id: str | None) -> None:
        """Rewrite the groups that hold a user's old DN: renamed (``user_id``, its SCIM id)
        or deleted (None) through the bridge.

        Our own rewrite for servers without refint: an escaped search finds the groups
        with the old value; each gets the renamed user's new DN added and the old one
        deleted (or just deleted), through its membership run. On a server with refint
        the search finds nothing. A failure is logged: the user's own write stands.
        """
        if self.view.members.value_kind is not MemberValueKind.DN:
            return  # uid values: a rename keeps the uid unless the mappings change it
        for group in self.worker.search_equal(self.view.members.attribute, old_dn):
            ids = [*self._member_ids(group), *([user_id] if user_id else [])]
            ids += self._pending(group.anchor)
            source_id = self._source_id(group)
            record = {"id": source_id, self.view.members.source: self._member_sources(ids)}
            try:
                self._members(record)
            except InvalidValueException as error:
                log.warning("group %s keeps %s: %s", group.dn, old_dn, error.detail)
                note(reason=f"group {group.dn}: {error.detail}")
            self._reread(source_id)

    def resolve_pending(self) -> int:
        """Add the pending members that are provisioned now (autosync); how many were added.

        The membership run with no records resolves every group's pending members it
        can: users exported since (e.g. by ``ldapconnector export`` with those source ids).
        """
        report = self.worker.call(lambda: self.worker.connector.export_members([]))
        for result in report.results:
            if result.error is not None:
                log.warning("pending members: %s", result.error)
            elif result.added:
                self._reread(result.source_id)
        return sum(r.added for r in report.results)

    def _reread(self, source_id: str) -> None:
        """Read a group again (after a change) and write it through to the cache."""
        link = self.worker.call(lambda: self.worker.connector.store.get_by_source(source_id))
        group = self.worker.read(link.anchor) if link is not None else None
        if group is not None:
            self.remember(group)
