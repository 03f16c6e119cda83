"""``DirectoryStorage``: scim2-server's storage interface, backed by the connector.

scim2-server speaks the protocol (routing, validation, PATCH, paging, errors) and calls
this storage with whole resources. Lookups (``get``, ``search``) are answered from the
connector space (:class:`~ldapconnector.scim._cache.UserCache`), with a live, escaped
LDAP read as the fallback when it does not know the user; writes go through the export
run profile, one record each: ``create`` -> the create path (correlation first), ``update``
(PUT and PATCH) -> modify, rename when ``-dn-`` changed, ``active`` -> the disable or
enable flow; ``delete`` -> the delete flow. After each write the entry is read back and
written through to the cache; each request's per-object result goes to the
provisioning log.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import uuid
from typing import Any, Union

from scim2_models import (
    InvalidValueException,
    Meta,
    NotFoundException,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimFilter,
    ScimProvider,
    SearchRequest,
    UniquenessException,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import parametrize

from ldapconnector.anchors import Anchor
from ldapconnector.profiles import ObjectResult
from ldapconnector.scim._cache import UserCache
from ldapconnector.scim._convert import (
    CachedUser,
    anchor_for_id,
    resource_document,
    scim_id,
    source_record,
)
from ldapconnector.scim._group_storage import GroupStorage
from ldapconnector.scim._results import note, outcome, unavailable
from ldapconnector.scim._settings import BridgeMode
from ldapconnector.scim._view import ECMA_EXTENSION, UserView
from ldapconnector.scim._worker import ConnectorWorker

__all__ = ["DirectoryStorage"]

log = logging.getLogger("ldapconnector.scim")

#: Seconds a client is told to wait while the first import runs (``Retry-After``).
RETRY_AFTER_SECONDS = 30


def _copy(resource: Resource[Any], search_request: SearchRequest[Any]) -> Resource[Any]:
    """A copy of a found resource; without its members when the request excludes them
    (Entra's ``excludedAttributes=members``: a big group is not copied member by member)."""
    excluded = [str(a).lower() for a in search_request.excluded_attributes or ()]
    if getattr(resource, "members", None) and any(a.endswith("members") for a in excluded):
        return resource.model_copy(update={"members": None}).model_copy(deep=True)
    return resource.model_copy(deep=True)


class DirectoryStorage(ScimStorage):
    """The users of one connector, as scim2-server sees them (see the module docstring).

    Args:
        worker: the connector's thread (opened).
        view: what the connector shows over SCIM.
        provider: the scim2-models description built from the view.
        cache: the connector space.
        groups: the ``/Groups`` storage, when the bridge serves a group type.
    """

    def __init__(
        self, worker: ConnectorWorker, view: UserView, provider: ScimProvider, cache: UserCache,
        groups: GroupStorage | None = None,
    ) -> None:  # fmt: skip
        self.worker = worker
        self.view = view
        self.cache = cache
        self.groups = groups
        self.model: type[Resource[Any]] = provider.model_for_endpoint("/Users")  # type: ignore[assignment]

    def _groups(self, *resource_types: ResourceType) -> GroupStorage | None:
        """The groups' storage when every resource type asked for is Group."""
        if self.groups is None or not resource_types:
            return None
        return self.groups if all(t.id == "Group" for t in resource_types) else None

    # -- conversions -------------------------------------------------------------------

    def resource(self, user: CachedUser) -> Resource[Any]:
        """The validated SCIM resource of a cached user, with its ``meta``."""
        document = resource_document(user, self.view)
        resource = self.model.model_validate(document)
        digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
        now = datetime.datetime.now(datetime.UTC)
        resource.meta = Meta(
            resource_type="User", created=now, last_modified=now, version=f'W/"{digest}"'
        )
        return resource

    def remember(self, user: CachedUser) -> Resource[Any]:
        """Write a user through to the cache; return its resource."""
        resource = self.resource(user)
        self.cache.put(user, resource)
        return resource

    def load(self, users: list[CachedUser]) -> int:
        """Fill the cache from a full import; users that fail validation are logged, skipped."""
        kept = []
        for user in users:
            try:
                kept.append((user, self.resource(user)))
            except ValueError as error:
                log.warning("%s: not served over SCIM: %s", user.dn, error)
        self.cache.replace_all(kept)
        return len(kept)

    # -- lookups -----------------------------------------------------------------------

    def _ready(self) -> None:
        if not self.cache.ready:
            raise unavailable()

    def _find(self, resource_id: str | None) -> CachedUser:
        anchor = anchor_for_id(self.worker.request.strategy, resource_id or "")
        if anchor is None:
            raise NotFoundException(detail=f"User {resource_id!r} not found")
        hit = self.cache.get(anchor)
        user = hit[0] if hit is not None else self.worker.read(anchor)
        if user is None:
            raise NotFoundException(detail=f"User {resource_id!r} not found")
        if hit is None:
            self.remember(user)
        note(anchor=anchor.value, dn=user.dn)
        return user

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        """The user of that id, from the connector space (else read live)."""
        if groups := self._groups(resource_type):
            return groups.get(resource_id)
        self._ready()
        user = self._find(resource_id)
        hit = self.cache.get(user.anchor)
        resource = hit[1] if hit is not None else self.remember(user)
        return resource.model_copy(deep=True)

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        """Filter and page the connector space (stable order: by anchor; users first
        when a search of the root asks for users and groups)."""
        self._ready()
        scim_filter = search_request.filter
        found: list[Resource[Any]] = []
        if not resource_types or any(t.id != "Group" for t in resource_types):
            found += self._matching(scim_filter)
        if self.groups is not None and any(t.id == "Group" for t in resource_types):
            found += self.groups.matching(scim_filter)
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        page = [_copy(r, search_request) for r in found[start:stop]]
        return SearchPage(total=len(found), resources=page)

    def _matching(self, scim_filter: ScimFilter[Any] | None) -> list[Resource[Any]]:
        """The users a filter matches (a live search when the connector space has none)."""
        resources = [resource for _, resource in self.cache.all()]
        if scim_filter is not None and not scim_filter.models:
            scim_filter = parametrize(ScimFilter, Union[self.model])(str(scim_filter))  # noqa: UP007
        found = [r for r in resources if scim_filter is None or scim_filter.match(r)]
        if not found and scim_filter is not None:
            found = [r for r in self._live(scim_filter) if scim_filter.match(r)]
        return found

    def _ldap_attribute(self, path: str) -> str | None:
        name = path.rpartition(":")[2] if path.startswith("urn:") else path
        if name == "userName":
            return self.view.user_name if self.view.mode is BridgeMode.PASS_THROUGH else dict(
                self.view.returned
            ).get("userName")  # fmt: skip
        if name == "externalId":
            return self.view.external_id
        attribute = self.view.extension_attribute(name)
        if attribute is None or attribute.name == "-dn-" or attribute.write_only:
            return dict(self.view.returned).get(path)
        return attribute.name

    def _live(self, scim_filter: ScimFilter[Any]) -> list[Resource[Any]]:
        """A live, escaped search for a single ``eq`` the connector space did not match."""
        node = scim_filter.ast
        if not isinstance(node, Comparison) or node.op is not CompareOperator.eq:
            return []
        attribute = self._ldap_attribute(str(node.attr_path))
        if attribute is None or node.value is None:
            return []
        value = (
            node.value if not isinstance(node.value, bool) else ("TRUE" if node.value else "FALSE")
        )
        return [self.remember(user) for user in self.worker.search_equal(attribute, str(value))]

    # -- writes ------------------------------------------------------------------------

    def _document(self, resource: Resource[Any]) -> dict[str, Any]:
        document: dict[str, Any] = resource.model_dump(mode="json")
        return document

    def _taken(self, user_name: str | None) -> None:
        """409 when another user provisioned through the bridge holds that userName."""
        attribute = self._ldap_attribute("userName")
        if not user_name or attribute is None:
            return
        folded = user_name.casefold()
        for user, _ in self.cache.all():
            same = any(t.casefold() == folded for t in user.texts(attribute))
            if same and self.worker.source_id(user.anchor) is not None:
                raise UniquenessException(
                    detail=f"userName {user_name!r} is taken by User {scim_id(user.anchor)}"
                )

    def _apply(self, record: dict[str, Any], existing: CachedUser | None) -> Anchor | None:
        return self._outcome(self.worker.export(record, existing), existing)

    def _outcome(self, result: ObjectResult, existing: CachedUser | None) -> Anchor | None:
        """Note the result for the log; raise its SCIM error when it failed."""
        return outcome(result, existing.anchor if existing is not None else None)

    def _refresh(self, anchor: Anchor | None) -> Resource[Any]:
        user = self.worker.read(anchor) if anchor is not None else None
        if user is None:
            if anchor is not None:
                self.cache.remove(anchor)
            raise NotFoundException(detail="the entry is gone after the export")
        return self.remember(user)

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        """POST: the export's create path (correlation first); a disabled user is created,
        then disabled."""
        if groups := self._groups(resource_type):
            return groups.create(resource)
        self._ready()
        document = self._document(resource)
        self._taken(document.get("userName"))
        record = self._record(document, f"scim:{uuid.uuid4()}", None)
        disable = record.pop("isSoftDeleted", False)
        anchor = self._apply(record, None)
        if disable:
            self._apply({**record, "isSoftDeleted": True}, None)
        return self._refresh(anchor)

    def _record(
        self, document: dict[str, Any], source_id: str, user: CachedUser | None
    ) -> dict[str, Any]:
        previous = (
            user.dn if user is not None and self.view.mode is BridgeMode.PASS_THROUGH else None
        )
        try:
            return source_record(document, self.view, source_id, previous_dn=previous)
        except ValueError as error:
            raise InvalidValueException(detail=str(error), attribute=ECMA_EXTENSION) from None

    def _source_id(self, user: CachedUser) -> str:
        return self.worker.source_id(user.anchor) or f"scim:{user.anchor.value}"

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        """PUT and PATCH (the whole new state): modify, rename, disable or enable."""
        if groups := self._groups(resource_type):
            return groups.update(resource)
        self._ready()
        user = self._find(resource.id)
        record = self._record(self._document(resource), self._source_id(user), user)
        disable = record.pop("isSoftDeleted", False)
        if disable and user.disabled:
            anchor = self._outcome(self.worker.update_keeping_disabled(record, user), user)
        else:
            # The attributes first (an enable too, when the user was disabled), then
            # the disable flow when the new state is inactive.
            anchor = self._apply(record, user)
            if disable:
                anchor = self._apply({**record, "isSoftDeleted": True}, user)
        resource = self._refresh(anchor)
        hit = self.cache.get(anchor) if anchor is not None else None
        if self.groups is not None and hit is not None and hit[0].dn != user.dn:
            self.groups.follow_member(user.dn, scim_id(hit[0].anchor))  # a rename
        return resource

    def delete(
        self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None
    ) -> None:
        """DELETE: the delete flow; the user is gone from the connector space after."""
        if groups := self._groups(resource_type):
            groups.delete(resource_id)
            return
        self._ready()
        user = self._find(resource_id)
        self._apply({"id": self._source_id(user), "@deleted": True}, user)
        after = self.worker.read(user.anchor)
        if after is None:
            self.cache.remove(user.anchor)
            if self.groups is not None:
                self.groups.follow_member(user.dn, None)
        else:
            self.remember(after)
