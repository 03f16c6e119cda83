"""A lean reader for search results: straight from the BER bytes to :class:`Entry`.

ldap3 decodes every message into generic nested tuples and then builds two
case-insensitive dicts per entry (FIELD_NOTES: ~29 % of a search in BER decoding, ~59 % in
the dicts). The connector needs neither: it wants the DN and the raw values and decides
text versus binary itself. This strategy keeps ldap3's socket handling, framing and every
other message type, and reads ``searchResEntry`` messages (RFC 4511 section 4.5.2) with a
small purpose-built parser; anything it does not recognise goes down ldap3's own path.
Long-form lengths are read with the BER codec's raw :func:`read_length`; short-form ones
are read inline in the loop over attributes (a call per element would cost more).
"""

from __future__ import annotations

from typing import Any

from ldap3.core.exceptions import LDAPSocketReceiveError
from ldap3.strategy.base import RESPONSE_COMPLETE, SESSION_TERMINATED_BY_SERVER, TRANSACTION_ERROR
from ldap3.strategy.sync import SyncStrategy
from ldap3.utils.asn1 import decode_message_fast

from ldapconnector.connection._ber import Tag, TagClass, make_tag, read_length
from ldapconnector.model import DEFAULT_BINARY_ATTRIBUTES, Entry, entry_from_raw

__all__ = ["LeanSyncStrategy", "parse_search_entry", "use_lean_decoder"]

# Plain ints, not the enum members: each message's header is compared against them.
_SEQUENCE = int(Tag.SEQUENCE)
_INTEGER = int(Tag.INTEGER)
_SEARCH_RESULT_ENTRY = make_tag(TagClass.APPLICATION, 4, constructed=True)  # 0x64
# Responses after which more messages follow for the same request.
_NOT_FINAL_TYPES = frozenset({"searchResEntry", "searchResRef", "intermediateResponse"})
_NOTICE_OF_DISCONNECTION = "1.3.6.1.4.1.1466.20036"
_NOVELL_TRANSACTION_ERROR = "2.16.840.1.113719.1.27.103.4"


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
    """ldap3's synchronous strategy with searchResEntry read straight into an Entry."""

    binary_attributes: frozenset[str] = DEFAULT_BINARY_ATTRIBUTES

    def _entry(self, message: bytes, message_id: int) -> Entry | None:
        try:
            parsed = parse_search_entry(message, message_id)
        except IndexError:
            return None  # malformed for this parser: let ldap3's decoder judge it
        if parsed is None:
            return None
        dn, raw = parsed
        attributes = {name.decode("utf-8"): values for name, values in raw.items()}
        return entry_from_raw(dn.decode("utf-8"), attributes, self.binary_attributes)

    def _get_response(self, message_id: int, timeout: Any) -> Any:
        """Collect the responses to one request, as ldap3's SyncStrategy does.

        Returns the response dicts, the result dict and ``RESPONSE_COMPLETE``, or one of
        ldap3's markers when the server ended the session.
        """
        responses: list[Any] = []
        while True:
            received = self.receiving()
            if not received:
                return SESSION_TERMINATED_BY_SERVER
            for message in received:
                if not message:
                    continue
                entry = self._entry(message, message_id)
                if entry is not None:
                    responses.append({"type": "searchResEntry", "entry": entry})
                    continue
                response = self._general(message, message_id)
                if isinstance(response, str):
                    return response
                responses.append(response)
                if response["type"] not in _NOT_FINAL_TYPES:
                    responses.append(RESPONSE_COMPLETE)
                    return responses

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
