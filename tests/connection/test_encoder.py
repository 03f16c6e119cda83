"""The request encoder writes the same bytes as ldap3/pyasn1, and its output decodes back."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from ldap3.operation.add import add_operation
    from ldap3.operation.compare import compare_operation
    from ldap3.operation.delete import delete_operation
    from ldap3.operation.extended import extended_operation
    from ldap3.operation.modify import modify_operation
    from ldap3.operation.modifyDn import modify_dn_operation
    from ldap3.operation.search import search_operation
    from ldap3.protocol.convert import build_controls_list
    from ldap3.protocol.rfc3062 import PasswdModifyRequestValue
    from ldap3.protocol.rfc4511 import LDAPMessage, MessageID, ProtocolOp
    from ldap3.utils.asn1 import encode

from ldapconnector.connection._ber import iter_children, iter_tlvs
from ldapconnector.connection._encoder import (
    encode_abandon,
    encode_add,
    encode_compare,
    encode_delete,
    encode_message,
    encode_modify,
    encode_modify_dn,
    encode_paged_results,
    encode_password_modify,
    encode_search,
)
from ldapconnector.connection._filter import encode_filter
from ldapconnector.connection._post_read import post_read_control
from ldapconnector.errors import InvalidRequestError
from ldapconnector.model import (
    PAGED_RESULTS_OID,
    PASSWORD_MODIFY_OID,
    Control,
    Modification,
    ModifyOp,
    SearchScope,
)

_LDAP3_OPS = {ModifyOp.ADD: 0, ModifyOp.DELETE: 1, ModifyOp.REPLACE: 2, ModifyOp.INCREMENT: 3}
_LDAP3_SCOPES = {SearchScope.BASE: 0, SearchScope.ONE_LEVEL: 1, SearchScope.SUBTREE: 2}


def _pyasn1(
    message_id: int, kind: str, request: Any, controls: list[Control] | None = None
) -> bytes:
    """The bytes ldap3 sends for this request (as its strategy's ``send`` builds them)."""
    message = LDAPMessage()
    message["messageID"] = MessageID(message_id)
    message["protocolOp"] = ProtocolOp().setComponentByName(kind, request)
    built = build_controls_list(controls)
    if built is not None:
        message["controls"] = built
    return bytes(encode(message))


def _ldap3_modify(dn: str, changes: list[Modification]) -> Any:
    payload: dict[str, list[tuple[int, list[Any]]]] = {}
    for change in changes:
        payload.setdefault(change.attribute, []).append(
            (_LDAP3_OPS[change.op], list(change.values))
        )
    return modify_operation(dn, payload, auto_encode=True)


def test_add_with_post_read_matches_pyasn1() -> None:
    """An add with text and binary values and a Post-Read control is byte-for-byte ldap3's."""
    attributes = {
        "objectClass": ["top", "inetOrgPerson"],
        "cn": ["Bea Simón"],
        "jpegPhoto": [b"\x00\xff" * 100],
    }
    control = post_read_control(["entryUUID", "*"])
    ours = encode_message(7, encode_add("cn=Bea,dc=x", attributes), [control])
    assert ours == _pyasn1(
        7, "addRequest", add_operation("cn=Bea,dc=x", attributes, True), [control]
    )


def test_modify_matches_pyasn1() -> None:
    """Every modify operation, in order, encodes as ldap3 does (long lengths too)."""
    changes = [
        Modification(ModifyOp.REPLACE, "description", ("x" * 300,)),
        Modification(ModifyOp.ADD, "mail", ("a@x", "b@x")),
        Modification(ModifyOp.DELETE, "telephoneNumber", ()),
        Modification(ModifyOp.INCREMENT, "uidNumber", ("1",)),
    ]
    ours = encode_message(2**31 - 1, encode_modify("uid=a,dc=x", changes))
    assert ours == _pyasn1(2**31 - 1, "modifyRequest", _ldap3_modify("uid=a,dc=x", changes))


@pytest.mark.parametrize(
    ("delete_old", "superior"), [(True, None), (False, "ou=b,dc=x"), (True, "ou=c,dc=x")]
)
def test_modify_dn_matches_pyasn1(delete_old: bool, superior: str | None) -> None:
    """A rename with and without a move encodes as ldap3 does."""
    ours = encode_message(
        3, encode_modify_dn("cn=a,dc=x", "cn=b", delete_old_rdn=delete_old, new_superior=superior)
    )
    request = modify_dn_operation("cn=a,dc=x", "cn=b", delete_old, superior)
    assert ours == _pyasn1(3, "modDNRequest", request)


def test_delete_and_compare_match_pyasn1() -> None:
    """Delete and compare requests encode as ldap3 does."""
    assert encode_message(4, encode_delete("cn=a,dc=x")) == _pyasn1(
        4, "delRequest", delete_operation("cn=a,dc=x")
    )
    ours = encode_message(5, encode_compare("cn=a,dc=x", "cn", "é"))
    assert ours == _pyasn1(5, "compareRequest", compare_operation("cn=a,dc=x", "cn", "é", True))


@pytest.mark.parametrize(
    ("user", "old", "new"),
    [("uid=a,dc=x", None, b"S3cret!"), (None, b"old", b"new"), (None, None, None)],
)
def test_password_modify_matches_pyasn1(
    user: str | None, old: bytes | None, new: bytes | None
) -> None:
    """The RFC 3062 request value carries only the fields given, as ldap3's does."""
    value = PasswdModifyRequestValue()
    if user is not None:
        value["userIdentity"] = user
    if old is not None:
        value["oldPasswd"] = old
    if new is not None:
        value["newPasswd"] = new
    request = extended_operation(PASSWORD_MODIFY_OID, value)
    ours = encode_message(6, encode_password_modify(user, new, old))
    assert ours == _pyasn1(6, "extendedReq", request)


_FILTERS = [
    "(objectClass=*)",
    "(&(objectClass=inetOrgPerson)(|(mail=a@x)(mail=b\\2a@x))(!(cn=x)))",
    "(cn=ab*cd*ef)",
    "(cn=*ab*)",
    "(cn=ab*)",
    "(cn=*ab)",
    "(uidNumber>=10)",
    "(uidNumber<=10)",
    "(cn~=bea)",
    "(cn:caseExactMatch:=Bea)",
    "(cn:dn:2.5.13.5:=Bea)",
    "(:caseIgnoreMatch:=x)",
    "(objectGUID=\\00\\ff\\10)",
    "(cn=Simón)",
]


@pytest.mark.parametrize("search_filter", _FILTERS)
def test_search_with_paged_control_matches_pyasn1(search_filter: str) -> None:
    """A search (each kind of filter) with the paged-results control encodes as ldap3's."""
    control: Control = (PAGED_RESULTS_OID, True, encode_paged_results(1000, b"\x01\x02"))
    ours = encode_message(
        9,
        encode_search("dc=x", search_filter, scope=SearchScope.ONE_LEVEL, attributes=("cn", "+")),
        [control],
    )
    request = search_operation(
        "dc=x", search_filter, 1, 0, ["cn", "+"], 0, 0, False, auto_escape=False, auto_encode=True
    )
    assert ours == _pyasn1(9, "searchRequest", request, [control])


@pytest.mark.parametrize("bad", ["(cn=a", "cn=a)", "(&(cn=a)", "(cn=a\\zz)", "(!(a=1)(b=2))", "()"])
def test_malformed_filter_is_refused_with_its_position(bad: str) -> None:
    """A filter that is not RFC 4515 raises InvalidRequestError, never sends garbage."""
    with pytest.raises(InvalidRequestError, match="filter"):
        encode_filter(bad)


def test_abandon_is_an_application_16_integer() -> None:
    """An abandon request carries the outstanding id as [APPLICATION 16] INTEGER."""
    assert encode_message(8, encode_abandon(300)) == bytes.fromhex(
        "3007020108500201 2c".replace(" ", "")
    )


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
_name = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,15}", fullmatch=True)
_value = st.one_of(_text, st.binary(max_size=300))
_attributes = st.dictionaries(
    _name, st.lists(_value, min_size=1, max_size=4), min_size=1, max_size=6
)


@given(dn=_text, attributes=_attributes, message_id=st.integers(1, 2**31 - 1))
def test_any_add_matches_pyasn1(dn: str, attributes: dict[str, list[Any]], message_id: int) -> None:
    """For any DN, attributes and values, the add's bytes are ldap3's bytes."""
    ours = encode_message(message_id, encode_add(dn, attributes))
    assert ours == _pyasn1(message_id, "addRequest", add_operation(dn, attributes, True))


_modification = st.builds(
    Modification, st.sampled_from(list(ModifyOp)), _name, st.lists(_value, max_size=3).map(tuple)
)


@given(dn=_text, changes=st.lists(_modification, min_size=1, max_size=5))
def test_any_modify_decodes_back(dn: str, changes: list[Modification]) -> None:
    """A modify decodes (with the package's BER reader) to its DN and changes, in order."""
    (_, message_id), (tag, operation) = iter_children(
        encode_message(11, encode_modify(dn, changes))
    )
    assert (message_id, tag) == (b"\x0b", 0x66)
    (_, name), (_, listed) = iter_tlvs(operation)
    decoded = []
    for _, change in iter_tlvs(listed):
        (_, code), (_, partial) = iter_tlvs(change)
        (_, attribute), (_, values) = iter_tlvs(partial)
        decoded.append((code, attribute.decode("utf-8"), [v for _, v in iter_tlvs(values)]))
    assert name == dn.encode("utf-8")
    assert decoded == [
        (bytes([_LDAP3_OPS[c.op]]), c.attribute, [_octets(v) for v in c.values]) for c in changes
    ]


def _octets(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value
