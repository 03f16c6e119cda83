"""Hypothesis round trips: every codec is lossless and every filter stays well formed."""

from __future__ import annotations

import re
import uuid

from hypothesis import given
from hypothesis import strategies as st

from ldapconnector.anchors import Anchor, AnchorKind

_ESCAPED_FILTER = re.compile(r"\((objectGUID|GUID)=(\\[0-9a-f]{2}){16}\)")

octets16 = st.binary(min_size=16, max_size=16)
hex8 = st.text(alphabet="0123456789abcdefABCDEF", min_size=8, max_size=8)


@given(raw=octets16)
def test_objectguid_round_trip(raw: bytes) -> None:
    """Any 16 octets survive decode -> canonical -> encode, and match uuid's bytes_le."""
    anchor = Anchor.from_directory(AnchorKind.OBJECT_GUID, raw)
    assert anchor.to_directory_value() == raw
    assert anchor.value == str(uuid.UUID(bytes_le=raw))
    assert Anchor.parse(AnchorKind.OBJECT_GUID, anchor.value.upper()) == anchor


@given(raw=octets16)
def test_edirectory_guid_round_trip(raw: bytes) -> None:
    """Any 16 octets survive the eDirectory codec, in network byte order."""
    anchor = Anchor.from_directory(AnchorKind.EDIRECTORY_GUID, raw)
    assert anchor.to_directory_value() == raw
    assert anchor.value == str(uuid.UUID(bytes=raw))


@given(raw=octets16, kind=st.sampled_from([AnchorKind.OBJECT_GUID, AnchorKind.EDIRECTORY_GUID]))
def test_binary_filters_are_fully_escaped(raw: bytes, kind: AnchorKind) -> None:
    """Whatever the bytes, the filter is the attribute and sixteen \\xx escapes."""
    assert _ESCAPED_FILTER.fullmatch(Anchor.from_directory(kind, raw).search_filter())


@given(value=st.uuids())
def test_entry_uuid_round_trip(value: uuid.UUID) -> None:
    """Any UUID, in any case, reads back as its lower-case RFC 4530 string."""
    text = str(value)
    anchor = Anchor.from_directory(AnchorKind.ENTRY_UUID, text.upper())
    assert anchor.value == text
    assert anchor.to_directory_value() == text
    assert Anchor.from_directory(AnchorKind.ENTRY_UUID, value.bytes) == anchor


@given(groups=st.lists(hex8, min_size=4, max_size=4))
def test_ns_unique_id_round_trip(groups: list[str]) -> None:
    """Any four groups of eight hex digits round-trip as the lower-case nsUniqueId."""
    text = "-".join(groups)
    anchor = Anchor.from_directory(AnchorKind.NS_UNIQUE_ID, text.encode("ascii"))
    assert anchor.value == text.lower()
    assert Anchor.from_directory(AnchorKind.NS_UNIQUE_ID, anchor.to_directory_value()) == anchor


@given(
    value=st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
    )
)
def test_ibm_entry_uuid_tokens_round_trip(value: str) -> None:
    """Printable tokens round-trip, and their filter escapes ``* ( ) \\`` (RFC 4515)."""
    anchor = Anchor.from_directory(AnchorKind.IBM_ENTRY_UUID, value)
    assert Anchor.from_directory(AnchorKind.IBM_ENTRY_UUID, anchor.to_directory_value()) == anchor
    inner = anchor.search_filter()[len("(ibm-entryUUID=") : -1]
    assert not any(c in inner for c in "*()")
    assert re.sub(r"\\[0-9a-f]{2}", "", inner).count("\\") == 0


@given(value=st.text(min_size=1).filter(lambda t: t.strip() and "\0" not in t))
def test_dn_round_trip_and_filter_escaping(value: str) -> None:
    """Any DN text round-trips and is the base of its own lookup."""
    anchor = Anchor.from_directory(AnchorKind.DN, value)
    assert anchor.to_directory_value() == value.strip()
    assert anchor.lookup_plan("dc=x").base_dn == value.strip()
