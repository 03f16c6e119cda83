"""docs/scim-bridge.md's /Groups example: the connector file and the bridge file load and
serve users and groups as the section says."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ldapconnector.config import ConnectorConfig
from ldapconnector.scim import build_group_view, settings_from_dict, split_config

DOC = Path(__file__).parents[2] / "docs" / "scim-bridge.md"


def test_documented_groups_example_loads(tmp_path: Path) -> None:
    """The section's two files: users and groups types, the bridge naming both."""
    section = DOC.read_text().split("## Groups: `/Groups`", 1)[1].split("\n## ", 1)[0]
    blocks = [part.split("```", 1)[0] for part in section.split("```toml\n")[1:]]
    connector, bridge = (tomllib.loads(block) for block in blocks)
    config = ConnectorConfig.from_dict(connector, environ={"LDAP_PASSWORD": "x"})
    endpoint = settings_from_dict(bridge, base_dir=tmp_path).connectors[0]
    types = split_config(endpoint, config)
    assert (types.users_name, types.groups_name) == ("users", "groups")
    assert types.groups is not None
    view = build_group_view(types.groups)
    assert (view.display_name, view.external_id) == ("cn", "businessCategory")
    assert view.members.attribute == "member"
    assert view.members.placeholder == "cn=nobody"
