"""The SCIM 2.0 bridge: ``ldapconnector serve`` (optional extra ``ldapconnector[scim]``).

How this layer works: Entra ID (or Okta) provisions over SCIM 2.0 at a tenant URL per
connector, ``https://host:8585/ecma2host_<name>/scim``. scim2-server speaks the protocol;
our :class:`DirectoryStorage` sits behind its storage interface and turns each request
into one export (create, modify, rename, disable/enable, delete) of the ``Connector``,
answering lookups from the connector space (a full import at start, write-through,
autosync). When the bridge file names a group type (``groups``), :class:`GroupStorage`
serves ``/Groups`` from it the same way, its members written by the membership run as
incremental adds and deletes. A :class:`ConnectorWorker` runs every LDAP request of a
connector on its own thread (a group type's on its users' thread).
:class:`BridgeApplication` adds the bearer-token check, the 503 until the first
import has finished, the Entra/Okta request quirks and the provisioning log;
:func:`serve` runs the applications under cheroot with TLS. Nothing in the core imports
this package: only the ``serve`` and ``check`` commands do.
"""

from ldapconnector.scim._app import BridgeApplication
from ldapconnector.scim._bridge import ConnectorBridge, PathDispatcher, state_path
from ldapconnector.scim._cache import CacheStatus, UserCache
from ldapconnector.scim._convert import CachedUser, anchor_for_id, scim_id
from ldapconnector.scim._group_storage import GroupStorage
from ldapconnector.scim._group_view import (
    GROUP_SCHEMA,
    GroupView,
    ServedTypes,
    build_group_view,
    split_config,
)
from ldapconnector.scim._results import ServiceUnavailableException
from ldapconnector.scim._schemas import MAX_RESULTS, provider_for, schema_documents
from ldapconnector.scim._server import BridgeServer, check_plain_http, is_loopback
from ldapconnector.scim._settings import (
    BridgeMode,
    BridgeSettings,
    EndpointSettings,
    load_settings,
    settings_from_dict,
)
from ldapconnector.scim._status import (
    EndpointStatus,
    bridge_certificate_path,
    fetch_status,
    local_host,
)
from ldapconnector.scim._storage import DirectoryStorage
from ldapconnector.scim._tls import (
    BridgeCertificate,
    describe_certificate,
    ensure_certificate,
    server_context,
)
from ldapconnector.scim._token import MIN_TOKEN_LENGTH, BearerToken, load_token
from ldapconnector.scim._view import ECMA_EXTENSION, UserView, build_view
from ldapconnector.scim._worker import ConnectorWorker, ExportRunError

__all__ = [
    "ECMA_EXTENSION",
    "GROUP_SCHEMA",
    "MAX_RESULTS",
    "MIN_TOKEN_LENGTH",
    "BearerToken",
    "BridgeApplication",
    "BridgeCertificate",
    "BridgeMode",
    "BridgeServer",
    "BridgeSettings",
    "CacheStatus",
    "CachedUser",
    "ConnectorBridge",
    "ConnectorWorker",
    "DirectoryStorage",
    "EndpointSettings",
    "EndpointStatus",
    "ExportRunError",
    "GroupStorage",
    "GroupView",
    "PathDispatcher",
    "ServedTypes",
    "ServiceUnavailableException",
    "UserCache",
    "UserView",
    "anchor_for_id",
    "bridge_certificate_path",
    "build_group_view",
    "build_view",
    "check_plain_http",
    "describe_certificate",
    "ensure_certificate",
    "fetch_status",
    "is_loopback",
    "load_settings",
    "load_token",
    "local_host",
    "provider_for",
    "schema_documents",
    "scim_id",
    "server_context",
    "settings_from_dict",
    "split_config",
    "state_path",
]
