"""A lean reader for search results: raw searchResEntry messages, read ahead of need.

ldap3 decodes every message into generic nested tuples and then builds two
case-insensitive dicts per entry (FIELD_NOTES: ~29 % of a search in BER decoding, ~59 % in
the dicts). The connector needs neither: it wants the DN and the raw values and decides
text versus binary itself. This strategy keeps ldap3's socket, request encoding and every
other message type; it frames messages itself (:mod:`._receive`), hands a search's
``searchResEntry`` messages (RFC 4511 section 4.5.2) back undecoded for the connection to
parse as its caller reads (:func:`parse_search_entry`), and keeps the messages of a
request sent ahead of time (the next page) apart from those of the request waited for.
Long-form lengths are read with the BER codec's raw :func:`read_length`; short-form ones
are read inline in the loop over attributes (a call per element would cost more).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from ldap3 import DIGEST_MD5
from ldap3.core.exceptions import (
    LDAPExceptionError,
    LDAPSASLBindInProgressError,
    LDAPSocketOpenError,
    LDAPSocketReceiveError,
    LDAPSocketSendError,
    communication_exception_factory,
)
from ldap3.strategy.base import RESPONSE_COMPLETE, SESSION_TERMINATED_BY_SERVER, TRANSACTION_ERROR
from ldap3.strategy.sync import SyncStrategy
from ldap3.utils.asn1 import decode_message_fast

from ldapconnector.connection._ber import Tag, TagClass, make_tag, read_length
from ldapconnector.connection._receive import receive_messages

__all__ = [
    "RAW_ENTRIES",
    "LeanSyncStrategy",
    "message_header",
    "parse_search_entry",
    "use_lean_decoder",
]

#: The response type under which a search's undecoded entries come back.
RAW_ENTRIES = "searchResEntry raw"
# Plain ints, not the enum members: each message's header is compared against them.
_SEQUENCE = int(Tag.SEQUENCE)
_INTEGER = int(Tag.INTEGER)
_LONG = 0x80  # a length byte with this bit set is the long form's count of bytes
_SEARCH_RESULT_ENTRY = make_tag(TagClass.APPLICATION, 4, constructed=True)  # 0x64
# Responses after which more messages follow for the same request.
_NOT_FINAL_TYPES = frozenset({"searchResEntry", "searchResRef", "intermediateResponse"})
_NOT_FINAL_TAGS = frozenset(
    {
        _SEARCH_RESULT_ENTRY,
        make_tag(TagClass.APPLICATION, 19, constructed=True),  # searchResRef
        make_tag(TagClass.APPLICATION, 25, constructed=True),  # intermediateResponse
    }
)
_NOTICE_OF_DISCONNECTION = "1.3.6.1.4.1.1466.20036"
_NOVELL_TRANSACTION_ERROR = "2.16.840.1.113719.1.27.103.4"


def message_header(message: bytes) -> tuple[int, int]:
    """An LDAPMessage's (message id, protocol operation tag byte); (-1, -1) if unreadable.

    Called for every message a search receives, so the lengths are read inline (the
    messageID's is short in practice; a long one takes :func:`read_length`).
    """
    try:
        first = message[1]
        index = 2 if first < _LONG else 2 + (first & 0x7F)
        size = message[index + 1]
        if size < _LONG:
            index += 2
        else:
            size, index = read_length(message, index + 1)
        return int.from_bytes(message[index : index + size], "big", signed=True), message[
            index + size
        ]
    except IndexError:
        return -1, -1


def parse_search_entry(
    message: bytes, message_id: int
) -> tuple[bytes, dict[bytes, list[bytes]]] | None:
    """Parse one LDAPMessage if it is a searchResEntry for ``message_id``.

    Returns:
        (raw DN, raw attribute name -> raw values), or None for any other message (which
        the caller hands to ldap3's general decoder).
    """
    if message[0] != _SEQUENCE:
        return None
    _, index = read_length(message, 1)
    if message[index] != _INTEGER:
        return None
    size, index = read_length(message, index + 1)
    if int.from_bytes(message[index : index + size], "big", signed=True) != message_id:
        return None
    index += size
    if message[index] != _SEARCH_RESULT_ENTRY:
        return None
    _, index = read_length(message, index + 1)
    size, index = read_length(message, index + 1)  # objectName
    dn = message[index : index + size]
    size, index = read_length(message, index + size + 1)  # PartialAttributeList
    return dn, _attributes(message, index, index + size)


def _attributes(message: bytes, index: int, end: int) -> dict[bytes, list[bytes]]:
    # The hot loop of every search: short-form lengths (< 128) are read inline, since a
    # function call per element costs more than the parsing itself.
    attributes: dict[bytes, list[bytes]] = {}
    while index < end:
        size = message[index + 1]  # PartialAttribute SEQUENCE: skip its header
        index += 2 if size < 0x80 else 2 + (size & 0x7F)
        size = message[index + 1]  # type
        if size < 0x80:
            index += 2
        else:
            size, index = read_length(message, index + 1)
        name = message[index : index + size]
        index += size
        size = message[index + 1]  # SET OF value
        if size < 0x80:
            index += 2
        else:
            size, index = read_length(message, index + 1)
        values_end = index + size
        values: list[bytes] = []
        while index < values_end:
            size = message[index + 1]
            if size < 0x80:
                index += 2
            else:
                size, index = read_length(message, index + 1)
            values.append(message[index : index + size])
            index += size
        attributes[name] = values
    return attributes


class LeanSyncStrategy(SyncStrategy):  # type: ignore[misc]  # ldap3 ships no type hints
    """ldap3's synchronous strategy, reading search entries raw and requests in parallel.

    - ``searchResEntry`` messages are not decoded here: a search's entries come back as
      one ``{"type": RAW_ENTRIES, "raw": [message, ...]}`` item, which the connection
      decodes as its caller reads (:class:`~ldapconnector.connection._entry_decoder.EntryDecoder`).
    - A request registered with :meth:`expect` (a search page asked for ahead of time) may
      be answered while another request's responses are read: its messages are kept for
      it, so reading ahead never disturbs the request being waited for.
    - :meth:`forget` drops the answers of a request nobody will read any more.
    - :meth:`send_encoded` sends a request already encoded as bytes
      (:mod:`~ldapconnector.connection._encoder`) with ``send``'s checks and bookkeeping.
    """

    def send_encoded(self, message: Callable[[int], bytes], request: dict[str, Any]) -> int:
        """Send the LDAPMessage ``message(message_id)`` builds; return its message id.

        ldap3's ``send`` without its pyasn1 tree: the same checks (an open socket, no SASL
        bind under way), the same message ids, and ``request`` (ldap3's description of
        the request) recorded as outstanding, so the answer is collected as for any
        request. Not for a connection whose messages ldap3 must sign (DIGEST-MD5
        integrity): the caller sends those through ldap3.
        """
        connection = self.connection
        connection.request = None
        if not connection.listening:
            connection.last_error = "unable to send message, socket is not open"
            raise LDAPSocketOpenError(connection.last_error)
        if connection.sasl_in_progress:
            connection.last_error = "cannot send operation requests while SASL bind is in progress"
            raise LDAPSASLBindInProgressError(connection.last_error)
        message_id = int(connection.server.next_message_id())
        data = message(message_id)
        connection.request = request
        self._outstanding[message_id] = request
        try:
            connection.socket.sendall(data)
        except OSError as error:
            connection.last_error = f"socket sending error{error}"
            raise communication_exception_factory(LDAPSocketSendError, type(error)(str(error)))(
                connection.last_error
            ) from None
        return message_id

    def _lean_state(self) -> tuple[dict[int, list[bytes]], set[int]]:
        # The class is swapped onto an existing ldap3 strategy, so the state is made here.
        try:
            return self._kept, self._dropped
        except AttributeError:
            self._kept: dict[int, list[bytes]] = {}
            self._dropped: set[int] = set()
            return self._kept, self._dropped

    def expect(self, message_id: int) -> None:
        """Keep the messages of ``message_id`` when they arrive while others are read."""
        self._lean_state()[0].setdefault(message_id, [])

    def forget(self, message_id: int) -> None:
        """Discard the answers of ``message_id``, kept and still to come."""
        kept, dropped = self._lean_state()
        if self._outstanding:  # ldap3 sets it to None when the connection closes
            self._outstanding.pop(message_id, None)
        if kept.pop(message_id, None) is not None:
            dropped.add(message_id)

    def receiving(self) -> list[bytes]:
        """Read whole messages from the socket (64 KiB reads; see :mod:`._receive`)."""
        connection = self.connection
        if connection.sasl_mechanism == DIGEST_MD5 and connection._digest_md5_kis:
            return super().receiving()  # type: ignore[no-any-return]  # signed SASL framing
        try:
            return receive_messages(connection.socket.recv)
        except (OSError, AttributeError) as error:
            connection.last_error = f"error receiving data: {error}"
            with contextlib.suppress(OSError, LDAPExceptionError):
                self.close()
            raise communication_exception_factory(LDAPSocketReceiveError, type(error)(str(error)))(
                connection.last_error
            ) from None

    def _set_aside(self, message: bytes, received_id: int, operation: int) -> bool:
        """Keep or drop a message of another request; False when it is nobody's."""
        kept, dropped = self._lean_state()
        if received_id in kept:
            kept[received_id].append(message)
            return True
        if received_id in dropped:
            if operation not in _NOT_FINAL_TAGS:
                dropped.discard(received_id)
            return True
        return False

    def _get_response(self, message_id: int, timeout: Any) -> Any:
        """Collect the responses to one request, as ldap3's SyncStrategy does.

        Returns the raw entries item, the other response dicts, the result dict and
        ``RESPONSE_COMPLETE``, or one of ldap3's markers when the server ended the session.
        """
        kept, _ = self._lean_state()
        entries: list[bytes] = []
        responses: list[Any] = [{"type": RAW_ENTRIES, "raw": entries}]
        batch = kept.pop(message_id, None) or self.receiving()
        while batch:
            for position, message in enumerate(batch):
                if not message:
                    continue
                received_id, operation = message_header(message)
                if received_id != message_id and self._set_aside(message, received_id, operation):
                    continue
                if received_id == message_id and operation == _SEARCH_RESULT_ENTRY:
                    entries.append(message)
                    continue
                response = self._general(message, message_id)
                if isinstance(response, str):
                    return response
                responses.append(response)
                if response["type"] not in _NOT_FINAL_TYPES:
                    self._keep_rest(batch[position + 1 :])
                    responses.append(RESPONSE_COMPLETE)
                    return responses
            batch = self.receiving()
        return SESSION_TERMINATED_BY_SERVER

    def _keep_rest(self, rest: list[bytes]) -> None:
        """Messages read past the end of a response belong to requests read ahead."""
        for message in rest:
            received_id, operation = message_header(message)
            if not self._set_aside(message, received_id, operation):
                self._lean_state()[0].setdefault(received_id, []).append(message)

    def _general(self, message: bytes, message_id: int) -> Any:
        """Decode any other message with ldap3's decoder and apply its checks."""
        decoded = decode_message_fast(message)
        response = self.decode_response_fast(decoded)
        received_id = int(decoded["messageID"])
        if received_id == message_id:
            return response
        if received_id == 0:  # an unsolicited notification (RFC 4511 section 4.4)
            name = response.get("responseName")
            if name == _NOTICE_OF_DISCONNECTION:
                return SESSION_TERMINATED_BY_SERVER
            if name == _NOVELL_TRANSACTION_ERROR:
                return TRANSACTION_ERROR
        raise LDAPSocketReceiveError(f"unexpected message id {received_id} (wanted {message_id})")


def use_lean_decoder(strategy: SyncStrategy) -> None:
    """Switch an ldap3 connection's synchronous strategy to :class:`LeanSyncStrategy`."""
    # Changing the class keeps the strategy's state and the bound methods ldap3 cached on
    # the connection (send, open, ...); only the response reading resolves differently.
    strategy.__class__ = LeanSyncStrategy
