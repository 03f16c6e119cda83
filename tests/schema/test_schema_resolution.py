"""Resolution: superclass chains, MUST/MAY closures, inheritance, value types and options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldapconnector.errors import SchemaError
from ldapconnector.schema import (
    ACTIVE_DIRECTORY_SERVER_SUPPLIED,
    Schema,
    SchemaOptions,
    ValueType,
)

DATA = Path(__file__).parent.parent / "data" / "schema"
NAMES = sorted(path.name.split("-subschema")[0] for path in DATA.glob("*-subschema.*"))
POSIX = ("posixAccount", "shadowAccount")
POSIX_REQUIRED = {"objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory"}


def test_openldap_posix_required_attributes(openldap: Schema) -> None:
    """The documented OpenLDAP POSIX example requires exactly these seven attributes."""
    assert openldap.required_attributes("inetOrgPerson", auxiliary=POSIX) == {
        "objectClass", "cn", "sn", "uid", "uidNumber", "gidNumber", "homeDirectory"
    }  # fmt: skip


def test_names_are_case_insensitive_and_canonical(openldap: Schema) -> None:
    """Any spelling or alias of a class finds it; results use the canonical spelling."""
    assert openldap.required_attributes(
        "INETORGPERSON", auxiliary=["posixaccount", "1.3.6.1.1.1.2.1"]
    ) == openldap.required_attributes("inetOrgPerson", auxiliary=POSIX)
    assert openldap.required_attributes("person") == {"objectClass", "cn", "sn"}
    attribute = openldap.attribute_type("commonName")
    assert attribute is not None
    assert attribute.name == "cn"


def test_allowed_is_must_or_may_over_the_closure(openldap: Schema) -> None:
    """allowed_attributes is the union of MUST and MAY of every class in the closure."""
    allowed = openldap.allowed_attributes("inetOrgPerson", auxiliary=POSIX)
    classes = ["inetOrgPerson", "organizationalPerson", "person", "top", *POSIX]
    expected = set()
    for name in classes:
        cls = openldap.object_class(name)
        assert cls is not None
        expected |= {openldap.attribute(n).name for n in (*cls.must, *cls.may)}  # type: ignore[union-attr]
    assert allowed == expected
    assert {"mail", "loginShell", "shadowExpire", "userPassword", "title"} <= allowed
    assert openldap.required_attributes("inetOrgPerson", auxiliary=POSIX) <= allowed


def test_single_auxiliary_class_may_be_a_string(openldap: Schema) -> None:
    """``auxiliary="posixAccount"`` means one class, not a sequence of letters."""
    assert openldap.required_attributes(
        "inetOrgPerson", auxiliary="posixAccount"
    ) == openldap.required_attributes("inetOrgPerson", auxiliary=["posixAccount"])


def test_unknown_class_raises(openldap: Schema) -> None:
    """Asking about a class the schema lacks raises SchemaError naming it."""
    with pytest.raises(SchemaError, match="'noSuchClass'"):
        openldap.required_attributes("inetOrgPerson", auxiliary=["noSuchClass"])


def test_superclass_chain(openldap: Schema) -> None:
    """superclasses() walks SUP to the top, nearest first."""
    assert [c.name for c in openldap.superclasses("inetOrgPerson")] == [
        "organizationalPerson",
        "person",
        "top",
    ]


def test_requirements_name_their_origin(openldap: Schema) -> None:
    """attribute_requirements tells which classes require or allow each attribute."""
    rows = {r.name: r for r in openldap.attribute_requirements("inetOrgPerson", auxiliary=POSIX)}
    assert rows["uid"].required_by == ("posixAccount", "shadowAccount")
    assert rows["cn"].required_by == ("person", "posixAccount")
    assert rows["objectClass"].required_by == ("top",)
    assert rows["mail"].allowed_by == ("inetOrgPerson",)
    assert not rows["mail"].required
    assert rows["uidNumber"].info is not None
    assert rows["uidNumber"].info.value_type is ValueType.INTEGER


def test_attribute_syntax_is_inherited_through_sup(openldap: Schema) -> None:
    """RFC 4512 2.5.1: ``cn`` has no SYNTAX of its own and takes ``name``'s."""
    cn = openldap.attribute_type("cn")
    assert cn is not None
    assert cn.syntax is None
    info = openldap.attribute("cn")
    assert info is not None
    assert info.syntax == "1.3.6.1.4.1.1466.115.121.1.15"
    assert info.value_type is ValueType.STRING


@pytest.mark.parametrize(
    ("attribute", "value_type"),
    [
        ("uidNumber", ValueType.INTEGER),
        ("member", ValueType.DN),
        ("createTimestamp", ValueType.GENERALIZED_TIME),
        ("pwdReset", ValueType.BOOLEAN),
        ("jpegPhoto", ValueType.BINARY),
        ("userCertificate", ValueType.BINARY),
        ("userPassword", ValueType.BINARY),
        ("mail", ValueType.STRING),
        ("homeDirectory", ValueType.STRING),
        ("entryUUID", ValueType.STRING),
        ("noSuchAttribute", ValueType.STRING),
    ],
)
def test_value_types_on_openldap(openldap: Schema, attribute: str, value_type: ValueType) -> None:
    """Syntaxes map to value types (unknown attributes are strings)."""
    assert openldap.value_type(attribute) is value_type


@pytest.mark.parametrize(
    ("attribute", "value_type"),
    [
        ("objectGUID", ValueType.BINARY),  # Octet String
        ("objectSid", ValueType.BINARY),
        ("nTSecurityDescriptor", ValueType.BINARY),  # 1.2.840.113556.1.4.907
        ("pwdLastSet", ValueType.INTEGER),  # LargeInteger 1.2.840.113556.1.4.906
        ("userAccountControl", ValueType.INTEGER),
        ("whenCreated", ValueType.GENERALIZED_TIME),
        ("manager", ValueType.DN),
        ("isDeleted", ValueType.BOOLEAN),
        ("wellKnownObjects", ValueType.STRING),  # DN-Binary 1.2.840.113556.1.4.903
        ("repsFrom", ValueType.BINARY),  # SYNTAX 'OctetString'
        ("sAMAccountName", ValueType.STRING),
    ],
)
def test_value_types_on_active_directory(ad: Schema, attribute: str, value_type: ValueType) -> None:
    """AD's attribute types name RFC syntax OIDs plus its own 1.2.840.113556.1.4.90x ones."""
    assert ad.value_type(attribute) is value_type


def test_binary_transfer_option_and_aliases(openldap: Schema) -> None:
    """``;binary`` (RFC 4522) and configured aliases mark an attribute binary."""
    assert openldap.value_type("description;binary") is ValueType.BINARY
    assert openldap.value_type("description") is ValueType.STRING
    aliased = openldap.with_options(SchemaOptions(binary_aliases={"description;binary"}))
    assert aliased.value_type("description") is ValueType.BINARY
    assert aliased.value_type("DESCRIPTION") is ValueType.BINARY


def test_unknown_syntax_declared_not_human_readable_is_binary() -> None:
    """A syntax the table lacks but the server flags X-NOT-HUMAN-READABLE is binary."""
    schema = Schema.from_subschema(
        {
            "ldapSyntaxes": [
                "( 1.9.9 DESC 'Blob' X-NOT-HUMAN-READABLE 'TRUE' )",
                "( 1.9.8 DESC 'T' )",
            ],
            "attributeTypes": [
                "( 1.2 NAME 'blob' SYNTAX 1.9.9 )",
                "( 1.3 NAME 'text' SYNTAX 1.9.8 )",
            ],
        }
    )
    assert schema.value_type("blob") is ValueType.BINARY
    assert schema.value_type("text") is ValueType.STRING
    assert schema.warnings == ()


def test_treat_as_single_value(openldap: Schema) -> None:
    """The "treat as single value" option overrides a multi-valued attribute."""
    assert not openldap.is_single_valued("mail")
    configured = openldap.with_options(SchemaOptions(single_valued={"Mail"}))
    assert configured.is_single_valued("mail")
    assert configured.is_single_valued("rfc822Mailbox")
    assert openldap.is_single_valued("uidNumber")


def test_include_operational(openldap: Schema) -> None:
    """With include_operational, allowed attributes add the operational ones."""
    plain = openldap.allowed_attributes("person")
    assert "createTimestamp" not in plain
    wide = openldap.with_options(SchemaOptions(include_operational=True))
    added = wide.allowed_attributes("person") - plain
    assert {"createTimestamp", "entryUUID", "modifiersName", "pwdAccountLockedTime"} <= added
    assert all(wide.attribute(name).operational for name in added)  # type: ignore[union-attr]
    assert wide.required_attributes("person") == openldap.required_attributes("person")


def test_extensible_object_allows_every_user_attribute(openldap: Schema) -> None:
    """extensibleObject (RFC 4512 4.3) allows every user attribute and is reported as such."""
    user_types = {a.name for a in openldap.attribute_types if not a.operational}
    assert not openldap.allows_any_attribute("person")
    assert openldap.allows_any_attribute("person", auxiliary=["extensibleObject"])
    assert openldap.allowed_attributes("person", auxiliary=["extensibleObject"]) == user_types
    rows = openldap.attribute_requirements("person", auxiliary=["extensibleObject"])
    assert {r.allowed_by for r in rows if r.name == "uidNumber"} == {("extensibleObject",)}


def test_include_extensible_option(openldap: Schema) -> None:
    """include_extensible makes every class allow every user attribute."""
    wide = openldap.with_options(SchemaOptions(include_extensible=True))
    assert wide.allows_any_attribute("person")
    assert "uidNumber" in wide.allowed_attributes("person")
    assert wide.required_attributes("person") == {"objectClass", "cn", "sn"}


def test_dit_content_rule_adds_auxiliary_attributes(ad: Schema) -> None:
    """AD's dITContentRule for ``user`` adds MUST/MAY attributes of its auxiliary classes."""
    required = ad.required_attributes("user")
    assert "sAMAccountName" in required
    rows = {r.name: r for r in ad.attribute_requirements("user")}
    assert rows["sAMAccountName"].required_by == ("dITContentRule user",)
    assert "uidNumber" in ad.allowed_attributes("user", auxiliary=["posixAccount"])


def test_active_directory_server_supplied_attributes(ad: Schema) -> None:
    """NO-USER-MODIFICATION MUST attributes are server-supplied; the AD preset adds the rest."""
    assert ad.required_attributes("user") == {
        "cn",
        "nTSecurityDescriptor",
        "objectCategory",
        "objectClass",
        "sAMAccountName",
    }
    rows = {r.name: r for r in ad.attribute_requirements("user")}
    assert rows["instanceType"].server_supplied
    assert not rows["instanceType"].required
    preset = ad.with_options(SchemaOptions(server_supplied=ACTIVE_DIRECTORY_SERVER_SUPPLIED))
    assert preset.required_attributes("user") == {"cn", "objectClass"}


def test_objectclass_is_required_even_without_top() -> None:
    """objectClass is always required (RFC 4512 2.4.1), even if no class lists it."""
    schema = Schema.from_subschema(
        {
            "objectClasses": ["( 1.1 NAME 'lonely' MUST cn )"],
            "attributeTypes": ["( 2.5.4.3 NAME 'cn' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )"],
        }
    )
    assert schema.required_attributes("lonely") == {"objectClass", "cn"}


@pytest.mark.parametrize(
    ("name", "structural", "auxiliary", "required"),
    [
        ("openldap-2.4", "inetOrgPerson", POSIX, POSIX_REQUIRED),
        ("389ds-1.3.3", "inetOrgPerson", POSIX, POSIX_REQUIRED),
        ("edirectory-9.1.4", "inetOrgPerson", (), {"objectClass", "cn", "sn"}),
        ("edirectory-8.8.8", "inetOrgPerson", (), {"objectClass", "cn", "sn"}),
    ],
)
def test_required_attributes_on_other_servers(
    recorded: Any, name: str, structural: str, auxiliary: tuple[str, ...], required: set[str]
) -> None:
    """The same question gives the expected answer on the other recorded servers."""
    schema = recorded.schema(name)
    assert schema.required_attributes(structural, auxiliary=auxiliary) == required


@pytest.mark.parametrize("name", NAMES)
def test_every_class_closure_resolves(recorded: Any, name: str) -> None:
    """Every class of every recorded schema has a computable closure including objectClass."""
    schema = recorded.schema(name)
    for cls in schema.object_classes:
        assert "objectClass" in schema.required_attributes(cls.oid)


def test_schema_repr_is_short(openldap: Schema) -> None:
    """repr() summarises instead of dumping hundreds of definitions."""
    assert repr(openldap) == "<Schema: 93 object classes, 373 attribute types, 4 warnings>"


def test_with_options_keeps_definitions(openldap: Schema) -> None:
    """with_options shares the parsed definitions and compares equal but for the options."""
    other = openldap.with_options(SchemaOptions(include_operational=True))
    assert other.object_classes is openldap.object_classes
    assert other != openldap
    assert other.with_options(SchemaOptions()) == openldap


def test_structural_class_of_an_entry(openldap: Schema) -> None:
    """The entry's structural class is the one no other listed structural class derives from."""
    lowest = openldap.structural_class_of(["top", "person", "inetOrgPerson", "posixAccount"])
    assert lowest is not None
    assert lowest.name == "inetOrgPerson"
    assert openldap.structural_class_of(["inetOrgPerson", "device"]) is None
    assert openldap.structural_class_of(["posixAccount", "noSuchClass"]) is None
    assert openldap.is_structural("device")
    assert not openldap.is_structural("posixAccount")
    assert not openldap.is_structural("noSuchClass")


def test_options_accept_a_single_name() -> None:
    """A lone string in a set-valued option is one name, not a set of letters."""
    options = SchemaOptions(binary_aliases="userCertificate;binary", single_valued="Mail")
    assert options.binary_aliases == {"userCertificate;binary"}
    assert options.binary_attributes == {"usercertificate"}
    assert options.single_valued == {"mail"}
