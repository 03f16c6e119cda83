"""``[[object_types]]``: several named object types in one file, each with its mappings."""

from __future__ import annotations

from typing import Any

import pytest

from ldapconnector.config import ApplyWhen, ConnectorConfig, MembershipConfig
from ldapconnector.errors import ConfigurationError, ExpressionSyntaxError

DN = {"type": "expression", "expression": 'Join("", "cn=", [id], ",ou=x,dc=a")', "target": "-dn-"}


def two_types(**groups: Any) -> dict[str, Any]:
    """A users type and a groups type whose members are users."""
    group = {
        "name": "groups",
        "target": "groupOfNames",
        "mappings": [DN, {"type": "direct", "source": "displayName", "target": "cn"}],
        "membership": {"members_of": "users", "placeholder_member": "cn=nobody"},
    } | groups
    return {
        "connectivity": {"host": "ldap.example.org", "binding": "anonymous"},
        "object_types": [
            {"name": "users", "target": "inetOrgPerson", "mappings": [DN], "containers": []},
            group,
        ],
    }


def problems_of(data: dict[str, Any]) -> tuple[str, ...]:
    """The problems of the ConfigurationError loading ``data`` must raise."""
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict(data)
    return info.value.problems


def test_each_object_type_becomes_a_single_type_configuration() -> None:
    """for_object_type gives the run profiles one type: its class, mappings and membership."""
    config = ConnectorConfig.from_dict(two_types())
    assert config.object_type_names == ("users", "groups")
    groups = config.for_object_type("groups")
    assert groups.object_type is not None
    assert groups.object_type.target == "groupOfNames"
    assert groups.object_type.membership == MembershipConfig(
        members_of="users", placeholder_member="cn=nobody"
    )
    assert [m.target for m in groups.mappings] == ["-dn-", "cn"]
    assert groups.mappings[0].apply is ApplyWhen.ALWAYS
    assert [m.target for m in config.for_object_type("users").mappings] == ["-dn-"]
    assert ConnectorConfig.from_dict(config.to_dict()) == config


def test_unknown_object_type_name_lists_the_configured_ones() -> None:
    """Asking for a type the file does not define names the ones it does."""
    config = ConnectorConfig.from_dict(two_types())
    with pytest.raises(ConfigurationError) as info:
        config.for_object_type("devices")
    assert info.value.problems == (
        "object_types: no object type 'devices' (configured: 'users', 'groups')",
    )


def test_problems_carry_the_object_types_key_path() -> None:
    """A bad key inside one object type is reported under object_types[i]."""
    data = two_types(membership={"members_of": "people", "chunk_size": 0})
    assert problems_of(data) == (
        "object_types[1].membership.chunk_size: must be greater than 0, got 0",
    )
    data = two_types(membership={"members_of": "people"})
    assert problems_of(data) == (
        'object_types[1].membership.members_of: "people" is not an object type; expected one '
        'of "groups", "users"',
    )


def test_duplicate_names_and_mapping_targets_are_refused() -> None:
    """Names are unique across types; mapping rules apply inside each type."""
    data = two_types(name="users", mappings=[DN, DN])
    assert problems_of(data) == (
        'object_types[1].mappings[1].target: "-dn-" is already the target of mappings[0]',
    )
    data = two_types(name="users")
    assert 'object_types[1].name: "users" is already object_types[0]' in problems_of(data)


def test_object_types_and_the_single_section_do_not_mix() -> None:
    """[[object_types]] replaces [object_type] with [[mappings]]; both at once is refused."""
    data = two_types() | {"object_type": {"target": "person"}, "mappings": [DN]}
    assert problems_of(data) == (
        "object_type: give either [[object_types]] or [object_type] with [[mappings]], not both",
        "mappings: give either [[object_types]] or [object_type] with [[mappings]], not both",
    )


def test_membership_attribute_is_not_also_a_mapping_target() -> None:
    """The membership writes its attribute; a mapping writing it too is refused."""
    data = two_types(
        mappings=[DN, {"type": "constant", "value": "x", "target": "member"}],
        membership={"members_of": "users", "attribute": "member"},
    )
    assert problems_of(data) == (
        'object_types[1].membership.attribute: "member" is also a mapping target; members are '
        "written by the membership, not by a mapping",
    )


def test_expressions_of_every_object_type_are_compiled() -> None:
    """check_expressions reports an expression of an object type under its key path."""
    data = two_types(mappings=[{"type": "expression", "expression": "Join(", "target": "-dn-"}])
    config = ConnectorConfig.from_dict(data)

    def refuse(text: str) -> object:
        if text == "Join(":
            raise ExpressionSyntaxError("bad", source=text, position=5)
        return text

    with pytest.raises(ConfigurationError) as info:
        config.check_expressions(refuse)
    (problem,) = info.value.problems
    assert problem.startswith("object_types[1].mappings[0].expression: bad")


def test_single_object_type_keeps_working() -> None:
    """The single [object_type] with top-level [[mappings]] loads as before."""
    config = ConnectorConfig.from_dict(
        {
            "connectivity": {"host": "h", "binding": "anonymous"},
            "object_type": {"target": "inetOrgPerson"},
            "mappings": [DN],
        }
    )
    assert config.object_types == ()
    assert config.object_type is not None
    assert config.object_type.membership is None
