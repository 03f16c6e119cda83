"""choose_anchor: configuration over recommendation, and the schema refusals."""

from __future__ import annotations

import attrs
import pytest

from ldapconnector.anchors import AnchorKind, AttributeFacts, choose_anchor
from ldapconnector.errors import ConfigurationError


@attrs.frozen
class Facts:
    """A stand-in for ``ldapconnector.schema.AttributeInfo``."""

    name: str
    single_value: bool


SCHEMA = {
    "entryuuid": Facts("entryUUID", True),
    "objectguid": Facts("objectGUID", True),
    "uid": Facts("uid", False),
    "employeenumber": Facts("employeeNumber", True),
}


def lookup(name: str) -> AttributeFacts | None:
    """Look an attribute up case-insensitively, like Schema.attribute."""
    return SCHEMA.get(name.lower())


def test_configured_anchor_wins_over_the_recommendation() -> None:
    """The configured anchor is used even when detection recommends another."""
    assert choose_anchor("objectGUID", "entryUUID", lookup).kind is AnchorKind.OBJECT_GUID


def test_recommendation_is_the_default() -> None:
    """With nothing configured, detection's recommendation is used."""
    assert choose_anchor(None, "entryUUID", lookup).kind is AnchorKind.ENTRY_UUID


def test_blank_configuration_counts_as_not_configured() -> None:
    """An empty or blank configured value falls back to the recommendation."""
    assert choose_anchor("  ", "entryUUID").kind is AnchorKind.ENTRY_UUID


def test_nothing_known_means_dn() -> None:
    """Without configuration or recommendation the DN is the anchor, as in Microsoft's connector."""
    strategy = choose_anchor(None, None)
    assert strategy.kind is AnchorKind.DN
    assert strategy.rename_safe is False


@pytest.mark.parametrize("spelling", ["dn", "-dn-", "_distinguishedName"])
def test_dn_is_allowed_without_schema_checks(spelling: str) -> None:
    """The DN needs no schema entry and is allowed (documented as not rename-safe)."""
    assert choose_anchor(spelling, "entryUUID", lambda name: None).kind is AnchorKind.DN


def test_case_insensitive_names() -> None:
    """Attribute names are matched case-insensitively."""
    assert choose_anchor("ENTRYUUID", None, lookup).kind is AnchorKind.ENTRY_UUID


def test_multi_valued_attribute_is_refused() -> None:
    """A multi-valued attribute (OpenLDAP uid) is refused with the key path and the reason."""
    with pytest.raises(ConfigurationError) as caught:
        choose_anchor("uid", "entryUUID", lookup)
    (problem,) = caught.value.problems
    assert problem.startswith("object_type.anchor: ")
    assert "multi-valued" in problem


def test_attribute_missing_from_the_schema_is_refused() -> None:
    """An anchor the server's schema does not define is refused."""
    with pytest.raises(ConfigurationError, match="not an attribute of the server's schema"):
        choose_anchor("nsUniqueId", None, lookup)


def test_missing_recommended_attribute_is_refused_too() -> None:
    """A recommendation the schema contradicts is refused, naming it as the recommendation."""
    with pytest.raises(ConfigurationError, match="the recommended anchor"):
        choose_anchor(None, "ibm-entryUUID", lookup)


def test_single_valued_attribute_that_is_no_anchor_kind_is_refused() -> None:
    """A unique-looking attribute with no codec is refused, listing the supported kinds."""
    with pytest.raises(ConfigurationError, match="choose one of") as caught:
        choose_anchor("employeeNumber", None, lookup)
    assert '"entryUUID"' in str(caught.value)


def test_unknown_kind_is_refused_without_a_schema() -> None:
    """Without a schema, an unsupported name is still refused."""
    with pytest.raises(ConfigurationError, match="mail"):
        choose_anchor("mail", None)


def test_schema_attribute_info_satisfies_the_protocol() -> None:
    """The real Schema.attribute plugs in as the lookup."""
    from ldapconnector.schema import Schema

    schema = Schema.from_subschema(
        {
            "attributeTypes": [
                "( 1.3.6.1.1.16.4 NAME 'entryUUID' SYNTAX 1.3.6.1.1.16.1 SINGLE-VALUE "
                "NO-USER-MODIFICATION USAGE directoryOperation )",
                "( 0.9.2342.19200300.100.1.1 NAME 'uid' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )",
            ],
            "objectClasses": [],
        }
    )
    assert choose_anchor(None, "entryUUID", schema.attribute).kind is AnchorKind.ENTRY_UUID
    with pytest.raises(ConfigurationError, match="multi-valued"):
        choose_anchor("uid", None, schema.attribute)
