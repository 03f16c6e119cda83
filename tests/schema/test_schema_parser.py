"""The RFC 4512 definition parser: every term, and each vendor quirk as a warning."""

from __future__ import annotations

import pytest

from ldapconnector.errors import SchemaError
from ldapconnector.schema import (
    AttributeType,
    AttributeUsage,
    DitContentRule,
    LdapSyntax,
    MatchingRule,
    MatchingRuleUse,
    ObjectClass,
    ObjectClassKind,
    Schema,
    WarningKind,
)

TOP = "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )"
OBJECT_CLASS = "( 2.5.4.0 NAME 'objectClass' SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 )"


def _schema(
    object_classes: list[str] = (), attribute_types: list[str] = (), **more: list[str]
) -> Schema:  # type: ignore[assignment]
    return Schema.from_subschema(
        {
            "objectClasses": [TOP, *object_classes],
            "attributeTypes": [OBJECT_CLASS, *attribute_types],
            **more,
        }
    )


def _kinds(definition: object) -> list[WarningKind]:
    return [w.kind for w in definition.warnings]  # type: ignore[attr-defined]


def test_object_class_terms() -> None:
    """Every objectClasses term is read: names, DESC, OBSOLETE, SUP list, kind, MUST, MAY."""
    schema = _schema(
        [
            "( 1.2.3 NAME ( 'fooPerson' 'foo' ) DESC 'A \\27quoted\\27 \\5C one' OBSOLETE "
            "SUP ( top $ 2.5.6.0 ) AUXILIARY MUST ( cn $ sn ) MAY description X-ORIGIN 'test' )"
        ]
    )
    cls = schema.object_class("FOO")
    assert cls == ObjectClass(
        oid="1.2.3",
        names=("fooPerson", "foo"),
        description="A 'quoted' \\ one",
        obsolete=True,
        superclasses=("top", "2.5.6.0"),
        kind=ObjectClassKind.AUXILIARY,
        must=("cn", "sn"),
        may=("description",),
        extensions=(("X-ORIGIN", ("test",)),),
        warnings=cls.warnings if cls else (),
    )
    assert cls is not None
    assert cls.name == "fooPerson"
    assert cls.extension("x-origin") == ("test",)


def test_missing_kind_means_structural() -> None:
    """RFC 4512 section 4.1.1: a class without a kind keyword is structural."""
    schema = _schema(["( 1.2.3 NAME 'plain' SUP top )"])
    cls = schema.object_class("plain")
    assert cls is not None
    assert cls.kind is ObjectClassKind.STRUCTURAL


def test_attribute_type_terms() -> None:
    """Every attributeTypes term is read, including the syntax length and USAGE."""
    schema = _schema(
        attribute_types=[
            "( 1.2.4 NAME 'fooStamp' DESC 'd' OBSOLETE SUP name EQUALITY caseIgnoreMatch "
            "ORDERING caseIgnoreOrderingMatch SUBSTR caseIgnoreSubstringsMatch "
            "SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{64} SINGLE-VALUE COLLECTIVE "
            "NO-USER-MODIFICATION USAGE dSAOperation X-ORDERED 'VALUES' )",
            "( 2.5.4.41 NAME 'name' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )",
        ]
    )
    attribute = schema.attribute_type("fooStamp")
    assert isinstance(attribute, AttributeType)
    assert (attribute.superior, attribute.equality, attribute.ordering, attribute.substring) == (
        "name",
        "caseIgnoreMatch",
        "caseIgnoreOrderingMatch",
        "caseIgnoreSubstringsMatch",
    )
    assert (attribute.syntax, attribute.syntax_length) == ("1.3.6.1.4.1.1466.115.121.1.15", 64)
    assert attribute.single_value
    assert attribute.collective
    assert attribute.no_user_modification
    assert attribute.obsolete
    assert attribute.usage is AttributeUsage.DSA_OPERATION
    assert attribute.operational
    assert attribute.extension("X-ORDERED") == ("VALUES",)
    assert attribute.warnings == ()


def test_other_elements_are_parsed() -> None:
    """ldapSyntaxes, matchingRules, matchingRuleUse and dITContentRules are read too."""
    schema = _schema(
        ["( 1.2.3 NAME 'plain' SUP top STRUCTURAL )"],
        ldapSyntaxes=["( 1.3.6.1.4.1.1466.115.121.1.5 DESC 'Binary' X-NOT-HUMAN-READABLE 'TRUE' )"],
        matchingRules=["( 2.5.13.2 NAME 'caseIgnoreMatch' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )"],
        matchingRuleUse=["( 2.5.13.2 NAME 'caseIgnoreMatch' APPLIES ( objectClass ) )"],
        dITContentRules=["( 1.2.3 NAME 'plain' AUX top MUST objectClass MAY objectClass NOT x )"],
    )
    assert schema.ldap_syntaxes == (
        LdapSyntax(
            oid="1.3.6.1.4.1.1466.115.121.1.5",
            description="Binary",
            extensions=(("X-NOT-HUMAN-READABLE", ("TRUE",)),),
        ),
    )
    assert schema.matching_rules == (
        MatchingRule(
            oid="2.5.13.2", names=("caseIgnoreMatch",), syntax="1.3.6.1.4.1.1466.115.121.1.15"
        ),
    )
    assert schema.matching_rule_uses == (
        MatchingRuleUse(oid="2.5.13.2", names=("caseIgnoreMatch",), applies=("objectClass",)),
    )
    (rule,) = schema.dit_content_rules
    assert isinstance(rule, DitContentRule)
    assert (rule.auxiliary, rule.must, rule.may, rule.precluded) == (
        ("top",),
        ("objectClass",),
        ("objectClass",),
        ("x",),
    )
    assert [w.message for w in rule.warnings] == ["NOT attribute 'x' is not defined"]


def test_attribute_names_are_case_insensitive() -> None:
    """``OBJECTCLASSES`` and ``attributetypes`` are the same subschema attributes."""
    schema = Schema.from_subschema({"OBJECTCLASSES": [TOP], "attributetypes": [OBJECT_CLASS]})
    assert [c.name for c in schema.object_classes] == ["top"]
    assert [a.name for a in schema.attribute_types] == ["objectClass"]


@pytest.mark.parametrize(
    ("definition", "kind", "message"),
    [
        (
            "( cn-oid NAME 'x' SUP top )",
            WarningKind.NON_NUMERIC_OID,
            "the OID 'cn-oid' is not numeric",
        ),
        ("( '1.2.3' NAME 'x' SUP top )", WarningKind.QUOTED_OID, "the OID is quoted ('1.2.3')"),
        ("( 1.2.3 NAME 'x'DESC 'y' SUP top )", WarningKind.MISSING_SPACE, "no space before 'DESC'"),
        ("( 1.2.3 NAME'x' SUP top )", WarningKind.MISSING_SPACE, "no space after NAME"),
        ("( 1.2.3 NAME 'x' MUST(cn) )", WarningKind.MISSING_SPACE, "no space after MUST"),
        ("( 1.2.3 NAME x SUP top )", WarningKind.BAD_QUOTING, "NAME x is not quoted"),
        (
            "( 1.2.3 NAME 'x' DESC 'Bob's class' SUP top )",
            WarningKind.BAD_QUOTING,
            "a quote inside a quoted string was taken as part of the text",
        ),
        (
            "( 1.2.3 NAME 'x' DESC 'no end )",
            WarningKind.BAD_QUOTING,
            "a quoted string has no closing quote",
        ),
        (
            "( 1.2.3 NAME 'x' FOO bar SUP top )",
            WarningKind.UNKNOWN_KEYWORD,
            "unknown term 'FOO' skipped",
        ),
        (
            "( 1.2.3 NAME 'x' SUP top",
            WarningKind.BAD_STRUCTURE,
            "the definition has no closing ')'",
        ),
        (
            "1.2.3 NAME 'x' SUP top )",
            WarningKind.BAD_STRUCTURE,
            "the definition does not start with '('",
        ),
        (
            "( 1.2.3 NAME 'x' SUP top ) junk",
            WarningKind.BAD_STRUCTURE,
            "text after the closing ')' ignored",
        ),
        ("( 1.2.3 NAME 'x' SUP )", WarningKind.BAD_STRUCTURE, "SUP has no value; ignored"),
        (
            "( 1.2.3 NAME 'x' DESC 'a' DESC 'b' )",
            WarningKind.DUPLICATE_TERM,
            "DESC repeated; the first is kept",
        ),
        (
            "( 1.2.3 NAME 'x' STRUCTURAL AUXILIARY )",
            WarningKind.DUPLICATE_TERM,
            "AUXILIARY repeated; the first is kept",
        ),
        (
            "( 1.2.3 NAME 'x' SUP 2.5.6.0 )",
            WarningKind.OID_REFERENCE,
            "superclass is given by OID 2.5.6.0 (resolved to 'top')",
        ),
        (
            "( 1.2.3 NAME 'x' SUP nothing )",
            WarningKind.UNKNOWN_REFERENCE,
            "superclass 'nothing' is not defined",
        ),
        (
            "( 1.2.3 NAME 'x' MAY nothing )",
            WarningKind.UNKNOWN_REFERENCE,
            "MAY attribute 'nothing' is not defined",
        ),
    ],
)
def test_object_class_quirks_are_warnings(definition: str, kind: WarningKind, message: str) -> None:
    """Each quirk yields the named warning on that definition and the class is still usable."""
    schema = _schema([definition])
    cls = schema.object_class("x")
    assert cls is not None
    assert (kind, message) in [(w.kind, w.message) for w in cls.warnings]
    assert all(w.definition == "x" and w.element == "objectClasses" for w in cls.warnings)


def test_quirky_values_are_still_understood() -> None:
    """The tolerated forms carry the meaning a human reader would give them."""
    schema = _schema(
        [
            "( 1.2.3 NAME 'a'DESC 'Bob's class' SUP 2.5.6.0 MUST(objectClass$objectClass) )",
            "( cn-oid NAME x AUXILIARY )",
        ]
    )
    a = schema.object_class("a")
    assert a is not None
    assert (a.description, a.superclasses, a.must) == (
        "Bob's class",
        ("2.5.6.0",),
        ("objectClass", "objectClass"),
    )
    assert [c.name for c in schema.superclasses("a")] == ["top"]
    x = schema.object_class("cn-oid")
    assert x is not None
    assert (x.name, x.kind) == ("x", ObjectClassKind.AUXILIARY)


@pytest.mark.parametrize(
    ("definition", "kind", "message"),
    [
        (
            "( 1.2.5 NAME 'x' SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' )",
            WarningKind.QUOTED_OID,
            "SYNTAX '1.3.6.1.4.1.1466.115.121.1.15' is quoted",
        ),
        (
            "( 1.2.5 NAME 'x' SYNTAX OctetString )",
            WarningKind.NON_NUMERIC_OID,
            "SYNTAX 'OctetString' is a name, not an OID; read as Octet String "
            "(1.3.6.1.4.1.1466.115.121.1.40)",
        ),
        (
            "( 1.2.5 NAME 'x' SYNTAX 1.2.3.4.5 )",
            WarningKind.UNKNOWN_SYNTAX,
            "SYNTAX 1.2.3.4.5 is unknown; values are strings",
        ),
        (
            "( 1.2.5 NAME 'x' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{x} )",
            WarningKind.INVALID_VALUE,
            "SYNTAX length {x} ignored",
        ),
        (
            "( 1.2.5 NAME 'x' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 {32} )",
            WarningKind.MISSING_SPACE,
            "space inside the SYNTAX length",
        ),
        (
            "( 1.2.5 NAME 'x' USAGE sometimes )",
            WarningKind.INVALID_VALUE,
            "unknown USAGE 'sometimes'; userApplications",
        ),
        (
            "( 1.2.5 NAME 'x' )",
            WarningKind.MISSING_SYNTAX,
            "has neither SYNTAX nor SUP (RFC 4512 section 4.1.2); values are strings",
        ),
        (
            "( 1.2.5 NAME 'x' SUP x )",
            WarningKind.INHERITANCE_CYCLE,
            "following SUP leads back to this attribute type; the loop is cut",
        ),
        (
            "( 1.2.5 NAME 'x' SUP 2.5.4.0 )",
            WarningKind.OID_REFERENCE,
            "supertype is given by OID 2.5.4.0 (resolved to 'objectClass')",
        ),
    ],
)
def test_attribute_type_quirks_are_warnings(
    definition: str, kind: WarningKind, message: str
) -> None:
    """Attribute type quirks become warnings on the attribute type."""
    schema = _schema(attribute_types=[definition])
    attribute = schema.attribute_type("x")
    assert attribute is not None
    assert (kind, message) in [(w.kind, w.message) for w in attribute.warnings]


def test_syntax_length_with_a_space_is_joined() -> None:
    """``SYNTAX 1.2.3 {32}`` still carries its length."""
    schema = _schema(
        attribute_types=["( 1.2.5 NAME 'x' SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 {32} )"]
    )
    attribute = schema.attribute_type("x")
    assert attribute is not None
    assert (attribute.syntax, attribute.syntax_length) == ("1.3.6.1.4.1.1466.115.121.1.15", 32)


def test_superclass_cycle_is_cut() -> None:
    """Classes whose SUP chains loop get a warning each and resolution still ends."""
    schema = _schema(["( 1.1 NAME 'a' SUP b )", "( 1.2 NAME 'b' SUP a )"])
    assert [c.name for c in schema.superclasses("a")] == ["b"]
    assert {w.definition for w in schema.warnings_of(WarningKind.INHERITANCE_CYCLE)} == {"a", "b"}


def test_duplicates_are_flagged_and_the_first_wins() -> None:
    """A second definition with the same OID or name is flagged; look-ups find the first."""
    schema = _schema(
        [
            "( 1.1 NAME 'dup' DESC 'first' SUP top )",
            "( 1.1 NAME 'other' DESC 'second' SUP top )",
            "( 1.2 NAME 'DUP' DESC 'third' SUP top )",
        ]
    )
    dup = schema.object_class("dup")
    assert dup is not None
    assert dup.description == "first"
    other = schema.object_class("other")
    assert other is not None
    assert other.description == "second"
    assert [(w.kind, w.definition) for w in schema.warnings] == [
        (WarningKind.DUPLICATE_OID, "other"),
        (WarningKind.DUPLICATE_NAME, "DUP"),
    ]


@pytest.mark.parametrize("value", ["", "   ", "( )", "()", "$", "'just text'"])
def test_values_that_are_no_definition_are_dropped_with_a_warning(value: str) -> None:
    """A value without OID and name is skipped with a MALFORMED warning, nothing else fails."""
    schema = _schema([value])
    assert [c.name for c in schema.object_classes] == ["top"]
    assert [w.kind for w in schema.warnings][-1] is WarningKind.MALFORMED


def test_definition_without_oid_uses_its_name() -> None:
    """A definition that starts with NAME gets its name as OID, with a warning."""
    schema = _schema(["( NAME 'noOid' SUP top )"])
    cls = schema.object_class("noOid")
    assert cls is not None
    assert cls.oid == "noOid"
    assert _kinds(cls) == [WarningKind.NON_NUMERIC_OID]


def test_bytes_values_are_decoded() -> None:
    """Values given as UTF-8 bytes (as a raw LDAP read returns them) are accepted."""
    schema = Schema.from_subschema({"objectClasses": [TOP.encode()], "attributeTypes": []})
    assert schema.object_class("top") is not None


@pytest.mark.parametrize(
    "subschema",
    [
        {},
        {"cn": ["Subschema"]},
        {"objectClasses": []},
        {"objectClasses": 5},
        {"objectClasses": [5]},
        ["objectClasses"],
        "objectClasses: ( 1.2 )",
    ],
)
def test_non_subschema_input_raises_schema_error(subschema: object) -> None:
    """Input that is not a subschema at all raises SchemaError, never anything else."""
    with pytest.raises(SchemaError):
        Schema.from_subschema(subschema)  # type: ignore[arg-type]


def test_a_single_string_value_is_one_definition() -> None:
    """A lone string (not a list) is taken as one value."""
    schema = Schema.from_subschema({"objectClasses": TOP})
    assert [c.name for c in schema.object_classes] == ["top"]
