"""MappingSet: compiling the [[mappings]] once and turning source records into desired entries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ldapconnector.config import ApplyWhen, MappingConfig, MappingType, ObjectTypeConfig
from ldapconnector.errors import ConfigurationError
from ldapconnector.mapping import DesiredEntry, MappingFailure, MappingSet, to_ldap_values

SEED_DN = 'Join("", "CN=", Word([userPrincipalName], 1, "@"), ",DC=Contoso,DC=lab")'
SEED_CLASSES = 'Split("inetOrgPerson,posixAccount", ",")'


def expression(
    target: str,
    text: str,
    *,
    apply: ApplyWhen = ApplyWhen.ALWAYS,
    matching_precedence: int | None = None,
) -> MappingConfig:
    """An expression mapping."""
    return MappingConfig(
        type=MappingType.EXPRESSION,
        target=target,
        expression=text,
        apply=apply,
        matching_precedence=matching_precedence,
    )


def direct(
    target: str,
    source: str,
    *,
    apply: ApplyWhen = ApplyWhen.ALWAYS,
    matching_precedence: int | None = None,
    default_value: str | None = None,
) -> MappingConfig:
    """A direct mapping."""
    return MappingConfig(
        type=MappingType.DIRECT,
        target=target,
        source=source,
        apply=apply,
        matching_precedence=matching_precedence,
        default_value=default_value,
    )


def constant(target: str, value: str) -> MappingConfig:
    """A constant mapping."""
    return MappingConfig(type=MappingType.CONSTANT, target=target, value=value)


POSIX = (
    expression("-dn-", SEED_DN),
    expression("objectClass", SEED_CLASSES),
    direct("cn", "displayName"),
    direct("sn", "surname"),
    direct("mail", "mail", matching_precedence=2),
    expression("uid", 'Word([userPrincipalName], 1, "@")', matching_precedence=1),
    direct("uidNumber", "uidNumber", apply=ApplyWhen.CREATE),
    constant("gidNumber", "10000"),
    expression("homeDirectory", 'Join("", "/home/", Word([userPrincipalName], 1, "@"))'),
)

RECORD = {
    "id": "u-1",
    "userPrincipalName": "bsimon@contoso.com",
    "displayName": "Britta Simon",
    "surname": "Simon",
    "mail": "bsimon@contoso.com",
    "uidNumber": 10001,
}


def desired(result: object) -> DesiredEntry:
    """The result, which must be a desired entry."""
    assert isinstance(result, DesiredEntry), result
    return result


def test_seed_posix_example_maps_every_attribute() -> None:
    """The seed's POSIX mappings give the DN, classes and LDAP string values."""
    entry = desired(MappingSet.compile(POSIX).apply(RECORD, creating=True))
    assert entry.source_id == "u-1"
    assert entry.dn == "CN=bsimon,DC=Contoso,DC=lab"
    assert entry.object_classes == ("inetOrgPerson", "posixAccount")
    assert entry.attributes == {
        "cn": ("Britta Simon",),
        "sn": ("Simon",),
        "mail": ("bsimon@contoso.com",),
        "uid": ("bsimon",),
        "uidNumber": ("10001",),
        "gidNumber": ("10000",),
        "homeDirectory": ("/home/bsimon",),
    }
    assert "objectClass" not in entry.attributes


def test_matching_attributes_follow_precedence() -> None:
    """Matching attributes come lowest precedence first, with their values."""
    entry = desired(MappingSet.compile(POSIX).apply(RECORD, creating=True))
    assert entry.matching == (("uid", ("bsimon",)), ("mail", ("bsimon@contoso.com",)))


def test_create_only_mappings_are_skipped_when_not_creating() -> None:
    """A create-only mapping is not evaluated for an update but still listed as create-only."""
    mapped = MappingSet.compile(POSIX)
    created = desired(mapped.apply(RECORD, creating=True))
    updated = desired(mapped.apply(RECORD, creating=False))
    assert created.create_only == {"uidNumber"}
    assert "uidNumber" in created.attributes
    assert "uidNumber" not in updated.attributes
    assert updated.create_only == {"uidNumber"}


def test_create_only_dn_is_absent_on_update() -> None:
    """A create-only -dn- mapping gives no DN when the record is not being created."""
    mapped = MappingSet.compile((expression("-dn-", SEED_DN, apply=ApplyWhen.CREATE),))
    assert desired(mapped.apply(RECORD, creating=False)).dn is None
    assert desired(mapped.apply(RECORD, creating=True)).dn == "CN=bsimon,DC=Contoso,DC=lab"


def test_configured_classes_are_used_without_an_object_class_mapping() -> None:
    """Without an objectClass mapping the entry gets the structural class and the auxiliaries."""
    object_type = ObjectTypeConfig(target="inetOrgPerson", auxiliary=("posixAccount",))
    mapped = MappingSet.compile((direct("cn", "displayName"),), object_type=object_type)
    entry = desired(mapped.apply(RECORD, creating=True))
    assert entry.object_classes == ("inetOrgPerson", "posixAccount")


def test_null_results_do_not_flow_by_default() -> None:
    """A null result leaves the target out, neither set nor cleared."""
    mapped = MappingSet.compile((direct("telephoneNumber", "phone"),))
    entry = desired(mapped.apply(RECORD, creating=True))
    assert entry.attributes == {}
    assert entry.cleared == frozenset()


def test_flow_nulls_marks_null_targets_cleared() -> None:
    """With flow_nulls a null (or empty string) result is to be cleared."""
    mappings = (direct("telephoneNumber", "phone"), direct("title", "jobTitle"))
    mapped = MappingSet.compile(mappings, flow_nulls=True)
    entry = desired(mapped.apply({**RECORD, "jobTitle": ""}, creating=False))
    assert entry.cleared == {"telephoneNumber", "title"}
    assert entry.attributes == {}


def test_do_not_flow_is_recorded_and_never_cleared() -> None:
    """IgnoreFlowIfNullOrEmpty means "leave as is", even with flow_nulls."""
    mapped = MappingSet.compile(
        (expression("title", "IgnoreFlowIfNullOrEmpty([jobTitle])"),), flow_nulls=True
    )
    entry = desired(mapped.apply(RECORD, creating=False))
    assert entry.do_not_flow == {"title"}
    assert entry.cleared == frozenset()
    assert "title" not in entry.attributes


def test_default_value_stands_in_for_null() -> None:
    """A direct mapping's default_value is used when the source attribute is missing."""
    mapped = MappingSet.compile((direct("title", "jobTitle", default_value="Staff"),))
    assert desired(mapped.apply(RECORD, creating=True)).attributes == {"title": ("Staff",)}


def test_redacted_values_flow_but_never_show_in_repr() -> None:
    """Redact() values are kept for writing and listed as redacted; repr masks them."""
    mapped = MappingSet.compile((expression("description", "Redact([secret])"),))
    entry = desired(mapped.apply({**RECORD, "secret": "hunter2"}, creating=True))
    assert entry.attributes == {"description": ("hunter2",)}
    assert entry.redacted == {"description"}
    assert "hunter2" not in repr(entry)
    assert entry.shown_attributes() == {"description": ("[Redact]",)}


def test_control_keys_are_flags_not_attributes() -> None:
    """isSoftDeleted and @deleted become flags and cannot be mapped as attributes."""
    mapped = MappingSet.compile((direct("description", "isSoftDeleted"),))
    entry = desired(
        mapped.apply({**RECORD, "isSoftDeleted": True, "@deleted": True}, creating=False)
    )
    assert entry.soft_deleted is True
    assert entry.deleted is True
    assert entry.attributes == {}
    plain = desired(mapped.apply(RECORD, creating=False))
    assert (plain.soft_deleted, plain.deleted) == (False, False)


def test_expression_errors_become_a_failure_for_that_record() -> None:
    """A run-time expression error gives a MappingFailure naming the target, not an exception."""
    mapped = MappingSet.compile((expression("uid", "Mid([displayName], 0, 2)"),))
    result = mapped.apply(RECORD, creating=True)
    assert isinstance(result, MappingFailure)
    assert (result.source_id, result.target) == ("u-1", "uid")
    assert "Mid" in result.message


def test_record_without_id_fails() -> None:
    """A record with no id cannot be mapped."""
    result = MappingSet.compile(POSIX).apply({"mail": "x@y"}, creating=True)
    assert isinstance(result, MappingFailure)
    assert result.source_id is None


def test_multi_valued_dn_fails() -> None:
    """A -dn- mapping that yields several values is a failure for the record."""
    mapped = MappingSet.compile((expression("-dn-", 'Split("cn=a,cn=b", ",")'),))
    result = mapped.apply(RECORD, creating=True)
    assert isinstance(result, MappingFailure)
    assert result.target == "-dn-"


def test_bad_expressions_are_one_configuration_error() -> None:
    """Every expression that does not compile is listed in one ConfigurationError."""
    with pytest.raises(ConfigurationError) as caught:
        MappingSet.compile((expression("cn", "Nope([x])"), expression("sn", 'Left("a"')))
    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith("mappings[0].expression")


def test_lists_flatten_and_values_convert_to_ldap_strings() -> None:
    """Booleans, integers, datetimes and nested lists become LDAP strings without repeats."""
    moment = datetime(2024, 5, 1, 13, 4, 5, tzinfo=UTC)
    assert to_ldap_values([True, False, 7, [moment, "x", "x"], None, ""]) == (
        "TRUE",
        "FALSE",
        "7",
        "20240501130405Z",
        "x",
    )


def test_multi_valued_source_attributes_flow_as_lists() -> None:
    """A list in the record maps to several values of the target."""
    mapped = MappingSet.compile((direct("mail", "mail"),))
    entry = desired(mapped.apply({"id": "7", "mail": ["a@x", "b@x"]}, creating=True))
    assert entry.attributes == {"mail": ("a@x", "b@x")}
    assert entry.source_id == "7"


def test_failure_of_a_redacting_expression_hides_the_value() -> None:
    """An error inside an expression that uses Redact never shows the value it failed on."""
    mapped = MappingSet.compile((expression("uid", "CDate(Redact([secret]))"),))
    result = mapped.apply({**RECORD, "secret": "topsecret"}, creating=True)
    assert isinstance(result, MappingFailure)
    assert "topsecret" not in str(result)


def test_empty_name_sets_are_one_object() -> None:
    """Empty sets of names (most of a record's) share one object: a report keeps them all."""
    mappings = MappingSet.compile([direct("cn", "displayName")])
    first = mappings.apply({"id": "1", "displayName": "A"}, creating=True)
    second = mappings.apply({"id": "2", "displayName": "B"}, creating=True)
    assert isinstance(first, DesiredEntry)
    assert isinstance(second, DesiredEntry)
    empty = {id(first.do_not_flow), id(first.cleared), id(first.redacted), id(second.redacted)}
    assert len(empty) == 1
    assert not first.redacted
