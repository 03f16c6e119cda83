"""The Anchor value: identity, the strategies table, extended DNs and lookup plans."""

from __future__ import annotations

import doctest

import attrs
import pytest

from ldapconnector.anchors import (
    ANCHOR_STRATEGIES,
    Anchor,
    AnchorKind,
    LookupPlan,
    strategy_for,
    supports_guid_base_dn,
)
from ldapconnector.anchors import _anchor as anchor_module
from ldapconnector.detect import Vendor
from ldapconnector.errors import ConfigurationError, InvalidRequestError
from ldapconnector.model import SearchScope

GUID = bytes(range(16))
ENTRY_UUID = "597ae2f6-16a6-1027-98f4-d28b5365dc14"


def test_doctests() -> None:
    """The examples in the Anchor docstring hold."""
    result = doctest.testmod(anchor_module)
    assert result.attempted > 0
    assert result.failed == 0


def test_anchor_is_frozen_and_hashable() -> None:
    """Anchors are immutable, equal by kind and value, and work as dict keys."""
    first = Anchor.parse(AnchorKind.ENTRY_UUID, ENTRY_UUID.upper())
    second = Anchor.from_directory("entryuuid", ENTRY_UUID)
    assert first == second
    assert {first: 1}[second] == 1
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        first.value = "x"  # type: ignore[misc]


def test_same_value_of_different_kinds_is_a_different_anchor() -> None:
    """The kind is part of the identity."""
    text = "597ae2f6-16a6-1027-98f4-d28b5365dc14"
    assert Anchor.parse("entryUUID", text) != Anchor.parse("ibm-entryUUID", text)


def test_dn_anchors_compare_case_insensitively() -> None:
    """Two spellings of a DN differing only in case are the same anchor, with one key."""
    upper = Anchor.parse("-dn-", "CN=Britta Simon,DC=Contoso,DC=lab")
    lower = Anchor.parse("dn", "cn=britta simon,dc=contoso,dc=lab")
    assert upper == lower
    assert hash(upper) == hash(lower)
    assert upper.key == lower.key == "dn:cn=britta simon,dc=contoso,dc=lab"
    assert upper.value == "CN=Britta Simon,DC=Contoso,DC=lab"


@pytest.mark.parametrize("kind", list(AnchorKind.builtins()))
def test_table_has_one_strategy_per_kind(kind: AnchorKind) -> None:
    """Every kind has a row whose attribute is the kind's value."""
    strategy = ANCHOR_STRATEGIES[kind]
    assert strategy.kind is kind
    assert strategy.attribute == kind.value
    assert strategy_for(kind.value.upper()) is strategy


def test_table_flags() -> None:
    """Binary kinds are the two GUIDs; only dn is not rename-safe; only objectGUID has <GUID=>."""
    assert {k for k, s in ANCHOR_STRATEGIES.items() if s.binary} == {
        AnchorKind.OBJECT_GUID,
        AnchorKind.EDIRECTORY_GUID,
    }
    assert {k for k, s in ANCHOR_STRATEGIES.items() if not s.rename_safe} == {AnchorKind.DN}
    assert {k for k, s in ANCHOR_STRATEGIES.items() if s.guid_base_dn} == {AnchorKind.OBJECT_GUID}


@pytest.mark.parametrize("spelling", ["dn", "DN", "-dn-", "_distinguishedName"])
def test_dn_spellings_select_the_dn_kind(spelling: str) -> None:
    """The ECMA2Host spellings of the DN all mean AnchorKind.DN."""
    assert AnchorKind(spelling) == AnchorKind.DN
    assert AnchorKind.of(spelling) is AnchorKind.DN


def test_unknown_kind_is_refused_where_a_strategy_is_needed() -> None:
    """A name without a strategy is a valid kind name, but no anchor of it can be built."""
    assert not AnchorKind("uid").is_builtin
    with pytest.raises(InvalidRequestError, match="'uid' is not built in"):
        Anchor.parse("uid", "x")
    with pytest.raises(ConfigurationError, match="uid is not a built-in anchor kind"):
        strategy_for("uid")


@pytest.mark.parametrize("name", ["", "has space", "1abc", "a_b", 42])
def test_malformed_kind_names_are_refused(name: object) -> None:
    """A kind is named like an attribute type (RFC 4512 descr); anything else is refused."""
    with pytest.raises(ConfigurationError, match="anchor kind"):
        AnchorKind(name)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", list(AnchorKind.builtins()))
def test_search_attributes(kind: AnchorKind) -> None:
    """Searches request the anchor attribute by name (operational ones need it); dn needs none."""
    expected = () if kind is AnchorKind.DN else (kind.value,)
    assert ANCHOR_STRATEGIES[kind].search_attributes == expected


def test_guid_base_dn_forms() -> None:
    """objectGUID gives <GUID=dashed> and, on request, the octet-string hex form."""
    anchor = Anchor.from_directory(AnchorKind.OBJECT_GUID, GUID)
    assert anchor.base_dn_form() == "<GUID=03020100-0504-0706-0809-0a0b0c0d0e0f>"
    assert anchor.base_dn_form(hex_form=True) == "<GUID=000102030405060708090a0b0c0d0e0f>"


@pytest.mark.parametrize(
    "kind", [k for k in AnchorKind.builtins() if k is not AnchorKind.OBJECT_GUID]
)
def test_no_guid_base_dn_for_other_kinds(kind: AnchorKind) -> None:
    """Only objectGUID has an extended-DN form."""
    samples: dict[AnchorKind, str | bytes] = {
        AnchorKind.DN: "cn=a,dc=x",
        AnchorKind.EDIRECTORY_GUID: GUID,
        AnchorKind.ENTRY_UUID: ENTRY_UUID,
        AnchorKind.NS_UNIQUE_ID: "ec697aad-bae811f0-9b9ddb23-c0e5c100",
        AnchorKind.IBM_ENTRY_UUID: ENTRY_UUID,
    }
    assert Anchor.from_directory(kind, samples[kind]).base_dn_form() is None


def test_lookup_plan_for_objectguid_uses_the_extended_dn() -> None:
    """On AD the plan is one base search at <GUID=...>, whatever the partition."""
    plan = Anchor.from_directory(AnchorKind.OBJECT_GUID, GUID).lookup_plan("dc=contoso,dc=lab")
    assert plan == LookupPlan(
        base_dn="<GUID=03020100-0504-0706-0809-0a0b0c0d0e0f>",
        scope=SearchScope.BASE,
        search_filter="(objectClass=*)",
        attributes=("objectGUID",),
    )


def test_lookup_plan_for_objectguid_without_extended_dn_uses_the_binary_filter() -> None:
    """Where <GUID=> is not supported the plan is a subtree search with escaped bytes."""
    anchor = Anchor.from_directory(AnchorKind.OBJECT_GUID, GUID)
    plan = anchor.lookup_plan("dc=contoso,dc=lab", guid_base_dn=False)
    assert plan.base_dn == "dc=contoso,dc=lab"
    assert plan.scope is SearchScope.SUBTREE
    assert plan.search_filter == anchor.search_filter()


def test_lookup_plan_for_entry_uuid_searches_the_partition() -> None:
    """A UUID anchor is found with a subtree search of the partition, requesting entryUUID."""
    plan = Anchor.parse("entryUUID", ENTRY_UUID).lookup_plan("dc=contoso,dc=lab")
    assert plan == LookupPlan(
        base_dn="dc=contoso,dc=lab",
        scope=SearchScope.SUBTREE,
        search_filter=f"(entryUUID={ENTRY_UUID})",
        attributes=("entryUUID",),
    )


def test_lookup_plan_for_dn_reads_the_entry() -> None:
    """A dn anchor is found with a base search at the DN itself."""
    plan = Anchor.parse("dn", "uid=a,ou=people,dc=x").lookup_plan("dc=x")
    assert plan.base_dn == "uid=a,ou=people,dc=x"
    assert plan.scope is SearchScope.BASE
    assert plan.search_filter == "(objectClass=*)"
    assert plan.attributes == ()


@pytest.mark.parametrize(
    ("vendor", "expected"),
    [
        (Vendor.AD_DS, True),
        (Vendor.AD_LDS, True),
        (Vendor.OPENLDAP, False),
        (Vendor.RADIANTONE, False),
    ],
)
def test_supports_guid_base_dn(vendor: Vendor, expected: bool) -> None:
    """Only the AD family (Samba included, as AD DS) resolves <GUID=...> bases."""
    assert supports_guid_base_dn(vendor) is expected


def test_str_shows_kind_and_value() -> None:
    """str(anchor) is ``kind=value``, handy in messages."""
    assert str(Anchor.parse("entryUUID", ENTRY_UUID)) == f"entryUUID={ENTRY_UUID}"


def test_every_recommended_anchor_of_detection_is_a_kind() -> None:
    """Whatever detection can recommend, the anchors layer can encode."""
    from ldapconnector.detect._rules import VENDOR_RULES

    for rule in VENDOR_RULES:
        for candidate in rule.anchors:
            assert AnchorKind(candidate.attribute).value == candidate.attribute
