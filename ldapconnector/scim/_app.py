"""``BridgeApplication``: scim2-server's WSGI application for one connector, hardened.

On top of scim2-server's protocol handling it adds: the bearer-token check (replacing
the default, which accepts every request), the Entra/Okta rewrites of ``_quirks``, one
lock per user id (requests for the same user run one at a time), ``Retry-After`` on the
503 the storage raises while the first import runs, URLs without the ``/v2`` scim2-server
adds, and one provisioning-log line per request.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from wsgiref.util import application_uri

from scim2_models import InvalidValueException, ScimProvider, UnauthorizedException
from scim2_server.applications.wsgi import WSGIApplication, send_response
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation
from scim2_server.service import ScimService

from ldapconnector.errors import LdapConnectorError, TransportError
from ldapconnector.scim._log import KeyedLocks, RequestRecord, recording
from ldapconnector.scim._quirks import (
    normalize_filter,
    normalize_group,
    normalize_group_patch,
    normalize_patch,
    normalize_resource,
)
from ldapconnector.scim._results import ServiceUnavailableException
from ldapconnector.scim._storage import RETRY_AFTER_SECONDS, DirectoryStorage
from ldapconnector.scim._token import BearerToken
from ldapconnector.scim._view import UserView
from ldapconnector.scim._worker import ExportRunError

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = ["BridgeApplication", "provisioning_logger"]

provisioning_logger = logging.getLogger("ldapconnector.scim.provisioning")


def _log_line(line: str) -> None:
    provisioning_logger.info("%s", line)


def _name_the_filter(request: ScimRequest, response: ScimResponse) -> None:
    """An ``invalidFilter`` error quotes the filter (scim2-models gives only a column)."""
    body = response.body
    if body is not None and body.get("scimType") == "invalidFilter" and "filter" in request.query:
        body["detail"] = (
            f"{body.get('detail', 'invalid filter')} in filter {request.query['filter']!r}"
        )


def _segments(path: str) -> list[str]:
    """The path's segments after the optional ``/v2`` (``["Groups", "<id>"]``)."""
    parts = path.strip("/").split("/")
    return parts[1:] if parts and parts[0] == "v2" else parts


def _normalized(body: Any, method: str, resource: str, view: UserView) -> Any:
    if resource == "Groups":
        return normalize_group_patch(body) if method == "PATCH" else normalize_group(body)
    return normalize_patch(body, view) if method == "PATCH" else normalize_resource(body, view)


class BridgeApplication(WSGIApplication):
    """The SCIM application of one connector (see the module docstring).

    Args:
        name: the connector's name (in the log lines).
        storage: the connector's storage.
        provider: the description built from the connector's view.
        token: the bearer token clients must send.
        write_log: where provisioning-log lines go (the ``ldapconnector.scim.provisioning``
            logger by default).
    """

    def __init__(
        self,
        name: str,
        storage: DirectoryStorage,
        provider: ScimProvider,
        token: BearerToken,
        write_log: Callable[[str], None] = _log_line,
    ) -> None:
        super().__init__(storage, provider, ScimService(provider, secret=uuid.uuid4().hex))
        self.name = name
        self.token = token
        self.view = storage.view
        self.cache = storage.cache
        self.locks = KeyedLocks()
        self.write_log = write_log

    @staticmethod
    def get_base_url(environ: WSGIEnvironment) -> str:
        """The tenant URL as the client sees it (``/v2`` stays optional, never added)."""
        return application_uri(environ).rstrip("/")

    def check_auth(self, request: ScimRequest) -> None:
        """Refuse a request without the connector's bearer token (constant-time check)."""
        if not self.token.accepts(request.header("Authorization")):
            raise UnauthorizedException(detail="A valid bearer token is required")

    def read_request(self, environ: WSGIEnvironment) -> ScimRequest:
        """The request, with Entra's and Okta's filter and PATCH forms rewritten."""
        request = super().read_request(environ)
        if "filter" in request.query:
            query = dict(request.query)
            query["filter"] = normalize_filter(query["filter"], self.view)
            request.query = query
        method = request.method.upper()
        if method not in ("POST", "PATCH", "PUT") or not request.body:
            return request
        parts = _segments(request.path)
        # Only User and Group bodies: a POST to /.search carries a SearchRequest.
        if (
            not parts
            or parts[0] not in ("Users", "Groups")
            or (method == "POST") != (len(parts) == 1)
        ):
            return request
        resource = parts[0]
        try:
            body = json.loads(request.body)
        except ValueError:
            return request  # scim2-server answers 400 invalidSyntax
        request.body = json.dumps(_normalized(body, method, resource, self.view)).encode("utf-8")
        return request

    def _operation(self, request: ScimRequest) -> str:
        try:
            operation: Operation = self.service.match(request).operation
        except Exception:  # an unknown route: scim2-server answers 404/405 itself
            return "unknown"
        return operation.value

    def dispatch_request(self, request: ScimRequest) -> ScimResponse:
        """Authenticate, then serve under the lock of the user the path names."""
        if self.needs_auth(request):
            self.check_auth(request)
        parts = _segments(request.path)
        key = "/".join(parts[:2]) if len(parts) >= 2 and parts[0] in ("Users", "Groups") else ""
        if request.method.upper() == "POST":
            key = "POST"  # one create at a time: the userName check then the add
        if not key or request.method.upper() == "GET":
            return self.handler.handle(request)
        with self.locks.hold(key):
            return self.handler.handle(request)

    def serve(self, request: ScimRequest) -> ScimResponse:
        """Serve a request and write its provisioning-log line."""
        record = RequestRecord(
            request_id=uuid.uuid4().hex, client=request.header("X-Ldapconnector-Client") or "",
            method=request.method.upper(), path=request.path, connector=self.name,
            operation=self._operation(request),
        )  # fmt: skip
        with recording(record, self.write_log):
            response = super().serve(request)
            record.status = response.status.value
            _name_the_filter(request, response)
            if response.status.value >= 400 and record.reason is None and response.body:
                record.reason = str(response.body.get("detail") or "")[:500] or None
            response.headers["X-Request-Id"] = record.request_id
        return response

    def handle_exception(self, request: ScimRequest, exception: Exception) -> ScimResponse:
        """The library's errors as SCIM errors: the directory unreachable is a 503, any
        other refusal a 400 with its reason (never a 500 for what the directory said)."""
        if isinstance(exception, TransportError | ExportRunError):
            detail = f"The directory cannot be reached: {exception}"
            exception = ServiceUnavailableException(detail=detail)
        elif isinstance(exception, LdapConnectorError):
            exception = InvalidValueException(detail=str(exception))
        return super().handle_exception(request, exception)

    def finalize_response(self, request: ScimRequest, response: ScimResponse) -> ScimResponse:
        """Add ``Retry-After`` to a 503 (the first import is still running)."""
        if response.status.value == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return super().finalize_response(request, response)

    def cache_status(self, environ: WSGIEnvironment, start_response: Any) -> Any:
        """``GET <tenant>/cache``: the connector space's state, for ``ldapconnector check``.

        Like the ECMA host's ``/cache`` (which its Debug switch serves without auth),
        but behind the same bearer token as every other endpoint.
        """
        if not self.token.accepts(environ.get("HTTP_AUTHORIZATION")):
            error = UnauthorizedException(detail="A valid bearer token is required")
            return send_response(self.service.error_response(error), start_response)
        status = self.cache.status()
        body = {
            "connector": self.name, "ready": status.ready, "objects": status.objects,
            "last_import": status.last_import.isoformat() if status.last_import else None,
            "last_error": status.last_error,
        }  # fmt: skip
        return send_response(
            ScimResponse(HTTPStatus.OK, body, {"Content-Type": "application/json"}), start_response
        )

    def __call__(self, environ: WSGIEnvironment, start_response: Any) -> Any:
        """Serve a WSGI request; the client (address, agent) is noted for the log."""
        if environ.get("PATH_INFO", "").rstrip("/") == "/cache":
            return self.cache_status(environ, start_response)
        agent = environ.get("HTTP_USER_AGENT", "")[:100]
        client = environ.get("REMOTE_ADDR", "") + (f" ({agent})" if agent else "")
        environ["HTTP_X_LDAPCONNECTOR_CLIENT"] = client
        return super().__call__(environ, start_response)
