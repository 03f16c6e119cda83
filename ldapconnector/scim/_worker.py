"""The connector's own thread: every LDAP request and link-store write of one connector.

The ``Connector``'s ldap3 connection and its SQLite link store belong to the thread that
opened them (``sqlite3`` refuses use from another thread, and ldap3's synchronous
strategy is not thread-safe), so a :class:`ConnectorWorker` opens them on one thread of
its own and runs each job there, in order; the HTTP threads wait for their job's result.
Reads served from the connector space (the bridge's cache) never come here.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import attrs

from ldapconnector.anchors import Anchor
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import Connector
from ldapconnector.errors import FullImportRequiredError, LdapConnectorError, NoSuchObjectError
from ldapconnector.escaping import equality_filter
from ldapconnector.model import Entry
from ldapconnector.profiles import (
    DELTA_WATERMARK_KEY,
    ExportRequest,
    FlowKind,
    ImportedEntry,
    ObjectResult,
    export_request,
    run_export,
)
from ldapconnector.scim._convert import CachedUser
from ldapconnector.space import Link, LinkState, LinkStore, SqliteLinkStore

__all__ = ["ConnectorWorker", "ExportRunError", "is_disabled"]

log = logging.getLogger("ldapconnector.scim")


class ExportRunError(LdapConnectorError):
    """An export run failed as a whole (the server was lost and did not come back).

    The bridge answers such a request with 503 and ``Retry-After``: nothing was written
    for it, and the same request may succeed once the directory is back.
    """


T = TypeVar("T")


def _own_watermark_key() -> str:
    """A delta watermark key of this bridge's own (host, process, a random part)."""
    return f"{DELTA_WATERMARK_KEY}:scim:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def is_disabled(
    request: ExportRequest, attributes: dict[str, tuple[Any, ...]], link: Link | None
) -> bool:
    """Whether the disable flow holds for an entry (its attribute), else per its link."""
    flow = request.disable_flow
    if flow.kind in (FlowKind.SET_ATTRIBUTE, FlowKind.VENDOR) and flow.attribute:
        values = attributes.get(flow.attribute.lower())
        if values is not None and flow.value is not None:
            texts = [v if isinstance(v, str) else v.decode("utf-8", "replace") for v in values]
            if flow.value.lower().startswith("0x"):  # a bit of a flags attribute
                bit = int(flow.value, 16)
                return any(t.lstrip("-").isdigit() and int(t) & bit for t in texts)
            return any(t.casefold() == flow.value.casefold() for t in texts)
    return link is not None and link.state is LinkState.DISABLED


@attrs.define
class ConnectorWorker:
    """One connector, opened and used on a thread of its own (see the module docstring).

    Args:
        name: the connector's name (thread name, log lines).
        config: the configuration the bridge exports with (``bridge_config``).
        open_store: opens the link store, on the connector's thread (the bridge's opens
            ``[space]`` with ``open_link_store``); default: a space in memory.
        host: the users' worker, for a group type's: it runs on that worker's thread
            (where the users' link store lives, which it resolves members through) and
            is given that store as its ``member_store``.
        watermark_key: where the cache refresh keeps its delta watermark: this bridge's
            own (each start makes a new one), so that bridges sharing one space each read
            every change into their own cache, and do not wait for each other's lease.
    """

    name: str
    config: ConnectorConfig
    open_store: Callable[[], LinkStore] = SqliteLinkStore.in_memory
    host: ConnectorWorker | None = None
    watermark_key: str = attrs.field(factory=_own_watermark_key)
    _executor: ThreadPoolExecutor | None = attrs.field(default=None, init=False)
    _connector: Connector | None = attrs.field(default=None, init=False)
    _request: ExportRequest | None = attrs.field(default=None, init=False)
    _owner: threading.Thread | None = attrs.field(default=None, init=False)

    def __attrs_post_init__(self) -> None:
        if self.host is None:
            prefix = f"ldap-{self.name}"
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=prefix)

    def call(self, job: Callable[[], T]) -> T:
        """Run ``job`` on the connector's thread and return its result (or raise)."""
        if self.host is not None:
            return self.host.call(job)
        if threading.current_thread() is self._owner:
            return job()  # a job calling another job: already on the thread
        if self._executor is None:  # never: made in __attrs_post_init__ without a host
            raise LdapConnectorError(f"connector {self.name!r} has no thread")
        return self._executor.submit(job).result()

    def _shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)

    def open(self) -> ExportRequest:
        """Open the store and the connector, check the configuration, compile the export.

        On failure everything is closed again (the thread too) and the error raised.
        """
        try:
            return self.call(self._open)
        except BaseException:
            self._shutdown()
            raise

    def _open(self) -> ExportRequest:
        if self.host is None:
            self._owner = threading.current_thread()
        store = self.open_store()
        members = self.host.connector.store if self.host is not None else None
        connector = Connector(self.config, store=store, member_store=members)
        try:
            connector.open()
            connector.check_object_type()
            self._request = export_request(connector)
        except BaseException:
            connector.close()
            store.close()
            raise
        self._connector = connector
        return self._request

    def close(self) -> None:
        """Close the connection and the store; stop the thread."""

        def job() -> None:
            if self._connector is not None:
                self._connector.close()
                self._connector.store.close()

        self.call(job)
        self._shutdown()

    @property
    def connector(self) -> Connector:
        """The opened connector (on the worker thread only)."""
        if self._connector is None:
            raise LdapConnectorError(f"connector {self.name!r} is not open")
        return self._connector

    @property
    def request(self) -> ExportRequest:
        """The compiled export request."""
        if self._request is None:
            raise LdapConnectorError(f"connector {self.name!r} is not open")
        return self._request

    def cached(self, entry: Entry | ImportedEntry, anchor: Anchor | None = None) -> CachedUser:
        """An entry as the connector space holds it (on the worker thread)."""
        attributes: dict[str, tuple[Any, ...]] = {}
        for name, values in entry.attributes.items():
            attributes.setdefault(name.lower(), tuple(values))
        if anchor is None:
            anchor = self.request.anchor_of(Entry(entry.dn, entry.attributes))
        link = self.connector.store.get_by_anchor(anchor)
        return CachedUser(
            anchor=anchor, dn=entry.dn, attributes=attributes,
            disabled=is_disabled(self.request, attributes, link),
        )  # fmt: skip

    def full_import(self) -> list[CachedUser]:
        """Every object of the configured type (a full import), as cache entries."""

        def job() -> list[CachedUser]:
            connector = self.connector
            if connector.config.run_profiles.delta_import:
                _establish_watermark(connector, self.watermark_key)
            return [self.cached(obj, obj.anchor) for obj in connector.full_import()]

        return self.call(job)

    def read(self, anchor: Anchor) -> CachedUser | None:
        """The entry an anchor names now, read live (escaped, one round trip), or None."""

        def job() -> CachedUser | None:
            entry = self.connector.resolve(anchor, self.request.read_attributes)
            return None if entry is None else self.cached(entry, anchor)

        return self.call(job)

    def search_equal(self, attribute: str, value: str) -> list[CachedUser]:
        """Entries whose ``attribute`` equals ``value`` (a live, escaped search)."""

        def job() -> list[CachedUser]:
            object_type = self.config.object_type
            wanted = equality_filter(attribute, value)
            if object_type is not None:
                wanted = f"(&{equality_filter('objectClass', object_type.target)}{wanted})"
            found = []
            for base in self.request.search_bases:
                try:
                    entries = self.connector.connection.search(
                        base, wanted, attributes=self.request.read_attributes
                    )
                    found += [self.cached(entry) for entry in entries]
                except NoSuchObjectError:
                    continue
            return found

        return self.call(job)

    def export(self, record: dict[str, Any], existing: CachedUser | None) -> ObjectResult:
        """Export one record; an existing entry without a link is linked to it first.

        An entry the bridge did not create (found by a filter, then PATCHed by its id)
        has no link yet: linking it under ``scim:<anchor>`` makes the export update it
        instead of creating another entry.
        """

        def job() -> ObjectResult:
            store = self.connector.store
            if existing is not None and store.get_by_source(record["id"]) is None:
                state = LinkState.DISABLED if existing.disabled else LinkState.ACTIVE
                link = Link(
                    source_id=record["id"], anchor=existing.anchor, dn=existing.dn, state=state
                )
                with store.batch():
                    store.put(link)
            report = run_export(self.request, [record])
            if report.error is not None:
                raise ExportRunError(report.error)
            return report.results[0]

        return self.call(job)

    def update_keeping_disabled(self, record: dict[str, Any], existing: CachedUser) -> ObjectResult:
        """Update a disabled user's attributes and leave it disabled.

        The export's update step enables a disabled user first (a record without
        ``isSoftDeleted``), and a record with the flag only runs the disable flow; a
        SCIM update of a disabled user wants neither. The link is marked active for the
        one update (the flow's attribute is not mapped, so the entry stays locked) and
        disabled again after it, since the directory still holds the user disabled.
        """

        def job() -> ObjectResult:
            store = self.connector.store
            source_id = record["id"]
            if store.get_by_source(source_id) is not None:
                with store.batch():
                    store.mark(source_id, LinkState.ACTIVE)
            try:
                return self.export(record, existing)
            finally:
                if store.get_by_source(source_id) is not None:
                    with store.batch():
                        store.mark(source_id, LinkState.DISABLED)

        return self.call(job)

    def source_id(self, anchor: Anchor) -> str | None:
        """The source id linked to an anchor, or None."""

        def job() -> str | None:
            link = self.connector.store.get_by_anchor(anchor)
            return None if link is None or link.state is LinkState.DELETED else link.source_id

        return self.call(job)

    def changed_anchors(self) -> list[Anchor | str] | None:
        """What changed since the last run (anchors, or DNs where the log names no anchor).

        Returns None when a full import is needed instead (no delta profile, or the
        watermark is older than the change log).
        """

        def job() -> list[Anchor | str] | None:
            connector = self.connector
            if not connector.config.run_profiles.delta_import:
                return None
            try:
                result = connector.delta_import(profile_key=self.watermark_key)
                return [r.anchor if r.anchor is not None else r.dn for r in result.records()]
            except FullImportRequiredError as error:
                log.warning("%s: %s; running a full import", self.name, error)
                return None

        return self.call(job)


def _establish_watermark(connector: Connector, key: str) -> None:
    """Take the delta watermark before the full import reads, so nothing is missed."""
    try:
        connector.delta_import(reset=True, profile_key=key).drain()
    except LdapConnectorError as error:
        log.warning("no delta watermark (%s): autosync will run full imports", error)
