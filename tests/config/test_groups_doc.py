"""docs/groups.md: its configuration loads and its class table matches the schema's table."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ldapconnector.config import ConnectorConfig
from ldapconnector.schema import GROUP_CLASSES

DOC = Path(__file__).parents[2] / "docs" / "groups.md"


def test_documented_groups_configuration_loads() -> None:
    """The example file defines users and groups; groups' members are users."""
    example = DOC.read_text().split("```toml\n", 1)[1].split("```", 1)[0]
    config = ConnectorConfig.from_dict(tomllib.loads(example), environ={"LDAP_PASSWORD": "x"})
    assert config.object_type_names == ("users", "groups")
    groups = config.for_object_type("groups").object_type
    assert groups is not None
    assert groups.membership is not None
    assert groups.membership.members_of == "users"
    assert [m.target for m in config.for_object_type("users").mappings] == [
        "-dn-", "uid", "sn", "cn",
    ]  # fmt: skip


def test_class_table_matches_group_classes() -> None:
    """Every row of the doc's class table is the schema layer's data, and every class has one."""
    rows = re.findall(r"^\| `(\w+)`[^|]*\| `(\w+)`", DOC.read_text(), flags=re.MULTILINE)
    assert sorted(rows) == sorted((g.name, g.member_attribute) for g in GROUP_CLASSES)
