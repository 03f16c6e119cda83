"""Control values in BER, without a server: DirSync, reverse sort and Post-Read."""

from __future__ import annotations

import pytest

from ldapconnector.connection import DirSyncFlag, decode_dirsync_response, encode_dirsync_request
from ldapconnector.connection._post_read import post_read_control
from ldapconnector.connection._vlv import decode_vlv_response, encode_sort_request


def test_request_encodes_flags_as_signed_32_bit() -> None:
    """The request is SEQUENCE {flags, maxBytes, cookie}; INCREMENTAL_VALUES goes negative."""
    assert encode_dirsync_request(0, 1024, b"ck") == bytes.fromhex("300b020100020204000402") + b"ck"
    value = encode_dirsync_request(DirSyncFlag.INCREMENTAL_VALUES, 1, b"")
    assert value[2:8] == bytes.fromhex("020480000000")


def test_response_decodes_from_ber_and_from_ldap3_mapping() -> None:
    """moreResults and cookie come out of raw BER and of ldap3's decoded mapping alike."""
    ber = bytes.fromhex("300c0201010201000404") + b"cook"
    assert decode_dirsync_response(ber) == (True, b"cook")
    assert decode_dirsync_response({"more_results": False, "cookie": b"x"}) == (False, b"x")
    with pytest.raises(ValueError, match="DirSync"):
        decode_dirsync_response(None)


def test_truncated_dirsync_response_is_refused() -> None:
    """A response cut inside its fields, or missing the cookie, is a ValueError."""
    with pytest.raises(ValueError, match="truncated DirSync"):
        decode_dirsync_response(bytes.fromhex("300c0201010201000404") + b"co")
    with pytest.raises(ValueError, match="truncated DirSync"):
        decode_dirsync_response(bytes.fromhex("3006020101020100"))


def test_reverse_sort_key_carries_reverse_order_true() -> None:
    """SortKey { attributeType "sn", reverseOrder [1] TRUE } inside the SortKeyList."""
    assert encode_sort_request("sn", reverse=True) == bytes.fromhex("300930070402736e8101ff")


def test_post_read_selection_is_a_sequence_of_names() -> None:
    """The Post-Read request value is SEQUENCE OF LDAPString, sent non-critical."""
    oid, critical, value = post_read_control(["entryUUID", "cn"])
    assert (oid, critical) == ("1.3.6.1.1.13.2", False)
    assert value == bytes.fromhex("300f0409") + b"entryUUID" + bytes.fromhex("0402") + b"cn"


def test_vlv_response_with_context_and_malformed_values() -> None:
    """A context id comes back as bytes; a response that is not a SEQUENCE is refused."""
    window = decode_vlv_response(bytes.fromhex("300f020101020103 0a0100 0404") + b"ctx1")
    assert (window.target_position, window.content_count, window.context_id) == (1, 3, b"ctx1")
    with pytest.raises(ValueError, match="SEQUENCE"):
        decode_vlv_response(bytes.fromhex("020101"))
    with pytest.raises(ValueError, match="VLV"):
        decode_vlv_response(bytes.fromhex("3003020101"))
