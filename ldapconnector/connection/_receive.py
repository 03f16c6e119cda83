"""Framing: cut the bytes a socket delivers into whole LDAPMessages.

ldap3 reads 4 KiB at a time and re-slices what it has not framed yet after every message;
over a search of 100,000 entries that is thousands of ``recv`` calls and a copy per
message of everything still unread. This reader asks for 64 KiB at a time, walks the
message headers with indices, and copies each message out once. A message larger than
what arrived is completed by joining the chunks once, not by growing a buffer per chunk.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["RECEIVE_SIZE", "frame_messages", "receive_messages"]

#: Bytes asked for per ``recv``: a page of ordinary entries comes in a few dozen calls.
RECEIVE_SIZE = 1 << 16
_LONG_FORM = 0x80


def frame_messages(data: bytes, messages: list[bytes]) -> tuple[int, int]:
    """Append the whole messages at the start of ``data`` to ``messages``.

    Returns:
        (where the first incomplete message starts, how many bytes that message needs in
        all, or 0 when its header is itself incomplete).
    """
    index = 0
    end = len(data)
    while end - index >= 2:
        first = data[index + 1]
        if first < _LONG_FORM:
            total = first + 2
        else:
            count = first & 0x7F
            if end - index < 2 + count:
                return index, 0
            total = 2 + count + int.from_bytes(data[index + 2 : index + 2 + count], "big")
        if end - index < total:
            return index, total
        messages.append(data[index : index + total])
        index += total
    return index, 0


def receive_messages(recv: Callable[[int], bytes]) -> list[bytes]:
    """Read until the data ends on a message boundary; return the whole messages.

    Args:
        recv: the socket's ``recv`` (an ``ssl.SSLSocket``'s for TLS).

    Returns:
        The messages read, in order; empty when the peer closed the connection first (a
        message cut short by the close is dropped, as ldap3 does).
    """
    messages: list[bytes] = []
    data = recv(RECEIVE_SIZE)
    while data:
        index, total = frame_messages(data, messages)
        if index == len(data):
            return messages
        pieces = [data[index:]]
        have = len(pieces[0])
        # Read at least one more chunk, then until the incomplete message is whole.
        while True:
            chunk = recv(RECEIVE_SIZE)
            if not chunk:
                return messages
            pieces.append(chunk)
            have += len(chunk)
            if have >= total:
                break
        data = b"".join(pieces)
    return messages
