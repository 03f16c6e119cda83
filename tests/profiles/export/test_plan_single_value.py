"""Treat as single value: how an attribute is exposed, never a rule that drops the RDN value.

Microsoft's OpenLDAP walkthrough marks ``cn``, ``mail``, ``sn``, ``userPassword`` (and
``uid``) single-valued, maps ``displayName`` to ``cn`` and names entries ``CN=<login>``: the
directory holds both ``cn`` values, the connector presents and compares the mapped one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry, Modification, ModifyOp, Value
from ldapconnector.profiles import (
    AddOperation,
    ModifyOperation,
    Operation,
    PlanFailure,
    plan_create,
    plan_update,
)
from ldapconnector.profiles.export import exposed_attributes
from ldapconnector.schema import ProblemKind, Schema, SchemaOptions

SUBSCHEMA = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
DN = "CN=jdoe,DC=Contoso,DC=lab"
WALKTHROUGH_SINGLE = {"cn", "mail", "sn", "userPassword", "uid"}
STORED = {
    "objectClass": ("inetOrgPerson",),
    "cn": ("jdoe", "Jane Doe"),
    "sn": ("Doe",),
    "mail": ("jdoe@contoso.lab",),
}


@pytest.fixture(name="schema", scope="module")
def fixture_schema() -> Schema:
    """OpenLDAP 2.5's schema with the walkthrough's "treat as single value" attributes."""
    recorded = Schema.from_subschema(load_subschema_file(SUBSCHEMA))
    return recorded.with_options(SchemaOptions(single_valued=WALKTHROUGH_SINGLE))


def jane(cn: tuple[Value, ...] = ("Jane Doe",), *, dn: str = DN, **more: object) -> DesiredEntry:
    """Jane Doe as the walkthrough's mappings make her (displayName -> cn)."""
    attributes: dict[str, tuple[Value, ...]] = {
        "cn": cn,
        "sn": ("Doe",),
        "mail": ("jdoe@contoso.lab",),
    }
    attributes.update(more.pop("attributes", {}))  # type: ignore[call-overload]
    return DesiredEntry(
        source_id="u-1",
        dn=dn,
        object_classes=("inetOrgPerson",),
        attributes=attributes,
        **more,  # type: ignore[arg-type]
    )


def changes_of(result: tuple[Operation, ...] | PlanFailure) -> tuple[Modification, ...]:
    """The changes of a plan that must be exactly one modify."""
    assert isinstance(result, tuple), result
    (modify,) = result
    assert isinstance(modify, ModifyOperation), modify
    return modify.changes


def test_create_holds_the_rdn_value_besides_the_mapped_one(schema: Schema) -> None:
    """cn single-valued by configuration: the add still carries cn: jdoe (the RDN) too."""
    result = plan_create(jane(), schema)
    assert isinstance(result, tuple), result
    (add,) = result
    assert isinstance(add, AddOperation)
    assert add.attributes["cn"] == ("Jane Doe", "jdoe")


def test_two_mapped_values_of_a_configured_single_value_are_still_refused(schema: Schema) -> None:
    """The exposure is still checked: two mapped cn values are one clear problem."""
    result = plan_create(jane(("Jane Doe", "J. Doe")), schema)
    assert isinstance(result, PlanFailure)
    assert [p.kind for p in result.problems] == [ProblemKind.TOO_MANY_VALUES]
    assert "treated as single-valued by configuration" in result.message


def test_unchanged_user_needs_no_write(schema: Schema) -> None:
    """The stored cn pair presents as the mapped value: a second export writes nothing."""
    assert plan_update(jane(), Entry(DN, STORED), schema) == ()


def test_unchanged_user_whose_mapped_value_is_the_rdn_value(schema: Schema) -> None:
    """cn: jdoe alone, mapped jdoe: nothing to write."""
    assert plan_update(jane(("jdoe",)), Entry(DN, {**STORED, "cn": ("jdoe",)}), schema) == ()


def test_changed_display_name_is_one_replace_that_keeps_the_rdn_value(schema: Schema) -> None:
    """A new displayName replaces cn with the new value and the RDN value, atomically."""
    changes = changes_of(plan_update(jane(("Jane Smith",)), Entry(DN, STORED), schema))
    assert changes == (Modification(ModifyOp.REPLACE, "cn", ("Jane Smith", "jdoe")),)


def test_a_value_added_by_someone_else_is_replaced_away(schema: Schema) -> None:
    """Single-valued exposure: a third cn written outside the connector is not kept."""
    stored = Entry(DN, {**STORED, "cn": ("jdoe", "Jane Doe", "JD")})
    changes = changes_of(plan_update(jane(), stored, schema))
    assert changes == (Modification(ModifyOp.REPLACE, "cn", ("Jane Doe", "jdoe")),)


def test_an_entry_named_after_cn_is_not_renamed_by_a_configured_single_value(
    schema: Schema,
) -> None:
    """cn=jdoe holding only cn: jdoe keeps its DN: the new cn joins the RDN value."""
    stored = Entry(DN, {**STORED, "cn": ("jdoe",)})
    changes = changes_of(plan_update(jane(dn=None), stored, schema))  # type: ignore[arg-type]
    assert changes == (Modification(ModifyOp.REPLACE, "cn", ("Jane Doe", "jdoe")),)


def test_clearing_a_configured_single_value_keeps_the_rdn_value(schema: Schema) -> None:
    """A cleared cn leaves exactly the value the DN needs."""
    desired = DesiredEntry(
        source_id="u-1",
        dn=DN,
        object_classes=("inetOrgPerson",),
        attributes={"sn": ("Doe",), "mail": ("jdoe@contoso.lab",)},
        cleared=frozenset({"cn"}),
    )
    changes = changes_of(plan_update(desired, Entry(DN, STORED), schema))
    assert changes == (Modification(ModifyOp.REPLACE, "cn", ("jdoe",)),)


def test_truly_single_valued_rdn_attribute_with_another_value_is_a_clear_failure(
    schema: Schema,
) -> None:
    """uidNumber is SINGLE-VALUE in the schema: it cannot hold the RDN value and another."""
    dn = "uidNumber=10001,ou=people,dc=contoso,dc=lab"
    desired = DesiredEntry(
        source_id="u-1",
        dn=dn,
        object_classes=("inetOrgPerson", "posixAccount"),
        attributes={
            "cn": ("Jane Doe",),
            "sn": ("Doe",),
            "uid": ("jdoe",),
            "uidNumber": ("10002",),
            "gidNumber": ("10000",),
            "homeDirectory": ("/home/jdoe",),
        },
    )
    result = plan_create(desired, schema)
    assert isinstance(result, PlanFailure)
    (problem,) = result.problems
    assert problem.attribute == "uidNumber"
    assert dn in result.message
    assert "SINGLE-VALUE in the schema" in problem.message
    assert "'10002'" in problem.message
    assert "'10001'" in problem.message


def test_import_presents_the_mapped_value_not_the_rdn_value(schema: Schema) -> None:
    """An imported entry shows cn: Jane Doe, the value the mapping gave, not jdoe too."""
    shown = exposed_attributes(schema, DN, STORED)
    assert shown["cn"] == ("Jane Doe",)
    assert shown["sn"] == ("Doe",)
    assert shown["objectClass"] == ("inetOrgPerson",)


def test_import_presents_the_rdn_value_when_it_is_the_only_one(schema: Schema) -> None:
    """cn=jdoe holding only cn: jdoe presents jdoe."""
    assert exposed_attributes(schema, DN, {**STORED, "cn": ("jdoe",)})["cn"] == ("jdoe",)


def test_import_presents_one_value_of_a_configured_single_value(schema: Schema) -> None:
    """Two mail values (written outside the connector) present as the first one."""
    stored = {**STORED, "mail": ("a@contoso.lab", "b@contoso.lab")}
    assert exposed_attributes(schema, DN, stored)["mail"] == ("a@contoso.lab",)


def test_without_single_value_settings_import_presents_everything(schema: Schema) -> None:
    """With no "treat as single value" attribute, the entry is presented as read."""
    plain = schema.with_options(SchemaOptions())
    assert exposed_attributes(plain, DN, STORED) == STORED
