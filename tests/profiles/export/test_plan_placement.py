"""Where a planned DN may go: one RDN under a container, else below a partition (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry
from ldapconnector.profiles import (
    ModifyDnOperation,
    PlanFailure,
    PlanOptions,
    plan_create,
    plan_update,
)
from ldapconnector.schema import Schema

SUBSCHEMA = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
PEOPLE = "ou=people,dc=contoso,dc=lab"
IN_CONTAINER = PlanOptions(containers=(PEOPLE,))
IN_PARTITION = PlanOptions(partitions=("dc=contoso,dc=lab",))


@pytest.fixture(name="schema", scope="module")
def fixture_schema() -> Schema:
    """The recorded OpenLDAP 2.5 schema."""
    return Schema.from_subschema(load_subschema_file(SUBSCHEMA))


def person(dn: str) -> DesiredEntry:
    """A plain inetOrgPerson with this DN."""
    attributes = {"cn": ("B",), "sn": ("S",)}
    return DesiredEntry(
        source_id="u-1", dn=dn, object_classes=("inetOrgPerson",), attributes=attributes
    )


@pytest.mark.parametrize(
    ("dn", "options", "allowed"),
    [
        (f"cn=B,{PEOPLE}", IN_CONTAINER, True),
        ("CN=B, OU=People,DC=Contoso,DC=lab", IN_CONTAINER, True),
        (f"cn=evil\\,{PEOPLE}", IN_CONTAINER, False),
        (f"cn=B,ou=sub,{PEOPLE}", IN_CONTAINER, False),
        ("cn=B,dc=contoso,dc=lab", IN_CONTAINER, False),
        (f"cn=B,ou=sub,{PEOPLE}", IN_PARTITION, True),
        ("cn=B,dc=other,dc=lab", IN_PARTITION, False),
        ("dc=contoso,dc=lab", IN_PARTITION, False),
        ("cn=B,dc=anywhere", PlanOptions(), True),
    ],
)
def test_a_new_dn_must_lie_where_the_configuration_says(
    schema: Schema, dn: str, options: PlanOptions, allowed: bool
) -> None:
    """Containers take exactly one RDN below them; partitions anything strictly below."""
    planned = plan_create(person(dn), schema, options=options)
    assert isinstance(planned, PlanFailure) is not allowed
    if not allowed:
        assert isinstance(planned, PlanFailure)
        assert repr(dn) in planned.message
        bases = options.containers or options.partitions
        assert all(repr(base) in planned.message for base in bases)


def test_a_rename_by_the_dn_mapping_must_stay_in_the_container(schema: Schema) -> None:
    """A -dn- that escapes the container fails the update; one inside is a modify-DN."""
    current = Entry(
        f"cn=B,{PEOPLE}", {"objectClass": ("inetOrgPerson",), "cn": ("B",), "sn": ("S",)}
    )
    escaped = plan_update(person(f"cn=evil\\,{PEOPLE}"), current, schema, options=IN_CONTAINER)
    assert isinstance(escaped, PlanFailure)
    assert "not one RDN directly under a configured container" in escaped.message
    moved = plan_update(person(f"cn=C,{PEOPLE}"), current, schema, options=IN_CONTAINER)
    assert not isinstance(moved, PlanFailure)
    assert isinstance(moved[0], ModifyDnOperation)


def test_a_rename_by_the_rdn_value_refuses_outer_whitespace(schema: Schema) -> None:
    """An entry named after cn whose new cn ends in a tab is not renamed to it."""
    current = Entry(
        f"cn=B,{PEOPLE}", {"objectClass": ("inetOrgPerson",), "cn": ("B",), "sn": ("S",)}
    )
    desired = DesiredEntry(
        source_id="u-1",
        object_classes=("inetOrgPerson",),
        attributes={"cn": ("B2\t",), "sn": ("S",)},
    )
    planned = plan_update(desired, current, schema, options=IN_CONTAINER)
    assert isinstance(planned, PlanFailure)
    assert "begins or ends with whitespace" in planned.message


def test_a_redacted_bad_value_is_not_shown(schema: Schema) -> None:
    """A redacted attribute's bad value is masked in the plan failure, escapes and all."""
    desired = DesiredEntry(
        source_id="u-1", dn=f"cn=B,{PEOPLE}", object_classes=("inetOrgPerson",),
        attributes={"cn": ("B",), "sn": ("S",), "description": ("s'cr\x00et",)},
        redacted={"description"},
    )  # fmt: skip
    planned = plan_create(desired, schema)
    assert isinstance(planned, PlanFailure)
    assert "NUL character" in planned.message
    assert "s'cr" not in planned.message
    assert "s\\'cr" not in planned.message
