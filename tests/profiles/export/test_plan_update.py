"""plan_update: minimal modifies and renames against entries shaped like OpenLDAP 2.5 ones."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.mapping import DesiredEntry
from ldapconnector.model import Entry, Modification, ModifyOp, Value
from ldapconnector.profiles import (
    ModifyDnOperation,
    ModifyOperation,
    Operation,
    PlanFailure,
    plan_update,
)
from ldapconnector.schema import Schema

SUBSCHEMA = Path(__file__).parents[2] / "data" / "schema" / "openldap-2.5-subschema.ldif"
DN = "cn=bsimon,dc=contoso,dc=lab"
CURRENT = {
    "objectClass": ("inetOrgPerson", "posixAccount"),
    "cn": ("Britta Simon", "bsimon"),
    "sn": ("Simon",),
    "mail": ("bsimon@contoso.com",),
    "uid": ("bsimon",),
    "uidNumber": ("10001",),
    "gidNumber": ("10000",),
    "homeDirectory": ("/home/bsimon",),
}
DESIRED = {k: v for k, v in CURRENT.items() if k != "objectClass"} | {"cn": ("Britta Simon",)}


@pytest.fixture(name="schema", scope="module")
def fixture_schema() -> Schema:
    """The schema captured from a real OpenLDAP 2.5 slapd (core, cosine, inetorgperson, nis)."""
    return Schema.from_subschema(load_subschema_file(SUBSCHEMA))


def want(
    attributes: Mapping[str, tuple[Value, ...]] | None = None,
    *,
    dn: str | None = "CN=bsimon,DC=Contoso,DC=lab",
    **extra: object,
) -> DesiredEntry:
    """The seed user as desired: DESIRED with ``attributes`` merged in."""
    fields: dict[str, object] = {
        "source_id": "u-1",
        "dn": dn,
        "object_classes": ("inetOrgPerson", "posixAccount"),
        "attributes": {**DESIRED, **(attributes or {})},
    }
    fields.update(extra)
    return DesiredEntry(**fields)  # type: ignore[arg-type]


def current(**changes: tuple[Value, ...]) -> Entry:
    """The entry as the directory holds it, with ``changes`` merged in."""
    return Entry(DN, {**CURRENT, **changes})


def operations(result: tuple[Operation, ...] | PlanFailure) -> tuple[Operation, ...]:
    """The operations of a plan that must have succeeded."""
    assert isinstance(result, tuple), result
    return result


def only_changes(result: tuple[Operation, ...] | PlanFailure) -> tuple[Modification, ...]:
    """The changes of a plan that must be a single modify."""
    (modify,) = operations(result)
    assert isinstance(modify, ModifyOperation)
    return modify.changes


def test_identical_entry_needs_nothing(schema: Schema) -> None:
    """An entry that already matches gives no operation (DN compared case-insensitively)."""
    assert plan_update(want(), current(), schema) == ()


def test_case_only_differences_are_equal_for_case_ignore_attributes(schema: Schema) -> None:
    """caseIgnoreMatch/caseIgnoreIA5Match values that differ in case or spaces are unchanged."""
    desired = want({"cn": ("britta  SIMON",), "mail": ("BSimon@Contoso.com",), "sn": ("simon",)})
    assert plan_update(desired, current(), schema) == ()


def test_case_exact_attribute_change_is_written(schema: Schema) -> None:
    """homeDirectory is caseExactIA5Match and single-valued: a case change is one replace."""
    changes = only_changes(
        plan_update(want({"homeDirectory": ("/home/BSimon",)}), current(), schema)
    )
    assert changes == (Modification(ModifyOp.REPLACE, "homeDirectory", ("/home/BSimon",)),)


def test_integer_values_compare_as_numbers(schema: Schema) -> None:
    """integerMatch: a stored 010001 is the same uidNumber as 10001; a new number is a replace."""
    assert plan_update(want(), current(uidNumber=("010001",)), schema) == ()
    changes = only_changes(plan_update(want({"uidNumber": ("10002",)}), current(), schema))
    assert changes == (Modification(ModifyOp.REPLACE, "uidNumber", ("10002",)),)


def test_display_name_change_touches_only_cn_and_keeps_the_rdn_value(schema: Schema) -> None:
    """A new cn deletes the old value and adds the new one; the RDN value bsimon stays."""
    changes = only_changes(plan_update(want({"cn": ("Britta Jones",)}), current(), schema))
    assert changes == (
        Modification(ModifyOp.DELETE, "cn", ("Britta Simon",)),
        Modification(ModifyOp.ADD, "cn", ("Britta Jones",)),
    )


def test_multi_valued_attribute_gets_add_and_delete_of_the_difference(schema: Schema) -> None:
    """mail is multi-valued: only the differing values are sent."""
    entry = current(mail=("a@contoso.com", "b@contoso.com"))
    desired = want({"mail": ("b@contoso.com", "c@contoso.com")})
    assert only_changes(plan_update(desired, entry, schema)) == (
        Modification(ModifyOp.DELETE, "mail", ("a@contoso.com",)),
        Modification(ModifyOp.ADD, "mail", ("c@contoso.com",)),
    )


def test_missing_attribute_is_added(schema: Schema) -> None:
    """A value the entry lacks is added (replace for single-valued, add for multi-valued)."""
    desired = want({"displayName": ("Britta",), "telephoneNumber": ("+1 555 0100",)})
    assert only_changes(plan_update(desired, current(), schema)) == (
        Modification(ModifyOp.REPLACE, "displayName", ("Britta",)),
        Modification(ModifyOp.ADD, "telephoneNumber", ("+1 555 0100",)),
    )


def test_create_only_and_do_not_flow_targets_are_left_alone(schema: Schema) -> None:
    """Create-only and DO_NOT_FLOW targets never appear in an update."""
    attributes = {k: v for k, v in DESIRED.items() if k != "sn"}
    desired = DesiredEntry(
        source_id="u-1",
        dn=DN,
        object_classes=("inetOrgPerson", "posixAccount"),
        attributes={**attributes, "uidNumber": ("99",), "title": ("Boss",)},
        create_only=frozenset({"uidNumber"}),
        do_not_flow=frozenset({"sn"}),
    )
    assert only_changes(plan_update(desired, current(), schema)) == (
        Modification(ModifyOp.ADD, "title", ("Boss",)),
    )


def test_create_only_targets_match_under_any_spelling(schema: Schema) -> None:
    """A create-only ``surname`` keeps ``sn`` out of the update; a cleared ``SN`` too."""
    desired = want(
        {"sn": ("Other",), "title": ("Boss",)},
        dn=DN,
        create_only=frozenset({"surname"}),
        cleared=frozenset({"SN"}),
    )
    assert only_changes(plan_update(desired, current(), schema)) == (
        Modification(ModifyOp.ADD, "title", ("Boss",)),
    )


def test_null_attributes_are_left_alone_unless_cleared(schema: Schema) -> None:
    """An absent target is not touched; a cleared one (flow_nulls) is removed."""
    entry = current(title=("Boss",))
    assert plan_update(want(), entry, schema) == ()
    changes = only_changes(plan_update(want(cleared=frozenset({"title"})), entry, schema))
    assert changes == (Modification(ModifyOp.REPLACE, "title", ()),)


def test_clearing_the_rdn_attribute_keeps_the_rdn_value(schema: Schema) -> None:
    """A cleared cn removes every value except the one the DN needs."""
    desired = DesiredEntry(
        source_id="u-1",
        dn=DN,
        object_classes=("inetOrgPerson", "posixAccount"),
        attributes={k: v for k, v in DESIRED.items() if k != "cn"},
        cleared=frozenset({"cn"}),
    )
    assert only_changes(plan_update(desired, current(), schema)) == (
        Modification(ModifyOp.DELETE, "cn", ("Britta Simon",)),
    )


def test_missing_auxiliary_class_is_added(schema: Schema) -> None:
    """A class the entry lacks is added when it is auxiliary, with its attributes."""
    desired = want(
        {"shadowExpire": ("20000",)},
        object_classes=("inetOrgPerson", "posixAccount", "shadowAccount"),
    )
    assert only_changes(plan_update(desired, current(), schema)) == (
        Modification(ModifyOp.ADD, "objectClass", ("shadowAccount",)),
        Modification(ModifyOp.REPLACE, "shadowExpire", ("20000",)),
    )


def test_bad_values_fail_before_anything_is_planned(schema: Schema) -> None:
    """A non-integer uidNumber or two values of a single-valued attribute is a PlanFailure."""
    result = plan_update(
        want({"uidNumber": ("ten",), "displayName": ("a", "b")}), current(), schema
    )
    assert isinstance(result, PlanFailure)
    assert len(result.problems) == 2


def test_without_validation_the_values_are_only_compared(schema: Schema) -> None:
    """``validate=False`` (a replan of values checked already) plans the diff alone."""
    desired = want({"uidNumber": ("ten",)})
    assert isinstance(plan_update(desired, current(), schema), PlanFailure)
    changes = only_changes(plan_update(desired, current(), schema, validate=False))
    assert changes == (Modification(ModifyOp.REPLACE, "uidNumber", ("ten",)),)
    assert plan_update(desired, current(uidNumber=("ten",)), schema, validate=False) == ()


def test_dn_change_applied_always_is_a_rename_then_the_modify(schema: Schema) -> None:
    """A new UPN renames the entry first; the modify goes to the new DN."""
    desired = want({"uid": ("britta",)}, dn="CN=britta,DC=Contoso,DC=lab")
    rename, modify = operations(plan_update(desired, current(), schema))
    assert rename == ModifyDnOperation(dn=DN, new_rdn="CN=britta", delete_old_rdn=True)
    assert isinstance(modify, ModifyOperation)
    assert modify.dn == "CN=britta,dc=contoso,dc=lab"
    assert modify.changes == (
        Modification(ModifyOp.DELETE, "uid", ("bsimon",)),
        Modification(ModifyOp.ADD, "uid", ("britta",)),
    )


def test_move_sets_the_new_superior(schema: Schema) -> None:
    """A -dn- under another parent moves the entry."""
    desired = want(dn="CN=bsimon,OU=Staff,DC=Contoso,DC=lab")
    (rename,) = operations(plan_update(desired, current(), schema))
    assert rename == ModifyDnOperation(
        dn=DN, new_rdn="CN=bsimon", delete_old_rdn=False, new_superior="OU=Staff,DC=Contoso,DC=lab"
    )
    assert rename.new_dn == "CN=bsimon,OU=Staff,DC=Contoso,DC=lab"


def test_create_only_dn_never_renames(schema: Schema) -> None:
    """A -dn- applied on create only does not rename existing entries."""
    desired = want(dn="CN=other,DC=Contoso,DC=lab", create_only=frozenset({"-dn-"}))
    assert plan_update(desired, current(), schema) == ()


def test_rdn_attribute_change_renames_an_entry_named_after_it(schema: Schema) -> None:
    """Without an always-applied -dn-, a new cn renames cn=Britta Simon (its only cn value)."""
    entry = Entry(
        "cn=Britta Simon,ou=people,dc=contoso,dc=lab", {**CURRENT, "cn": ("Britta Simon",)}
    )
    desired = want({"cn": ("Britta Jones",)}, dn=None)
    (rename,) = operations(plan_update(desired, entry, schema))
    assert rename == ModifyDnOperation(dn=entry.dn, new_rdn="cn=Britta Jones", delete_old_rdn=True)
    assert rename.new_dn == "cn=Britta Jones,ou=people,dc=contoso,dc=lab"


def test_rdn_value_separate_from_the_mapped_values_is_kept(schema: Schema) -> None:
    """cn=bsimon holding another cn value is not renamed when that other value changes."""
    desired = want({"cn": ("Britta Jones",)}, dn=None)
    changes = only_changes(plan_update(desired, current(), schema))
    assert Modification(ModifyOp.ADD, "cn", ("Britta Jones",)) in changes
    assert all(change.values != ("bsimon",) for change in changes)


def test_rdn_needing_escapes_is_renamed_correctly(schema: Schema) -> None:
    """A new RDN value with a comma is escaped in new_rdn (RFC 4514)."""
    entry = Entry("cn=Simon,dc=contoso,dc=lab", {**CURRENT, "cn": ("Simon",)})
    (rename,) = operations(plan_update(want({"cn": ("Simon, Britta",)}, dn=None), entry, schema))
    assert isinstance(rename, ModifyDnOperation)
    assert rename.new_rdn == "cn=Simon\\, Britta"


def _joined_plain_person() -> Entry:
    """A pre-existing entry that has inetOrgPerson only (what correlation may join)."""
    plain = {
        k: v for k, v in CURRENT.items() if k not in {"uidNumber", "gidNumber", "homeDirectory"}
    }
    return Entry(DN, {**plain, "objectClass": ("inetOrgPerson",)})


def test_added_auxiliary_class_brings_its_required_values(schema: Schema) -> None:
    """Adding posixAccount on a joined entry also adds its MUST values, create-only included."""
    desired = want(create_only=frozenset({"uidNumber"}))
    (modify,) = operations(plan_update(desired, _joined_plain_person(), schema))
    assert isinstance(modify, ModifyOperation)
    # Single-valued attributes are written with replace, which adds them when absent.
    added = {c.attribute: c.values for c in modify.changes if c.op is not ModifyOp.DELETE}
    assert added["objectClass"] == ("posixAccount",)
    assert added["uidNumber"] == ("10001",)
    assert added["homeDirectory"] == ("/home/bsimon",)


def test_added_auxiliary_class_without_values_fails_before_sending(schema: Schema) -> None:
    """Without a value for a MUST attribute of the added class, the plan fails and says why."""
    attributes = {k: v for k, v in DESIRED.items() if k != "homeDirectory"}
    desired = DesiredEntry(
        source_id="u-1",
        dn="CN=bsimon,DC=Contoso,DC=lab",
        object_classes=("inetOrgPerson", "posixAccount"),
        attributes=attributes,
    )
    result = plan_update(desired, _joined_plain_person(), schema)
    assert isinstance(result, PlanFailure)
    assert "'homeDirectory' is required by posixAccount" in result.message
