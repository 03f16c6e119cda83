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
    SCIMException,
    ScimFilter,
    ScimProvider,
    SearchRequest,
    UniquenessException,
)
from scim2_models.path import CompareOperator, Comparison
from scim2_server.storage import ScimStorage, SearchPage
from scim2_server.utils import parametrize

from ldapconnector.anchors import Anchor
from ldapconnector.profiles import ExportOutcome, ObjectResult
from ldapconnector.scim._cache import UserCache
from ldapconnector.scim._convert import (
    CachedUser,
    anchor_for_id,
    resource_document,
    scim_id,
    source_record,
)
from ldapconnector.scim._log import current_record
from ldapconnector.scim._settings import BridgeMode
from ldapconnector.scim._view import ECMA_EXTENSION, UserView
from ldapconnector.scim._worker import ConnectorWorker

__all__ = ["DirectoryStorage", "ServiceUnavailableException"]

log = logging.getLogger("ldapconnector.scim")

#: Seconds a client is told to wait while the first import runs (``Retry-After``).
RETRY_AFTER_SECONDS = 30


class ServiceUnavailableException(SCIMException):
    """503: the connector space is still being filled by the first import."""

    status = 503


def _note(**values: Any) -> None:
    record = current_record()
    if record is not None:
        for key, value in values.items():
            setattr(record, key, value)


def _failure(result: ObjectResult) -> SCIMException:
    """The SCIM error of a failed (or skipped) export result, with the LDAP reason."""
    reason = result.error or f"the export {result.outcome.value} the user"
    if "already exists" in reason.lower():
        return UniquenessException(detail=reason)
    return InvalidValueException(detail=reason)


class DirectoryStorage(ScimStorage):
    """The users of one connector, as scim2-server sees them (see the module docstring).

    Args:
        worker: the connector's thread (opened).
        view: what the connector shows over SCIM.
        provider: the scim2-models description built from the view.
        cache: the connector space.
    """

    def __init__(
        self, worker: ConnectorWorker, view: UserView, provider: ScimProvider, cache: UserCache
    ) -> None:
        self.worker = worker
        self.view = view
        self.cache = cache
        self.model: type[Resource[Any]] = provider.model_for_endpoint("/Users")  # type: ignore[assignment]

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
            raise ServiceUnavailableException(
                detail="The connector is importing the directory; retry shortly"
            )

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
        _note(anchor=anchor.value, dn=user.dn)
        return user

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        """The user of that id, from the connector space (else read live)."""
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
        """Filter and page the connector space (stable order: by anchor)."""
        self._ready()
        resources = [resource for _, resource in self.cache.all()]
        scim_filter = search_request.filter
        if scim_filter is not None and not scim_filter.models:
            scim_filter = parametrize(ScimFilter, Union[self.model])(str(scim_filter))  # noqa: UP007
        found = [r for r in resources if scim_filter is None or scim_filter.match(r)]
        if not found and scim_filter is not None:
            found = [r for r in self._live(scim_filter) if scim_filter.match(r)]
        start = search_request.start_index_0 or 0
        stop = None if search_request.count is None else start + search_request.count
        page = [r.model_copy(deep=True) for r in found[start:stop]]
        return SearchPage(total=len(found), resources=page)

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
        anchor = result.anchor or (existing.anchor if existing is not None else None)
        _note(outcome=result.outcome.value, reason=result.error, dn=result.dn,
              anchor=anchor.value if anchor is not None else None)  # fmt: skip
        if result.outcome in (ExportOutcome.FAILED, ExportOutcome.SKIPPED):
            raise _failure(result)
        return anchor

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
        return self._refresh(anchor)

    def delete(
        self, resource_type: ResourceType, resource_id: str, *, expected_version: str | None = None
    ) -> None:
        """DELETE: the delete flow; the user is gone from the connector space after."""
        self._ready()
        user = self._find(resource_id)
        self._apply({"id": self._source_id(user), "@deleted": True}, user)
        after = self.worker.read(user.anchor)
        if after is None:
            self.cache.remove(user.anchor)
        else:
            self.remember(after)
