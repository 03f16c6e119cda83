"""plan_create: the add for a new entry, checked against the recorded OpenLDAP 2.5 schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.config import MappingConfig, MappingType
from ldapconnector.mapping import DesiredEntry, MappingSet
from ldapconnector.profiles import (
    AddOperation,
    PasswordSetOperation,
    PlanFailure,
    PlanOptions,
    plan_create,
)
from ldapconnector.schema import ProblemKind, Schema

SUBSCHEMA = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
DN = "CN=bsimon,DC=Contoso,DC=lab"
POSIX = {
    "cn": ("Britta Simon",),
    "sn": ("Simon",),
    "mail": ("bsimon@contoso.com",),
    "uid": ("bsimon",),
    "uidNumber": ("10001",),
    "gidNumber": ("10000",),
    "homeDirectory": ("/home/bsimon",),
}


@pytest.fixture(name="schema", scope="module")
def fixture_schema() -> Schema:
    """The schema captured from a real OpenLDAP 2.5 slapd (core, cosine, inetorgperson, nis)."""
    return Schema.from_subschema(load_subschema_file(SUBSCHEMA))


def posix(**changes: object) -> DesiredEntry:
    """The seed's POSIX user as a desired entry, with ``changes`` applied."""
    fields: dict[str, object] = {
        "source_id": "u-1",
        "dn": DN,
        "object_classes": ("inetOrgPerson", "posixAccount"),
        "attributes": POSIX,
    }
    fields.update(changes)
    return DesiredEntry(**fields)  # type: ignore[arg-type]


def test_seed_user_becomes_one_add_with_the_rdn_value(schema: Schema) -> None:
    """The add holds objectClass first, every mapped value, and cn gains the RDN value."""
    (add,) = plan_create(posix(), schema)  # type: ignore[misc]
    assert isinstance(add, AddOperation)
    assert add.dn == DN
    assert add.attributes["objectClass"] == ("inetOrgPerson", "posixAccount")
    assert add.attributes["cn"] == ("Britta Simon", "bsimon")
    assert add.attributes["homeDirectory"] == ("/home/bsimon",)


def test_rdn_attribute_is_added_when_not_mapped(schema: Schema) -> None:
    """An RDN attribute no mapping sets is filled from the DN (uid=... gives uid)."""
    attributes = {k: v for k, v in POSIX.items() if k != "uid"}
    result = plan_create(
        posix(dn="uid=bsimon,ou=people,dc=contoso,dc=lab", attributes=attributes), schema
    )
    assert isinstance(result, tuple)
    assert result[0].attributes["uid"] == ("bsimon",)  # type: ignore[union-attr]


def test_every_schema_problem_is_listed_in_one_failure(schema: Schema) -> None:
    """Missing MUST attributes and a bad integer give one failure naming each problem."""
    attributes = {"cn": ("Britta",), "uidNumber": ("ten",)}
    result = plan_create(posix(attributes=attributes), schema)
    assert isinstance(result, PlanFailure)
    kinds = {problem.kind for problem in result.problems}
    assert ProblemKind.MISSING_REQUIRED_ATTRIBUTE in kinds
    assert ProblemKind.INVALID_VALUE in kinds
    for name in ("sn", "gidNumber", "homeDirectory", "uidNumber"):
        assert name in result.message


def test_missing_dn_is_a_failure(schema: Schema) -> None:
    """Without a DN there is nothing to add."""
    result = plan_create(posix(dn=None), schema)
    assert isinstance(result, PlanFailure)
    assert "-dn-" in result.message


def test_malformed_dn_is_a_failure(schema: Schema) -> None:
    """A DN that does not parse is a failure, not an exception."""
    assert isinstance(plan_create(posix(dn="bsimon"), schema), PlanFailure)


def test_password_never_goes_into_the_add(schema: Schema) -> None:
    """A password mapping is dropped from the add and set afterwards by its own operation."""
    attributes = {**POSIX, "userPassword": ("Secret-From-Source",)}
    options = PlanOptions(set_initial_password=True)
    result = plan_create(posix(attributes=attributes), schema, options=options)
    assert isinstance(result, tuple)
    add, password = result
    assert isinstance(add, AddOperation)
    assert "userPassword" not in add.attributes
    assert password == PasswordSetOperation(dn=DN, attribute="userPassword")
    text = "".join(op.to_ldif() + repr(op) for op in result)
    assert "Secret-From-Source" not in text


def test_end_to_end_from_the_seed_mappings(schema: Schema) -> None:
    """The seed's expressions, mapped and planned, give a valid add."""
    configs = [
        MappingConfig(
            type=MappingType.EXPRESSION,
            target="-dn-",
            expression='Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")',
        ),
        MappingConfig(
            type=MappingType.EXPRESSION,
            target="objectClass",
            expression='Split("inetOrgPerson,posixAccount,shadowAccount", ",")',
        ),
        MappingConfig(type=MappingType.DIRECT, target="sn", source="surname"),
        MappingConfig(type=MappingType.DIRECT, target="uidNumber", source="uidNumber"),
        MappingConfig(type=MappingType.CONSTANT, target="gidNumber", value="10000"),
        MappingConfig(
            type=MappingType.EXPRESSION,
            target="homeDirectory",
            expression='Join("", "/home/", Word([userPrincipalName], 1, "@"))',
        ),
        MappingConfig(
            type=MappingType.EXPRESSION,
            target="uid",
            expression='Word([userPrincipalName], 1, "@")',
        ),
    ]
    record = {
        "id": "1",
        "userPrincipalName": "bsimon@contoso.com",
        "surname": "Simon",
        "uidNumber": 5,
    }
    desired = MappingSet.compile(configs).apply(record, creating=True)
    assert isinstance(desired, DesiredEntry)
    result = plan_create(desired, schema)
    assert isinstance(result, tuple)
    assert result[0].attributes["cn"] == ("bsimon",)  # type: ignore[union-attr]
    assert result[0].attributes["uidNumber"] == ("5",)  # type: ignore[union-attr]


def test_schema_failure_never_shows_a_redacted_value(schema: Schema) -> None:
    """A redacted value that breaks the schema is masked in the failure message."""
    attributes = {**POSIX, "uidNumber": ("s3cret-number",)}
    result = plan_create(posix(attributes=attributes, redacted=frozenset({"uidNumber"})), schema)
    assert isinstance(result, PlanFailure)
    assert "s3cret-number" not in result.message
    assert "[Redact]" in result.message
