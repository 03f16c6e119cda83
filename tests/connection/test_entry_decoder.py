"""The one-pass entry decoder and the framing reader, against hand-built BER messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.connection._entry_decoder import EntryDecoder
from ldapconnector.connection._lean import message_header, parse_search_entry
from ldapconnector.connection._receive import RECEIVE_SIZE, frame_messages, receive_messages
from ldapconnector.errors import LdapConnectorError
from ldapconnector.model import entry_from_raw
from tests.connection.test_lean_parser import entry_message

NAMES = st.sampled_from([b"cn", b"jpegPhoto", b"userCertificate;binary", b"mail", b"CN", b"o"])


@given(
    st.integers(min_value=1, max_value=32000),
    st.text(max_size=300),
    st.dictionaries(NAMES, st.lists(st.binary(max_size=300), max_size=4), max_size=5),
)
def test_decodes_as_entry_from_raw_does(
    message_id: int, dn: str, attributes: dict[bytes, list[bytes]]
) -> None:
    """Text, invalid UTF-8 and binary attributes come out as entry_from_raw makes them."""
    message = entry_message(message_id, dn.encode(), attributes)
    parsed = parse_search_entry(message, message_id)
    assert parsed is not None
    raw = {name.decode(): values for name, values in parsed[1].items()}
    expected = entry_from_raw(dn, raw)
    assert EntryDecoder().decode(message) == expected
    assert message_header(message) == (message_id, 0x64)


@pytest.mark.parametrize("size", [0, 1, 127, 128, 129, 255, 256, 70_000])
@pytest.mark.parametrize("name", [b"cn", b"jpegPhoto"])
@pytest.mark.parametrize("count", [0, 1, 2])
def test_lengths_at_the_short_form_boundary(size: int, name: bytes, count: int) -> None:
    """Values of every length form decode whole, alone or not (0x81 0x80 is no short form)."""
    values = [bytes([0x41 + i]) * size for i in range(count)]
    message = entry_message(5, b"uid=a,dc=x", {name: values, b"sn": [b"\xff" * size]})
    expected = entry_from_raw("uid=a,dc=x", {name.decode(): values, "sn": [b"\xff" * size]})
    assert EntryDecoder().decode(message) == expected


@pytest.mark.parametrize("size", [1, 127, 128, 300])
@pytest.mark.parametrize("message_id", [1, 200, 32000])
def test_dns_and_message_ids_of_either_length_form(size: int, message_id: int) -> None:
    """The DN comes out whole whether its length (or the message id's) is short or long."""
    dn = "x" * size
    message = entry_message(message_id, dn.encode(), {b"cn": [b"A"]})
    assert EntryDecoder().decode(message) == entry_from_raw(dn, {"cn": [b"A"]})


@pytest.mark.parametrize(
    ("message", "header"),
    [
        (bytes.fromhex("3006020105650100"), (5, 0x65)),  # short forms throughout
        (bytes.fromhex("30840000000802810200ff650100"), (255, 0x65)),  # long forms
        (bytes.fromhex("300602"), (-1, -1)),  # cut short
    ],
    ids=["short", "long", "cut"],
)
def test_message_header_reads_either_length_form(message: bytes, header: tuple[int, int]) -> None:
    """The message id and operation tag come out whatever form the lengths take."""
    assert message_header(message) == header


def test_a_cut_entry_is_an_error_naming_its_position() -> None:
    """A truncated entry raises LdapConnectorError with the base and the entry's number."""
    decoder = EntryDecoder(base="ou=people,dc=x")
    good = entry_message(3, b"uid=a,dc=x", {b"cn": [b"A"]})
    decoder.decode(good)
    with pytest.raises(LdapConnectorError, match=r"entry 2 of the search of 'ou=people,dc=x'"):
        decoder.decode(good[:-3])


def test_framing_keeps_an_incomplete_message_for_later() -> None:
    """Whole messages are cut out; the incomplete one's start and full size come back."""
    first = entry_message(1, b"dc=x", {b"o": [b"x"]})
    big = entry_message(2, b"dc=x", {b"jpegPhoto": [bytes(300)]})
    messages: list[bytes] = []
    assert frame_messages(first + big[:10], messages) == (len(first), len(big))
    assert messages == [first]
    assert frame_messages(big[:1], []) == (0, 0)


@pytest.mark.parametrize("chunk", [1, 7, 100, RECEIVE_SIZE])
def test_receive_reassembles_messages_split_anywhere(chunk: int) -> None:
    """Messages delivered in pieces of any size, across pieces, come back whole, in order."""
    sent = [entry_message(i, b"dc=x", {b"cn": [bytes(i * 37 % 700)]}) for i in range(1, 40)]
    stream = b"".join(sent)
    position = 0

    def recv(size: int) -> bytes:
        nonlocal position
        piece = stream[position : position + min(size, chunk)]
        position += len(piece)
        return piece

    received: list[bytes] = []
    while position < len(stream):
        received.extend(receive_messages(recv))
    assert received == sent


def test_receive_returns_nothing_when_the_peer_closed() -> None:
    """An empty read (the server closed the connection) gives no messages."""
    assert receive_messages(lambda _size: b"") == []
