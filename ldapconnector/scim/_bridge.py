"""One connector behind SCIM (:class:`ConnectorBridge`) and the path dispatcher of several.

:meth:`ConnectorBridge.open` reads the token (first: a bad token stops the start before
any connection), the connector configuration, opens the connector on its worker thread,
builds the view, the schemas, the storage and the application, and starts the sync
thread: a full import fills the connector space, then every ``autosync_minutes`` a delta
import (a full import when there is no delta source or the watermark is too old) keeps
it current. :class:`PathDispatcher` serves each bridge under ``/ecma2host_<name>/scim``.
"""

from __future__ import annotations

import datetime
import functools
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from scim2_models import NotFoundException, Resource, ScimProvider
from scim2_server.applications.wsgi import send_response
from scim2_server.responses import ScimResponse

from ldapconnector.anchors import Anchor
from ldapconnector.config import ConnectorConfig
from ldapconnector.connector import open_link_store
from ldapconnector.errors import LdapConnectorError
from ldapconnector.scim._app import BridgeApplication, _log_line
from ldapconnector.scim._cache import CacheStatus, UserCache
from ldapconnector.scim._group_storage import GroupStorage
from ldapconnector.scim._group_view import (
    GroupView,
    ServedTypes,
    build_group_view,
    group_bridge_config,
    split_config,
)
from ldapconnector.scim._schemas import provider_for
from ldapconnector.scim._settings import EndpointSettings
from ldapconnector.scim._storage import DirectoryStorage
from ldapconnector.scim._token import load_token
from ldapconnector.scim._view import bridge_config, build_view
from ldapconnector.scim._worker import ConnectorWorker
from ldapconnector.space import LinkStore, LinkStoreRegistry

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

__all__ = ["ConnectorBridge", "PathDispatcher", "state_path"]

log = logging.getLogger("ldapconnector.scim")


def _store_opener(
    config: ConnectorConfig, path: Path | None, stores: LinkStoreRegistry | None,
    object_type: str | None,
) -> Callable[[], LinkStore]:  # fmt: skip
    """Opens one object type's store of ``[space]`` (``path``: the SQLite default)."""
    return functools.partial(
        open_link_store, config.space, stores=stores,
        default_path=None if path is None else str(path), object_type=object_type,
    )  # fmt: skip


def _group_storage(
    groups: tuple[ConnectorWorker, GroupView], users: ConnectorWorker, provider: ScimProvider,
    user_cache: UserCache,
) -> GroupStorage:  # fmt: skip
    """The /Groups storage on the group type's worker, next to the users' cache."""
    model: type[Resource[Any]] = provider.model_for_endpoint("/Groups")  # type: ignore[assignment]
    return GroupStorage(groups[0], users, groups[1], model, UserCache(), user_cache)


def _open_groups(
    users: ConnectorWorker, types: ServedTypes, open_store: Callable[[], LinkStore]
) -> tuple[ConnectorWorker, GroupView] | None:
    """The group type's worker (on the users' thread, their store as member store), opened."""
    if types.groups is None:
        return None
    view = build_group_view(types.groups, f"connectors[{users.name}].groups")
    worker = ConnectorWorker(
        name=f"{users.name}-groups", config=group_bridge_config(types.groups),
        open_store=open_store, host=users,
    )  # fmt: skip
    worker.open()
    return worker, view


def state_path(config: ConnectorConfig, config_file: Path) -> Path | None:
    """The SQLite file: ``[space] path``, else ``CONFIG.state.sqlite``; None in memory.

    The same default as the other commands, so ``serve`` and ``export`` share one space.
    The bridge opens ``[space]`` through :func:`~ldapconnector.connector.open_link_store`
    (this file is its default for ``sqlite``); another ``backend`` ignores it.
    """
    if config.space.in_memory:
        return None
    if config.space.path is not None:
        return Path(config.space.path)
    return config_file.with_suffix(".state.sqlite")


@attrs.define
class ConnectorBridge:
    """One connector served over SCIM (see the module docstring)."""

    endpoint: EndpointSettings
    worker: ConnectorWorker
    storage: DirectoryStorage
    application: BridgeApplication
    autosync_seconds: float
    _stop: threading.Event = attrs.field(factory=threading.Event)
    _thread: threading.Thread | None = None

    @classmethod
    def open(
        cls,
        endpoint: EndpointSettings,
        *,
        autosync_minutes: float,
        environ: Mapping[str, str] | None = None,
        config: ConnectorConfig | None = None,
        write_log: Callable[[str], None] = _log_line,
        stores: LinkStoreRegistry | None = None,
    ) -> ConnectorBridge:
        """Open the connector and start its first import (in the background).

        Args:
            endpoint: the ``[[connectors]]`` table.
            autosync_minutes: the connector space refresh period.
            environ: where ``token_env`` is looked up (default ``os.environ``).
            config: the connector configuration, instead of reading ``endpoint.config``.
            write_log: where provisioning-log lines go.
            stores: the backends ``[space] backend`` chooses from (default: the shipped
                ones and installed packages').

        Raises:
            ConfigurationError: a bad token, configuration or mapping.
            LdapConnectorError: the directory cannot be reached or bound.
        """
        token = load_token(endpoint, environ)
        if config is None:
            config = ConnectorConfig.from_file(endpoint.config)
        types = split_config(endpoint, config)
        path = state_path(config, endpoint.config)
        worker = ConnectorWorker(
            name=endpoint.name, config=bridge_config(endpoint, types.users),
            # [space] backend chooses: several bridges on one PostgreSQL space share links.
            open_store=_store_opener(config, path, stores, types.users_name),
        )  # fmt: skip
        request = worker.open()
        try:
            view = build_view(endpoint, types.users, request.schema)
            groups = _open_groups(
                worker, types, _store_opener(config, path, stores, types.groups_name)
            )
        except BaseException:
            worker.close()
            raise
        provider = provider_for(view, groups=groups is not None)
        storage = DirectoryStorage(worker, view, provider, UserCache())
        if groups is not None:
            storage.groups = _group_storage(groups, worker, provider, storage.cache)
        application = BridgeApplication(endpoint.name, storage, provider, token, write_log)
        bridge = cls(endpoint=endpoint, worker=worker, storage=storage, application=application,
                     autosync_seconds=autosync_minutes * 60)  # fmt: skip
        bridge.start()
        return bridge

    @property
    def cache(self) -> UserCache:
        """The connector space."""
        return self.storage.cache

    def start(self) -> None:
        """Start the sync thread (first import, then autosync)."""
        self._thread = threading.Thread(
            target=self._run, name=f"sync-{self.endpoint.name}", daemon=True
        )
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.sync()
            except LdapConnectorError as error:
                self.cache.last_error = str(error)
                log.error("%s: import failed: %s", self.endpoint.name, error)
            # Until the first import succeeded, retry soon; then wait for the timer.
            wait = self.autosync_seconds if self.cache.ready else min(30.0, self.autosync_seconds)
            self._stop.wait(wait)

    def sync(self) -> None:
        """One refresh: a full import the first time, a delta import afterwards.

        The users first, then the groups (their members are shown by the users' ids),
        then the groups' pending members that can be resolved now.
        """
        store: DirectoryStorage | GroupStorage = self.storage
        _refresh(self.endpoint.name, "users", self.worker, store)
        groups = self.storage.groups
        if groups is not None:
            _refresh(self.endpoint.name, "groups", groups.worker, groups)
            groups.resolve_pending()

    def status(self) -> CacheStatus:
        """The connector space's state (for ``ldapconnector check``)."""
        return self.cache.status()

    def close(self) -> None:
        """Stop the sync thread and close the connectors (the groups' first: they run on
        the users' thread)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
        if self.storage.groups is not None:
            self.storage.groups.worker.close()
        self.worker.close()


def _refresh(
    name: str, kind: str, worker: ConnectorWorker, storage: DirectoryStorage | GroupStorage
) -> None:
    """One object type's refresh (see :meth:`ConnectorBridge.sync`)."""
    cache = storage.cache
    changed = worker.changed_anchors() if cache.ready else None
    if changed is None or any(not isinstance(item, Anchor) for item in changed):
        count = storage.load(worker.full_import())
        log.info("%s: full import: %d %s in the connector space", name, count, kind)
        return
    for anchor in changed:
        if not isinstance(anchor, Anchor):
            continue  # checked above: a DN-only change means a full import
        entry = worker.read(anchor)
        if entry is None:
            cache.remove(anchor)
        else:
            storage.remember(entry)
    cache.last_import = datetime.datetime.now(datetime.UTC)


@attrs.define
class PathDispatcher:
    """Serves each bridge under its tenant path (``/ecma2host_<name>/scim``)."""

    bridges: dict[str, ConnectorBridge] = attrs.field(factory=dict)

    @classmethod
    def of(cls, bridges: Iterable[ConnectorBridge]) -> PathDispatcher:
        """A dispatcher over bridges, keyed by their path."""
        return cls(bridges={b.endpoint.path: b for b in bridges})

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        """Move the tenant path to ``SCRIPT_NAME`` and call its application; else 404."""
        path: str = environ.get("PATH_INFO", "")
        for prefix, bridge in self.bridges.items():
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix) :]
                return bridge.application(environ, start_response)
        known = ", ".join(sorted(self.bridges))
        error = NotFoundException(detail=f"No connector here; the tenant URLs are: {known}")
        return send_response(
            ScimResponse(HTTPStatus.NOT_FOUND, error.to_error().model_dump()), start_response
        )
