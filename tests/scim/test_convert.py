"""Entry <-> SCIM values by type, without a server."""

from __future__ import annotations

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.scim import BridgeMode, CachedUser, UserView
from ldapconnector.scim._convert import resource_document, source_record
from ldapconnector.scim._view import DN_SOURCE, ExtensionAttribute, ScimType

ECMA = "urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User"
VIEW = UserView(
    mode=BridgeMode.PASS_THROUGH,
    extension=(
        ExtensionAttribute(name="-dn-"),
        ExtensionAttribute(name="locked", type=ScimType.BOOLEAN),
        ExtensionAttribute(name="uidNumber", type=ScimType.INTEGER),
        ExtensionAttribute(name="expires", type=ScimType.DATETIME),
        ExtensionAttribute(name="photo", type=ScimType.BINARY),
        ExtensionAttribute(name="cn", multi_valued=True),
        ExtensionAttribute(name="userPassword", write_only=True),
    ),
    user_name="uid",
)
USER = CachedUser(
    anchor=Anchor.parse(AnchorKind.ENTRY_UUID, "9253d646-860d-1041-940f-0d0345506110"),
    dn="cn=bob,ou=people,dc=contoso,dc=lab",
    attributes={
        "locked": ("TRUE",),
        "uidnumber": ("42",),
        "expires": ("20261206220000Z",),
        "photo": (b"\x00\x01",),
        "cn": ("Bob", "Robert"),
        "uid": ("bob",),
        "userpassword": ("{SSHA}x",),
    },
    disabled=True,
)


def test_an_entry_reads_as_typed_scim_values() -> None:
    """Booleans, integers, GeneralizedTime as dateTime, binary as base64; no password."""
    document = resource_document(USER, VIEW)
    assert document["id"] == USER.anchor.value
    assert document["userName"] == "bob"
    assert document["active"] is False
    assert document[ECMA] == {
        "-dn-": USER.dn, "locked": True, "uidNumber": 42, "expires": "2026-12-06T22:00:00Z",
        "photo": "AAE=", "cn": ["Bob", "Robert"],
    }  # fmt: skip


def test_a_document_becomes_the_export_record_and_back() -> None:
    """The same values written back as LDAP text (and bytes), the DN as -dn-'s source."""
    document = resource_document(USER, VIEW)
    record = source_record(document, VIEW, "scim:1")
    assert record["id"] == "scim:1"
    assert record[DN_SOURCE] == USER.dn
    assert record["locked"] == "TRUE"
    assert record["uidNumber"] == "42"
    assert record["expires"] == "20261206220000Z"
    assert record["photo"] == b"\x00\x01"
    assert record["cn"] == ["Bob", "Robert"]
    assert "userPassword" not in record  # not returned, so not cleared either
    assert record["uid"] == "bob"
    assert record["isSoftDeleted"] is True
