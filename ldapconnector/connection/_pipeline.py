"""Pipelining: many write requests in flight on one connection, answers matched by id.

ldap3 sends a request and waits for its answer before the next one, so a run of writes
costs one round trip each (the server idles while the client encodes, and the other way
round). A :class:`Pipeline` writes requests encoded by
:mod:`~ldapconnector.connection._encoder` on the bound ldap3 connection's socket and reads
the answers as they come, matched by message id, handing each to its :class:`Waiter`.
ldap3 keeps doing connect, TLS, bind and SASL; its synchronous strategy has no receive
loop of its own (it reads only inside a call), so while the pipeline has requests out the
connection's other methods first :meth:`~Pipeline.drain` it (a search never reads a
write's answer, and sees every write sent before it).

Requests are queued by :meth:`Pipeline.submit` and written together when the caller
waits (one ``sendall``, few TLS records). Before a batch is written each queued request's
``before`` hook runs once (the export commits its intents there: durable before the add
leaves). The caller orders dependent requests itself (RFC 4511 section 4.1.1.1: a
server may run the requests of one connection in any order): send the next request of an
object only when the previous one was answered.

A request not answered within the timeout fails alone (an Abandon is sent for it), the
others go on; a lost connection fails every outstanding request as lost, and the caller
retries them after reconnecting.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NoReturn, Protocol

import attrs
from ldap3.core.results import RESULT_CODES

from ldapconnector.config import Secret
from ldapconnector.connection._ber import BerError, iter_children, iter_tlvs, read_length
from ldapconnector.connection._encoder import (
    encode_abandon,
    encode_add,
    encode_delete,
    encode_message,
    encode_modify,
    encode_modify_dn,
    encode_password_modify,
)
from ldapconnector.connection._errors import transport_error
from ldapconnector.connection._post_read import post_read_control
from ldapconnector.errors import (
    LdapConnectorError,
    LdapOperationError,
    OperationTimeoutError,
    ServerUnreachableError,
    TransportError,
    error_class_for_code,
)
from ldapconnector.model import POST_READ_OID, Control, Entry, Modification, Value, entry_from_raw

__all__ = ["Pipeline", "Reply", "Waiter"]

log = logging.getLogger("ldapconnector.connection")

_RECEIVE_SIZE = 65536
_NOTICE_OF_DISCONNECTION = b"1.3.6.1.4.1.1466.20036"
_SUCCESS_CODES = frozenset({0, 5, 6})  # success, compareFalse, compareTrue
_RESULT_CONTROLS = 0xA0
_EXTENDED_VALUE = 0x8B


@attrs.frozen(kw_only=True)
class Reply:
    """The server's answer to one pipelined request.

    Attributes:
        message_id: the request's id.
        error: the mapped failure, or None when the request succeeded.
        entry: the entry of a Post-Read response control (RFC 4527), if one came.
        value: an extended response's ``responseValue``, if any.
    """

    message_id: int
    error: LdapOperationError | None = None
    entry: Entry | None = None
    value: bytes | None = None


class Waiter(Protocol):
    """Who hears how a pipelined request ended (exactly one of the two, once)."""

    def answered(self, reply: Reply) -> None:
        """The server answered (``reply.error`` says whether it refused)."""
        ...

    def failed(self, error: TransportError, *, lost: bool) -> None:
        """No answer: ``lost`` when the connection went (retry after reconnecting), else
        the request timed out alone (:class:`OperationTimeoutError`; the others go on)."""
        ...


@attrs.frozen(kw_only=True)
class _Request:
    name: str
    dn: str
    waiter: Waiter
    deadline: float
    read_back: bool


def _reply_controls(contents: bytes) -> dict[bytes, bytes | None]:
    controls: dict[bytes, bytes | None] = {}
    for _, control in iter_tlvs(contents):
        fields = list(iter_tlvs(control))
        value = next((v for tag, v in fields[1:] if tag == 0x04), None)
        controls[fields[0][1]] = value
    return controls


def _post_read(value: bytes | None) -> Entry | None:
    """The SearchResultEntry a Post-Read response control carries (RFC 4527 section 3.2).

    Read in one pass, as the lean search reader does (a call per element would cost more
    than the parsing): ``[APPLICATION 4] { dn, SEQUENCE OF { type, SET OF value } }``.
    """
    if not value:
        return None
    _, index = read_length(value, 1)  # the SearchResultEntry
    size, index = read_length(value, index + 1)  # objectName
    dn = value[index : index + size].decode("utf-8")
    size, index = read_length(value, index + size + 1)  # the attribute list
    end = index + size
    raw: dict[str, list[bytes]] = {}
    while index < end:
        _, index = read_length(value, index + 1)  # one attribute's SEQUENCE header
        size, index = read_length(value, index + 1)
        name = value[index : index + size].decode("utf-8")
        size, index = read_length(value, index + size + 1)  # SET OF value
        values_end = index + size
        values = []
        while index < values_end:
            size, index = read_length(value, index + 1)
            values.append(value[index : index + size])
            index += size
        raw[name] = values
    return entry_from_raw(dn, raw)


def _operation_error(
    code: int, fields: list[tuple[int, bytes]], request: _Request
) -> LdapOperationError:
    return error_class_for_code(code)(
        code=code,
        result_name=str(RESULT_CODES.get(code, "")),
        operation=request.name,
        dn=request.dn,
        diagnostic=fields[2][1].decode("utf-8", "replace"),
        matched_dn=fields[1][1].decode("utf-8", "replace"),
    )


def _parse_reply(message: bytes, request: _Request, message_id: int) -> Reply:
    """Decode an LDAPResult-shaped response (RFC 4511 section 4.1.9) for ``request``."""
    children = list(iter_children(message))
    fields = list(iter_tlvs(children[1][1]))
    code = int.from_bytes(fields[0][1], "big")
    controls = {}
    if len(children) > 2 and children[2][0] == _RESULT_CONTROLS:
        controls = _reply_controls(children[2][1])
    if code not in _SUCCESS_CODES:
        return Reply(message_id=message_id, error=_operation_error(code, fields, request))
    value = next((v for tag, v in fields[3:] if tag == _EXTENDED_VALUE), None)
    entry = _post_read(controls.get(POST_READ_OID.encode("ascii"))) if request.read_back else None
    return Reply(message_id=message_id, entry=entry, value=value)


@attrs.define(repr=False)
class Pipeline:
    """Requests in flight on one bound connection (see the module docstring).

    Get one from :meth:`~ldapconnector.connection.LdapConnection.pipeline`.

    Args:
        ldap: the bound ldap3 connection (its socket and message ids are used).
        host: the server, for messages.
        port: its port, for messages.
        timeout: seconds a request may wait for its answer.
    """

    _ldap: Any
    host: str
    port: int
    timeout: float
    _queued: list[tuple[int, bytes, Callable[[], None] | None]] = attrs.field(factory=list)
    _pending: dict[int, _Request] = attrs.field(factory=dict)
    _buffer: bytearray = attrs.field(factory=bytearray)
    sent: int = attrs.field(default=0, init=False)
    _abandoned: set[int] = attrs.field(factory=set, init=False)

    def __attrs_post_init__(self) -> None:
        # Small requests written while earlier ones are unacknowledged would wait for the
        # server's delayed ACK under Nagle's algorithm (~40 ms each): send them at once.
        with contextlib.suppress(OSError, AttributeError):
            self._ldap.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def abandoned(self) -> bool:
        """Whether a request timed out: its late answer may still come on this connection.

        Such a connection is not safe for ldap3's one-answer-at-a-time reading any more.
        """
        return bool(self._abandoned)

    @property
    def in_flight(self) -> int:
        """How many requests are queued or sent and not answered yet."""
        return len(self._pending)

    def settle(self) -> None:
        """Wait for every answer, before the connection is used another way.

        Raises:
            OperationTimeoutError: a request timed out earlier: its late answer may still
                come, and ldap3 would take it for the answer to its own request (the caller
                must close the connection and reconnect).
        """
        if self.in_flight:
            self.drain()
        if self.abandoned:
            raise OperationTimeoutError(
                f"a request to {self.host} timed out earlier; the connection was "
                "closed so that its late answer cannot be taken for another's",
                host=self.host,
            )

    def submit(
        self,
        operation: bytes,
        *,
        name: str,
        dn: str,
        waiter: Waiter,
        controls: Sequence[Control] = (),
        before: Callable[[], None] | None = None,
        read_back: bool = False,
    ) -> int:
        """Queue one encoded protocol operation; return its message id.

        Args:
            operation: an ``encode_*`` function's bytes.
            name: the operation's name for messages (``add``, ``modify``).
            dn: the entry it is about, for messages.
            waiter: told of the answer.
            controls: request controls.
            before: run once before the batch holding this request is written.
            read_back: decode a Post-Read response control into ``Reply.entry``.
        """
        message_id = int(self._ldap.server.next_message_id())
        self._queued.append((message_id, encode_message(message_id, operation, controls), before))
        self.sent += 1
        deadline = time.monotonic() + self.timeout
        self._pending[message_id] = _Request(
            name=name, dn=dn, waiter=waiter, deadline=deadline, read_back=read_back
        )
        return message_id

    def add(
        self,
        dn: str,
        attributes: Mapping[str, Sequence[Value]],
        waiter: Waiter,
        *,
        read_back: Sequence[str] = (),
        before: Callable[[], None] | None = None,
    ) -> int:
        """Queue an add (with a Post-Read control when ``read_back`` names attributes)."""
        controls = [post_read_control(read_back)] if read_back else []
        return self.submit(
            encode_add(dn, attributes), name="add", dn=dn, waiter=waiter, controls=controls,
            before=before, read_back=bool(read_back),
        )  # fmt: skip

    def modify(self, dn: str, changes: Sequence[Modification], waiter: Waiter) -> int:
        """Queue a modify (the changes applied atomically, in order)."""
        return self.submit(encode_modify(dn, changes), name="modify", dn=dn, waiter=waiter)

    def modify_dn(
        self,
        dn: str,
        new_rdn: str,
        waiter: Waiter,
        *,
        delete_old_rdn: bool = True,
        new_superior: str | None = None,
    ) -> int:
        """Queue a rename and/or move."""
        operation = encode_modify_dn(
            dn, new_rdn, delete_old_rdn=delete_old_rdn, new_superior=new_superior
        )
        return self.submit(operation, name="modify DN", dn=dn, waiter=waiter)

    def delete(self, dn: str, waiter: Waiter) -> int:
        """Queue a delete of a leaf entry."""
        return self.submit(encode_delete(dn), name="delete", dn=dn, waiter=waiter)

    def password_modify(self, dn: str, new_password: Secret, waiter: Waiter) -> int:
        """Queue a Password Modify extended operation (RFC 3062) setting ``new_password``."""
        secret = new_password.reveal().encode("utf-8")
        operation = encode_password_modify(dn, secret)
        return self.submit(operation, name="password modify", dn=dn, waiter=waiter)

    # -- sending and receiving -------------------------------------------------------------

    def flush(self) -> None:
        """Write every queued request (after running their ``before`` hooks once each)."""
        if not self._queued:
            return
        queued, self._queued = self._queued, []
        for hook in dict.fromkeys(h for _, _, h in queued if h is not None):
            hook()
        data = b"".join(message for _, message, _ in queued)
        try:
            self._ldap.socket.sendall(data)
        except (OSError, AttributeError) as error:
            self._lose(transport_error(error, host=self.host, port=self.port))

    def wait(self, below: int) -> None:
        """Send what is queued, then read answers until fewer than ``below`` are out.

        Raises:
            TransportError: the connection was lost (every outstanding waiter was told).
        """
        self.flush()
        while len(self._pending) >= max(below, 1):
            self._receive()
            self.flush()  # a waiter may have queued the next request of its object

    def drain(self) -> None:
        """Send everything and wait for every answer."""
        self.wait(1)

    def discard(self, reason: str) -> None:
        """The connection is being closed: every outstanding request is lost."""
        if self._pending:
            self._fail_all(ServerUnreachableError(reason, host=self.host))

    def _fail_all(self, error: TransportError) -> None:
        pending, self._pending = self._pending, {}
        self._queued = []
        for request in pending.values():
            request.waiter.failed(error, lost=True)

    def _lose(self, error: TransportError) -> NoReturn:
        log.warning("connection to %s:%s lost with %d requests out", self.host, self.port,
                    len(self._pending))  # fmt: skip
        self._fail_all(error)
        raise error

    def _receive(self) -> None:
        """Read from the socket and dispatch every complete message (or expire the oldest)."""
        oldest = next(iter(self._pending.values()))
        sock = self._ldap.socket
        if sock is None:
            self._lose(ServerUnreachableError(f"the connection to {self.host} is closed"))
        previous = sock.gettimeout()
        try:
            sock.settimeout(max(oldest.deadline - time.monotonic(), 0.001))
            data = sock.recv(_RECEIVE_SIZE)
        except TimeoutError:
            self._expire()
            return
        except OSError as error:
            self._lose(transport_error(error, host=self.host, port=self.port))
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(previous)
        if not data:
            self._lose(ServerUnreachableError(
                f"{self.host}:{self.port} closed the connection", host=self.host
            ))  # fmt: skip
        self._buffer += data
        self._dispatch()

    def _expire(self) -> None:
        """Fail the requests whose time is up, alone, and abandon them on the server."""
        now = time.monotonic()
        for message_id, request in list(self._pending.items()):
            if request.deadline > now:
                break
            del self._pending[message_id]
            self._abandoned.add(message_id)
            self.submit_abandon(message_id)
            error = OperationTimeoutError(
                f"{self.host}:{self.port} did not answer the {request.name} of {request.dn} "
                f"within {self.timeout:g} s", host=self.host,
            )  # fmt: skip
            request.waiter.failed(error, lost=False)

    def submit_abandon(self, message_id: int) -> None:
        """Queue an Abandon for an outstanding request (it has no answer of its own)."""
        own = int(self._ldap.server.next_message_id())
        self._queued.append((own, encode_message(own, encode_abandon(message_id)), None))

    def _dispatch(self) -> None:
        # Each message leaves the buffer before its waiter runs: a waiter may read from the
        # connection, which drains this pipeline again (re-entrantly) from the same buffer.
        buffer = self._buffer
        while len(buffer) >= 2:
            try:
                size, contents = read_length(bytes(buffer[1:6]), 0)
            except IndexError:
                return  # the length itself is cut short
            end = contents + 1 + size
            if end > len(buffer):
                return
            message = bytes(buffer[:end])
            del buffer[:end]
            self._answer(message)

    def _answer(self, message: bytes) -> None:
        try:
            (_, raw_id), _ = list(iter_children(message))[:2]
            message_id = int.from_bytes(raw_id, "big", signed=True)
            request = self._pending.pop(message_id, None)
            reply = None if request is None else _parse_reply(message, request, message_id)
        except (BerError, IndexError, ValueError, LdapConnectorError) as error:
            self._lose(ServerUnreachableError(
                f"{self.host}:{self.port} sent a malformed answer ({error})", host=self.host
            ))  # fmt: skip
        if request is None or reply is None:
            if message_id in self._abandoned:
                self._abandoned.discard(message_id)  # answered before the Abandon arrived
                return
            self._unsolicited(message_id, message)
            return
        request.waiter.answered(reply)

    def _unsolicited(self, message_id: int, message: bytes) -> None:
        if message_id == 0 and _NOTICE_OF_DISCONNECTION in message:
            self._lose(ServerUnreachableError(
                f"{self.host}:{self.port} ended the session (notice of disconnection)",
                host=self.host,
            ))  # fmt: skip
        log.debug("dropped an answer to message %d (abandoned or unknown)", message_id)
