"""check_mappings_against_schema: targets the recorded OpenLDAP 2.5 schema would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldapconnector.cli._schema import load_subschema_file
from ldapconnector.config import MappingConfig, MappingType, ObjectTypeConfig
from ldapconnector.mapping import MappingSet, check_mappings_against_schema, static_object_classes
from ldapconnector.schema import Schema

SUBSCHEMA = Path(__file__).parents[1] / "data" / "schema" / "openldap-2.5-subschema.ldif"


@pytest.fixture(name="schema", scope="module")
def fixture_schema() -> Schema:
    """The schema captured from a real OpenLDAP 2.5 slapd (core, cosine, inetorgperson, nis)."""
    return Schema.from_subschema(load_subschema_file(SUBSCHEMA))


def mapping_set(*targets: str, classes: str | None = "inetOrgPerson,posixAccount") -> MappingSet:
    """Constant mappings to ``targets``, with an objectClass mapping from ``classes``."""
    configs = [MappingConfig(type=MappingType.CONSTANT, target=t, value="x") for t in targets]
    if classes is not None:
        text = f'Split("{classes}", ",")'
        configs.append(
            MappingConfig(type=MappingType.EXPRESSION, target="objectClass", expression=text)
        )
    return MappingSet.compile(configs, object_type=ObjectTypeConfig(target="inetOrgPerson"))


def test_seed_posix_targets_are_all_allowed(schema: Schema) -> None:
    """The seed's POSIX targets fit inetOrgPerson + posixAccount."""
    targets = ("-dn-", "cn", "sn", "mail", "uid", "uidNumber", "gidNumber", "homeDirectory")
    assert check_mappings_against_schema(mapping_set(*targets), schema) == ()


def test_static_object_class_mapping_is_evaluated_once(schema: Schema) -> None:
    """A Split of constants gives the classes the check uses."""
    assert static_object_classes(mapping_set("cn")) == ("inetOrgPerson", "posixAccount")


def test_attribute_of_a_missing_class_is_refused(schema: Schema) -> None:
    """homeDirectory needs posixAccount: without it the mapping is a configuration error."""
    problems = check_mappings_against_schema(mapping_set("homeDirectory", classes=None), schema)
    assert problems == ("mapping target 'homeDirectory' is not allowed on inetOrgPerson entries",)


def test_unknown_and_read_only_targets_are_refused(schema: Schema) -> None:
    """Targets the schema lacks, and NO-USER-MODIFICATION ones, are listed each."""
    problems = check_mappings_against_schema(mapping_set("favouriteColour", "entryUUID"), schema)
    assert len(problems) == 2
    assert "'favouriteColour' is not an attribute of the schema" in problems[0]
    assert "'entryUUID' cannot be set by clients" in problems[1]


def test_unknown_class_is_a_problem(schema: Schema) -> None:
    """An object class the schema does not define is reported, not raised."""
    problems = check_mappings_against_schema(mapping_set("cn"), schema, ("inetOrgPerson", "nope"))
    assert problems == ("object class 'nope' is not defined in the directory's schema",)


def test_classes_without_a_structural_class_are_a_problem(schema: Schema) -> None:
    """Only auxiliary classes leave the entry without a structural class."""
    problems = check_mappings_against_schema(mapping_set("cn"), schema, ("posixAccount",))
    assert len(problems) == 1
    assert "structural" in problems[0]
