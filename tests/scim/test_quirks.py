"""The rewrites of what Entra ID and Okta send, as data (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.scim import BridgeMode, UserView
from ldapconnector.scim._quirks import normalize_filter, normalize_patch, normalize_resource
from ldapconnector.scim._view import ExtensionAttribute

ECMA = "urn:ietf:params:scim:schemas:extension:ECMA2Host:2.0:User"
VIEW = UserView(
    mode=BridgeMode.PASS_THROUGH,
    extension=(
        ExtensionAttribute(name="-dn-"),
        ExtensionAttribute(name="_distinguishedName"),
        ExtensionAttribute(name="cn", multi_valued=True),
        ExtensionAttribute(name="sn"),
    ),
)


@pytest.mark.parametrize(
    ("sent", "parsed"),
    [
        ('userName eq "bob"', 'userName eq "bob"'),
        ("externalId eq jyoung", 'externalId eq "jyoung"'),
        ("externalId eq jy and userName eq bob", 'externalId eq "jy" and userName eq "bob"'),
        ("active eq true", "active eq true"),
        ("uidNumber eq 42", "uidNumber eq 42"),
        (f'{ECMA}:-dn- eq "cn=a,dc=b"', f'{ECMA}:dn eq "cn=a,dc=b"'),
        (f"{ECMA}:_distinguishedName eq x", f'{ECMA}:distinguishedName eq "x"'),
        ('emails[type eq "work"].value eq a@b.c', 'emails[type eq "work"].value eq "a@b.c"'),
        ('sn eq "a-dn-b"', 'sn eq "a-dn-b"'),  # inside a value: untouched
    ],
)  # fmt: skip
def test_filters_are_rewritten_for_the_grammar(sent: str, parsed: str) -> None:
    """Bare values get quotes; names outside ATTRNAME get their alias; the rest stays."""
    assert normalize_filter(sent, VIEW) == parsed


def ops(*operations: dict[str, Any]) -> dict[str, Any]:
    """A PatchOp body."""
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": list(operations),
    }


@pytest.mark.parametrize(
    ("sent", "parsed"),
    [
        (ops({"op": "Replace", "path": "active", "value": "False"}),
         ops({"op": "replace", "path": "active", "value": False})),
        (ops({"op": "replace", "value": {"active": False}}),
         ops({"op": "replace", "path": "active", "value": False})),
        (ops({"op": "Add", "path": f"{ECMA}:cn", "value": "Bob"}),
         ops({"op": "add", "path": f"{ECMA}:cn", "value": ["Bob"]})),
        (ops({"op": "Replace", "path": f"{ECMA}:-dn-", "value": "cn=x"}),
         ops({"op": "replace", "path": f"{ECMA}:dn", "value": "cn=x"})),
        (ops({"op": "replace", "value": {"name.givenName": "B", f"{ECMA}:sn": "S"}}),
         ops({"op": "replace", "path": "name.givenName", "value": "B"},
             {"op": "replace", "path": f"{ECMA}:sn", "value": "S"})),
        (ops({"op": "replace", "value": {ECMA: {"sn": "S", "cn": "C"}}}),
         ops({"op": "replace", "path": f"{ECMA}:sn", "value": "S"},
             {"op": "replace", "path": f"{ECMA}:cn", "value": ["C"]})),
        (ops({"op": "Remove", "path": "members[value eq \"x\"]"}),
         ops({"op": "remove", "path": "members[value eq \"x\"]"})),
    ],
)  # fmt: skip
def test_patches_are_rewritten_one_operation_per_path(sent: Any, parsed: Any) -> None:
    """Capitalised ops, string booleans, no-path dicts and ECMA names become plain PATCH."""
    assert normalize_patch(sent, VIEW) == parsed


def test_a_post_body_loses_nulls_and_empty_lists_and_gains_active() -> None:
    """Entra's nulls and Okta's ``groups: []`` are absent; a scalar cn becomes a list."""
    body = {"userName": "b", "title": None, "groups": [], ECMA: {"cn": "B", "sn": None}}
    assert normalize_resource(body, VIEW) == {"userName": "b", "active": True, ECMA: {"cn": ["B"]}}
    assert normalize_resource({"active": "False"}, VIEW) == {"active": False}


def test_what_cannot_be_read_is_left_for_the_parser() -> None:
    """A body that is not a PatchOp is passed on unchanged (scim2-server answers 400)."""
    assert normalize_patch([1, 2], VIEW) == [1, 2]
    assert normalize_patch({"Operations": "x"}, VIEW) == {"Operations": "x"}
    assert normalize_patch(ops("not an op"), VIEW) == ops("not an op")
