"""The Post-Read control (RFC 4527): read what the server made of an entry while adding it.

Saves the read-back round trip after an add (the anchor, ``entryUUID``, is made by the
server). The control is sent non-critical, so servers without it (AD) simply ignore it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ldapconnector.connection._ber import encode_octet_string, encode_sequence
from ldapconnector.model import POST_READ_OID, Entry, entry_from_raw

__all__ = ["post_read_control", "post_read_entry"]


def post_read_control(attributes: Sequence[str]) -> tuple[str, bool, bytes]:
    """The request control: ``AttributeSelection`` (a SEQUENCE OF LDAPString), not critical."""
    selection = (encode_octet_string(name.encode("utf-8")) for name in attributes)
    return POST_READ_OID, False, encode_sequence(*selection)


def post_read_entry(result: Mapping[str, Any], dn: str) -> Entry | None:
    """The entry the server returned in the Post-Read response control, or None."""
    control = (result.get("controls") or {}).get(POST_READ_OID)
    if not control:
        return None
    read = (control.get("value") or {}).get("result") or {}
    raw = {
        str(name): [v if isinstance(v, bytes) else str(v).encode("utf-8") for v in values]
        for name, values in read.items()
    }
    return entry_from_raw(dn, raw)
