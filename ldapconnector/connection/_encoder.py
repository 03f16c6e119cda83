"""Request encoder: LDAPMessage envelopes written straight as BER bytes (RFC 4511 section 4).

ldap3 builds every request as a tree of pyasn1 objects and encodes it generically: about
half of the client's CPU per add (FIELD_NOTES, "Writes"). The requests the export writes
have a fixed shape, so this module writes their bytes directly, with the same choices as
pyasn1's encoder (definite lengths in the shortest form, BOOLEAN true as ``0xFF``, a
control's criticality left out when false), which the golden-byte tests check against
ldap3's own encoding. ldap3 keeps doing connect, TLS, bind and SASL; the pipeline
(:mod:`~ldapconnector.connection._pipeline`) sends these bytes on its socket.

Text (DNs, attribute names, string values) is encoded as UTF-8; ``bytes`` values go as
they are. Nothing here checks DN or filter syntax: the callers build escaped DNs
(:mod:`ldapconnector.dn`) and escaped filters (:mod:`ldapconnector.escaping`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ldapconnector.connection._ber import (
    encode_boolean,
    encode_enumerated,
    encode_integer,
    encode_octet_string,
    encode_sequence,
    encode_tlv,
)
from ldapconnector.connection._filter import encode_filter
from ldapconnector.model import (
    PASSWORD_MODIFY_OID,
    Control,
    Modification,
    ModifyOp,
    SearchScope,
    Value,
)

__all__ = [
    "ALWAYS_DEREFERENCE",
    "NEVER_DEREFERENCE",
    "encode_abandon",
    "encode_add",
    "encode_compare",
    "encode_delete",
    "encode_extended",
    "encode_message",
    "encode_modify",
    "encode_modify_dn",
    "encode_paged_results",
    "encode_password_modify",
    "encode_search",
]

# Protocol operation tags (RFC 4511 appendix B): [APPLICATION n], constructed unless noted.
_ADD = 0x68
_MODIFY = 0x66
_MODIFY_DN = 0x6C
_DELETE = 0x4A  # primitive: the LDAPDN itself
_COMPARE = 0x6E
_EXTENDED = 0x77
_SEARCH = 0x63
_ABANDON = 0x50  # primitive: the MessageID itself
_CONTROLS = 0xA0  # [0] Controls
_NEW_SUPERIOR = 0x80  # [0] LDAPDN in a ModifyDNRequest
_REQUEST_NAME = 0x80  # [0] LDAPOID in an ExtendedRequest
_REQUEST_VALUE = 0x81  # [1] OCTET STRING in an ExtendedRequest
# PasswdModifyRequestValue (RFC 3062 section 2): [0] user, [1] old, [2] new.
_USER_IDENTITY = 0x80
_OLD_PASSWORD = 0x81
_NEW_PASSWORD = 0x82

#: ModifyRequest operation codes (RFC 4511 section 4.6; increment from RFC 4525).
_MODIFY_CODES = {ModifyOp.ADD: 0, ModifyOp.DELETE: 1, ModifyOp.REPLACE: 2, ModifyOp.INCREMENT: 3}
#: SearchRequest scope codes (RFC 4511 section 4.5.1.2).
_SCOPE_CODES = {SearchScope.BASE: 0, SearchScope.ONE_LEVEL: 1, SearchScope.SUBTREE: 2}
#: SearchRequest derefAliases codes (RFC 4511 section 4.5.1.3).
NEVER_DEREFERENCE = 0
ALWAYS_DEREFERENCE = 3


def _octets(value: Value) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _string(text: str) -> bytes:
    return encode_octet_string(text.encode("utf-8"))


def _control(control: Control) -> bytes:
    oid, critical, value = control
    parts = [_string(oid)]
    if critical:  # criticality DEFAULT FALSE: pyasn1 (and the servers) leave false out
        parts.append(encode_boolean(True))
    if value is not None:
        parts.append(encode_octet_string(value))
    return encode_sequence(*parts)


def encode_message(message_id: int, operation: bytes, controls: Sequence[Control] = ()) -> bytes:
    """The LDAPMessage envelope: message id, the encoded protocol operation, the controls.

    Args:
        message_id: the request's id (1 to 2**31 - 1).
        operation: one ``encode_*`` function's protocol operation bytes.
        controls: request controls, each ``(oid, critical, BER value or None)``.
    """
    parts = [encode_integer(message_id), operation]
    if controls:
        parts.append(encode_sequence(*(_control(c) for c in controls), tag=_CONTROLS))
    return encode_sequence(*parts)


def _attribute(name: str, values: Iterable[Value]) -> bytes:
    vals = b"".join(encode_octet_string(_octets(v)) for v in values)
    return encode_sequence(_string(name), encode_tlv(0x31, vals))


def encode_add(dn: str, attributes: Mapping[str, Sequence[Value]]) -> bytes:
    """An AddRequest (RFC 4511 section 4.7): the DN and every attribute with its values."""
    listed = b"".join(_attribute(name, values) for name, values in attributes.items())
    return encode_sequence(_string(dn), encode_tlv(0x30, listed), tag=_ADD)


def encode_modify(dn: str, changes: Sequence[Modification]) -> bytes:
    """A ModifyRequest (RFC 4511 section 4.6): the changes in order, applied atomically."""
    listed = b"".join(
        encode_sequence(
            encode_enumerated(_MODIFY_CODES[change.op]), _attribute(change.attribute, change.values)
        )
        for change in changes
    )
    return encode_sequence(_string(dn), encode_tlv(0x30, listed), tag=_MODIFY)


def encode_modify_dn(
    dn: str, new_rdn: str, *, delete_old_rdn: bool = True, new_superior: str | None = None
) -> bytes:
    """A ModifyDNRequest (RFC 4511 section 4.9): rename and/or move one entry."""
    parts = [_string(dn), _string(new_rdn), encode_boolean(delete_old_rdn)]
    if new_superior is not None:
        parts.append(encode_octet_string(new_superior.encode("utf-8"), tag=_NEW_SUPERIOR))
    return encode_sequence(*parts, tag=_MODIFY_DN)


def encode_delete(dn: str) -> bytes:
    """A DelRequest (RFC 4511 section 4.8): the DN of a leaf entry."""
    return encode_octet_string(dn.encode("utf-8"), tag=_DELETE)


def encode_compare(dn: str, attribute: str, value: Value) -> bytes:
    """A CompareRequest (RFC 4511 section 4.10): does the entry hold this value?"""
    assertion = encode_sequence(_string(attribute), encode_octet_string(_octets(value)))
    return encode_sequence(_string(dn), assertion, tag=_COMPARE)


def encode_extended(name: str, value: bytes | None = None) -> bytes:
    """An ExtendedRequest (RFC 4511 section 4.12): the operation's OID and its value."""
    parts = [encode_octet_string(name.encode("ascii"), tag=_REQUEST_NAME)]
    if value is not None:
        parts.append(encode_octet_string(value, tag=_REQUEST_VALUE))
    return encode_sequence(*parts, tag=_EXTENDED)


def encode_password_modify(
    user: str | None, new_password: bytes | None, old_password: bytes | None = None
) -> bytes:
    """The Password Modify extended request (RFC 3062): each field only when given."""
    fields = [
        (_USER_IDENTITY, user.encode("utf-8") if user is not None else None),
        (_OLD_PASSWORD, old_password),
        (_NEW_PASSWORD, new_password),
    ]
    given = [encode_octet_string(v, tag=t) for t, v in fields if v is not None]
    # With no field at all the value is left out (the server generates the password).
    return encode_extended(PASSWORD_MODIFY_OID, encode_sequence(*given) if given else None)


def encode_abandon(message_id: int) -> bytes:
    """An AbandonRequest (RFC 4511 section 4.11) for an outstanding request's id."""
    return encode_integer(message_id, tag=_ABANDON)


def encode_search(
    base: str,
    search_filter: str,
    *,
    scope: SearchScope = SearchScope.SUBTREE,
    attributes: Sequence[str] = ("*",),
    size_limit: int = 0,
    time_limit: int = 0,
    types_only: bool = False,
    dereference: int = NEVER_DEREFERENCE,
) -> bytes:
    """A SearchRequest (RFC 4511 section 4.5.1), aliases never dereferenced by default.

    ``dereference`` is the derefAliases code (:data:`NEVER_DEREFERENCE` to
    :data:`ALWAYS_DEREFERENCE`).

    Raises:
        InvalidRequestError: ``search_filter`` is not an RFC 4515 filter.
    """
    return encode_sequence(
        _string(base),
        encode_enumerated(_SCOPE_CODES[scope]),
        encode_enumerated(dereference),
        encode_integer(size_limit),
        encode_integer(time_limit),
        encode_boolean(types_only),
        encode_filter(search_filter),
        encode_sequence(*(_string(name) for name in attributes)),
        tag=_SEARCH,
    )


def encode_paged_results(size: int, cookie: bytes = b"") -> bytes:
    """The paged-results control's value (RFC 2696): page size and the server's cookie."""
    return encode_sequence(encode_integer(size), encode_octet_string(cookie))
