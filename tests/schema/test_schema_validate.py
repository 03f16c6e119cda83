"""Entry validation: one clear SchemaProblem per problem, none for a valid entry."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ldapconnector.schema import (
    ACTIVE_DIRECTORY_SERVER_SUPPLIED,
    ProblemKind,
    Schema,
    SchemaOptions,
    SchemaProblem,
)

DN = "uid=bsimon,ou=people,dc=contoso,dc=lab"


@pytest.fixture(name="entry")
def fixture_entry() -> dict[str, Any]:
    """The OpenLDAP POSIX example user of the Generic LDAP connector documentation."""
    return {
        "objectClass": ["inetOrgPerson", "posixAccount", "shadowAccount"],
        "cn": ["Britta Simon"],
        "sn": ["Simon"],
        "uid": ["bsimon"],
        "uidNumber": ["10001"],
        "gidNumber": ["10001"],
        "homeDirectory": ["/home/bsimon"],
        "mail": ["bsimon@contoso.lab"],
        "loginShell": "/bin/bash",
        "userPassword": [b"{SSHA}abc"],
    }


def _kinds(problems: tuple[SchemaProblem, ...]) -> list[ProblemKind]:
    return [p.kind for p in problems]


def test_posix_example_is_valid(openldap: Schema, entry: dict[str, Any]) -> None:
    """The documented example entry validates with no problem, with or without its DN."""
    assert openldap.validate(entry) == ()
    assert openldap.validate(entry, dn=DN) == ()
    assert openldap.validate({"dn": DN, **entry}) == ()


def test_missing_gidnumber_names_posixaccount(openldap: Schema, entry: dict[str, Any]) -> None:
    """Dropping gidNumber gives exactly one problem, naming posixAccount."""
    del entry["gidNumber"]
    assert openldap.validate(entry, dn=DN) == (
        SchemaProblem(
            kind=ProblemKind.MISSING_REQUIRED_ATTRIBUTE,
            message="attribute 'gidNumber' is required by posixAccount but missing",
            attribute="gidNumber",
            object_class="posixAccount",
        ),
    )


def test_missing_attribute_required_by_two_classes(openldap: Schema, entry: dict[str, Any]) -> None:
    """An attribute two classes require names both; an empty value list counts as missing."""
    entry["uid"] = []
    (problem,) = openldap.validate(entry)
    assert (
        problem.message
        == "attribute 'uid' is required by posixAccount and shadowAccount but missing"
    )
    assert problem.object_class == "posixAccount"


def test_no_objectclass(openldap: Schema) -> None:
    """An entry without objectClass is told it needs a structural class."""
    problems = openldap.validate({"cn": "x"})
    assert _kinds(problems) == [ProblemKind.NO_STRUCTURAL_CLASS]
    assert "no objectClass attribute" in problems[0].message


def test_only_auxiliary_classes(openldap: Schema) -> None:
    """Auxiliary classes alone are no structural class; their MUST attributes still count."""
    problems = openldap.validate({"objectClass": ["posixAccount"], "cn": "x", "uid": "x"})
    assert (
        _kinds(problems)
        == [ProblemKind.NO_STRUCTURAL_CLASS] + [ProblemKind.MISSING_REQUIRED_ATTRIBUTE] * 3
    )
    assert problems[0].message == (
        "the entry has no structural object class (it has posixAccount (auxiliary)); "
        "add exactly one structural class (RFC 4512 section 2.4.2)"
    )


def test_two_unrelated_structural_classes(openldap: Schema, entry: dict[str, Any]) -> None:
    """inetOrgPerson plus device are two structural chains: one problem naming both."""
    entry["objectClass"].append("device")
    problems = openldap.validate(entry)
    assert _kinds(problems) == [ProblemKind.MULTIPLE_STRUCTURAL_CLASSES]
    assert "inetOrgPerson and device" in problems[0].message


def test_superclasses_listed_with_their_subclass_are_fine(
    openldap: Schema, entry: dict[str, Any]
) -> None:
    """person, organizationalPerson and top beside inetOrgPerson are one chain, not several."""
    entry["objectClass"] = ["top", "person", "organizationalPerson", *entry["objectClass"]]
    assert openldap.validate(entry) == ()


def test_unknown_object_class(openldap: Schema, entry: dict[str, Any]) -> None:
    """A class the schema lacks is reported by name."""
    entry["objectClass"].append("fooPerson")
    assert openldap.validate(entry) == (
        SchemaProblem(
            kind=ProblemKind.UNKNOWN_OBJECT_CLASS,
            message="object class 'fooPerson' is not defined in the schema",
            object_class="fooPerson",
        ),
    )


def test_attribute_not_allowed(openldap: Schema) -> None:
    """An attribute no class of the entry allows is reported with the classes it has."""
    problems = openldap.validate({"objectClass": "person", "cn": "x", "sn": "y", "mail": "m"})
    assert problems == (
        SchemaProblem(
            kind=ProblemKind.ATTRIBUTE_NOT_ALLOWED,
            message="attribute 'mail' is not allowed by the entry's object classes (person, top)",
            attribute="mail",
        ),
    )


def test_extensible_object_allows_anything(openldap: Schema) -> None:
    """With extensibleObject among its classes, an entry may hold any user attribute."""
    entry = {"objectClass": ["person", "extensibleObject"], "cn": "x", "sn": "y", "mail": "m"}
    assert openldap.validate(entry) == ()


def test_unknown_attribute(openldap: Schema, entry: dict[str, Any]) -> None:
    """An attribute type the schema lacks is reported as unknown, not as not allowed."""
    entry["fooBar"] = "1"
    assert _kinds(openldap.validate(entry)) == [ProblemKind.UNKNOWN_ATTRIBUTE]


def test_too_many_values(openldap: Schema, entry: dict[str, Any]) -> None:
    """Several values of a single-valued attribute are one problem."""
    entry["uidNumber"] = ["1", "2"]
    (problem,) = openldap.validate(entry)
    assert problem.kind is ProblemKind.TOO_MANY_VALUES
    assert problem.message == "attribute 'uidNumber' is single-valued but has 2 values"


def test_treat_as_single_value_is_checked(openldap: Schema, entry: dict[str, Any]) -> None:
    """A configured single-valued attribute with two values says the configuration did it."""
    entry["mail"] = ["a@x", "b@x"]
    schema = openldap.with_options(SchemaOptions(single_valued={"mail"}))
    (problem,) = schema.validate(entry)
    assert problem.message == (
        "attribute 'mail' is single-valued (treated as single-valued by configuration) "
        "but has 2 values"
    )


@pytest.mark.parametrize(
    ("attribute", "value", "reason"),
    [
        ("uidNumber", "ten", "is not an INTEGER"),
        ("uidNumber", "007", "is not an INTEGER"),
        ("uidNumber", True, "is not an INTEGER"),
        ("shadowExpire", "1.5", "is not an INTEGER"),
        ("seeAlso", "not a dn", "is not a distinguished name"),
        ("manager", "uid=x,,dc=y", "is not a distinguished name"),
    ],
)
def test_invalid_values(
    openldap: Schema, entry: dict[str, Any], attribute: str, value: object, reason: str
) -> None:
    """A value that does not fit the syntax is reported with the value and the rule."""
    entry[attribute] = [value]
    (problem,) = openldap.validate(entry)
    assert problem.kind is ProblemKind.INVALID_VALUE
    assert problem.attribute == attribute
    assert reason in problem.message
    assert problem.value == str(value)


@pytest.mark.parametrize("value", [10001, "-5", "0", b"42"])
def test_valid_integers(openldap: Schema, entry: dict[str, Any], value: object) -> None:
    """Integers may be Python ints, RFC 4517 strings or bytes."""
    entry["uidNumber"] = value
    assert openldap.validate(entry) == ()


def test_boolean_and_time_values(openldap: Schema) -> None:
    """Booleans must be TRUE/FALSE and times Generalized Time (checked on pwdPolicy)."""
    entry = {
        "objectClass": ["device", "pwdPolicy"],
        "cn": "policy",
        "pwdAttribute": "userPassword",
        "pwdLockout": "yes",
        "pwdMustChange": True,
    }
    (problem,) = openldap.validate(entry)
    assert problem.message == (
        "value 'yes' of attribute 'pwdLockout' is not a Boolean "
        "(RFC 4517 section 3.3.3: TRUE or FALSE, in capitals)"
    )


def test_operational_attributes(openldap: Schema, entry: dict[str, Any]) -> None:
    """NO-USER-MODIFICATION is refused; user-modifiable operational ones are not class-bound."""
    entry["pwdAccountLockedTime"] = "20240101000000Z"
    assert openldap.validate(entry) == ()
    entry["pwdAccountLockedTime"] = "yesterday"
    assert _kinds(openldap.validate(entry)) == [ProblemKind.INVALID_VALUE]
    entry["pwdAccountLockedTime"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    entry["entryUUID"] = "5e0a0c5e-0000-0000-0000-000000000000"
    (problem,) = openldap.validate(entry)
    assert problem.kind is ProblemKind.NO_USER_MODIFICATION
    assert problem.attribute == "entryUUID"


def test_aliases_and_options_are_one_attribute(openldap: Schema, entry: dict[str, Any]) -> None:
    """``commonName`` and ``cn;lang-en`` are values of cn; ``userCertificate;binary`` is fine."""
    del entry["cn"]
    entry["commonName"] = "Britta"
    entry["cn;lang-en"] = "Britta"
    entry["userCertificate;binary"] = [b"\x30\x82"]
    assert openldap.validate(entry) == ()


def test_invalid_dn(openldap: Schema, entry: dict[str, Any]) -> None:
    """A malformed DN is one problem."""
    problems = openldap.validate(entry, dn="uid=bsimon,,dc=lab")
    assert _kinds(problems) == [ProblemKind.INVALID_DN]


def test_rdn_value_must_be_in_the_entry(openldap: Schema, entry: dict[str, Any]) -> None:
    """The RDN's attribute value must be among the entry's values (case-insensitive)."""
    assert openldap.validate(entry, dn="UID=BSIMON,ou=people,dc=contoso,dc=lab") == ()
    (problem,) = openldap.validate(entry, dn="uid=britta,ou=people,dc=contoso,dc=lab")
    assert problem.kind is ProblemKind.RDN_NOT_IN_ENTRY
    assert problem.message == (
        "the RDN's uid value 'britta' is not among the entry's values of 'uid' "
        "(RFC 4512 section 2.3)"
    )


def test_ad_user_with_posix_auxiliary(ad: Schema) -> None:
    """An AD user needs only cn once the AD preset names the server-supplied attributes."""
    schema = ad.with_options(SchemaOptions(server_supplied=ACTIVE_DIRECTORY_SERVER_SUPPLIED))
    classes = ["top", "person", "organizationalPerson", "user"]
    assert schema.validate({"objectClass": classes, "cn": "x"}) == ()
    posix = {"objectClass": [*classes, "posixAccount"], "cn": "x", "uidNumber": "10001"}
    assert schema.validate(posix) == ()
    without_preset = ad.validate({"objectClass": classes, "cn": "x"})
    assert [(p.kind, p.attribute, p.object_class) for p in without_preset] == [
        (ProblemKind.MISSING_REQUIRED_ATTRIBUTE, "nTSecurityDescriptor", "top"),
        (ProblemKind.MISSING_REQUIRED_ATTRIBUTE, "objectCategory", "top"),
        (ProblemKind.MISSING_REQUIRED_ATTRIBUTE, "sAMAccountName", "dITContentRule user"),
    ]
    mixed = schema.validate({"objectClass": [*classes, "msDS-AzRole"], "cn": "x"})
    assert ProblemKind.MULTIPLE_STRUCTURAL_CLASSES in _kinds(mixed)


def test_ad_auxiliary_class_outside_the_content_rule() -> None:
    """An auxiliary class a DIT content rule does not list is refused (RFC 4512 4.1.6)."""
    schema = Schema.from_subschema(
        {
            "objectClasses": [
                "( 2.5.6.0 NAME 'top' ABSTRACT MUST objectClass )",
                "( 1.1 NAME 'thing' SUP top STRUCTURAL )",
                "( 1.2 NAME 'okAux' SUP top AUXILIARY )",
                "( 1.3 NAME 'badAux' SUP top AUXILIARY )",
            ],
            "attributeTypes": [
                "( 2.5.4.0 NAME 'objectClass' SYNTAX 1.3.6.1.4.1.1466.115.121.1.38 )"
            ],
            "dITContentRules": ["( 1.1 NAME 'thing' AUX okAux )"],
        }
    )
    assert schema.validate({"objectClass": ["thing", "okAux"]}) == ()
    (problem,) = schema.validate({"objectClass": ["thing", "badAux"]})
    assert problem.kind is ProblemKind.AUXILIARY_NOT_ALLOWED
    assert problem.message == (
        "auxiliary class 'badAux' is not permitted on 'thing' by its dITContentRule "
        "(RFC 4512 section 4.1.6)"
    )


def test_ad_objectclass_is_not_refused(ad: Schema) -> None:
    """AD marks objectClass NO-USER-MODIFICATION, yet every add carries it: not a problem."""
    kinds = _kinds(ad.validate({"objectClass": ["user"], "cn": "x"}))
    assert ProblemKind.NO_USER_MODIFICATION not in kinds


def test_problems_have_readable_str(openldap: Schema) -> None:
    """str(problem) is its message."""
    (problem,) = openldap.validate({"objectClass": "person", "cn": "x"})
    assert str(problem) == "attribute 'sn' is required by person but missing"


def test_remembered_entry_keys_file_each_spelling_as_the_first_time(
    openldap: Schema, entry: dict[str, Any]
) -> None:
    """The index remembers how each key is filed; a key met again is filed the same way.

    Aliases merge into one attribute (``surname`` and ``SN`` with ``sn``: too many values
    for none of them alone), options are dropped, a ``dn`` key is the DN, and an unknown
    name stays unknown, on the first entry and on every later one.
    """
    odd = {
        **entry,
        "surname": ["Other"],
        "SN;lang-en": ["Third"],
        "DN": "uid=other,ou=people,dc=contoso,dc=lab",
        "x-unknown": ["1"],
        "displayName": ["One", "Two"],
    }
    first = openldap.validate(odd)
    assert openldap.validate(odd) == first
    assert openldap.validate(entry, dn=DN) == ()
    kinds = _kinds(first)
    assert ProblemKind.UNKNOWN_ATTRIBUTE in kinds
    too_many = {p.attribute for p in first if p.kind is ProblemKind.TOO_MANY_VALUES}
    assert too_many == {"displayName"}  # sn is multi-valued: three values merge, no problem
    rdn = [p for p in first if p.kind is ProblemKind.RDN_NOT_IN_ENTRY]
    assert rdn  # the "DN" key was read as the DN
    assert "other" in rdn[0].message
