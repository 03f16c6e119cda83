"""The bridge file: every problem named by its key; the token never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.config import ConnectorConfig
from ldapconnector.errors import ConfigurationError
from ldapconnector.scim import (
    BridgeMode,
    EndpointSettings,
    build_group_view,
    load_settings,
    settings_from_dict,
    split_config,
)
from ldapconnector.scim._convert import anchor_for_id, scim_id

GOOD: dict[str, Any] = {"connectors": [{"name": "LDAP", "config": "c.toml", "token_env": "T"}]}


def test_defaults_follow_the_ecma_host(tmp_path: Path) -> None:
    """Port 8585, autosync 120 minutes, pass-through, tenant path /ecma2host_<name>/scim."""
    settings = settings_from_dict(GOOD, base_dir=tmp_path)
    assert settings.port == 8585
    assert settings.autosync_minutes == 120
    endpoint = settings.connectors[0]
    assert endpoint.mode is BridgeMode.PASS_THROUGH
    assert endpoint.path == "/ecma2host_LDAP/scim"
    assert endpoint.config == tmp_path / "c.toml"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({}, "connectors: at least one"),
        ({**GOOD, "port": 0}, "port: must be 1-65535"),
        ({**GOOD, "prot": 1}, "prot: unknown key"),
        ({**GOOD, "certificate": "c.pem"}, "certificate: give both"),
        ({**GOOD, "autosync_minutes": 0}, "autosync_minutes: must be positive"),
        ({"connectors": [{"name": "a/b", "config": "c", "token_env": "T"}]}, "connectors[0].name"),
        ({"connectors": [{"name": "a", "token_env": "T"}]}, "connectors[0].config: required"),
        ({"connectors": [{"name": "a", "config": "c"}]}, "connectors[0].token_env: give exactly"),
        ({"connectors": [{"name": "a", "config": "c", "token_env": "T", "mode": "x"}]},
         "connectors[0].mode: must be one of"),
        ({"connectors": [GOOD["connectors"][0], GOOD["connectors"][0]]}, "used twice"),
    ],
)  # fmt: skip
def test_bad_files_name_the_key(data: dict[str, Any], problem: str, tmp_path: Path) -> None:
    """Each mistake is a ConfigurationError that names its key."""
    with pytest.raises(ConfigurationError) as raised:
        settings_from_dict(data, base_dir=tmp_path)
    assert problem in str(raised.value)


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    """An unreadable or malformed file is a ConfigurationError naming it."""
    bad = tmp_path / "bridge.toml"
    bad.write_text("port = = 1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigurationError, match="cannot be read"):
        load_settings(tmp_path / "missing.toml")


def test_ids_are_url_safe_and_read_back() -> None:
    """A UUID anchor is its own id; a DN anchor is base64url (no comma, no equals sign)."""
    uuid_anchor = Anchor.parse(AnchorKind.ENTRY_UUID, "9253d646-860d-1041-940f-0d0345506110")
    assert scim_id(uuid_anchor) == uuid_anchor.value
    assert anchor_for_id(AnchorKind.ENTRY_UUID, scim_id(uuid_anchor)) == uuid_anchor
    dn_anchor = Anchor.parse(AnchorKind.DN, "cn=Bob Smith,ou=people,dc=contoso,dc=lab")
    text = scim_id(dn_anchor)
    assert "," not in text
    assert "=" not in text
    assert anchor_for_id(AnchorKind.DN, text) == dn_anchor
    assert anchor_for_id(AnchorKind.ENTRY_UUID, "not-a-uuid") is None
    assert anchor_for_id(AnchorKind.DN, "%%%") is None


def test_users_and_groups_name_object_types(tmp_path: Path) -> None:
    """``users`` and ``groups`` name the [[object_types]] behind /Users and /Groups."""
    table = {**GOOD["connectors"][0], "users": "people", "groups": "teams"}
    endpoint = settings_from_dict({"connectors": [table]}, base_dir=tmp_path).connectors[0]
    assert (endpoint.users, endpoint.groups) == ("people", "teams")
    assert settings_from_dict(GOOD, base_dir=tmp_path).connectors[0].groups is None


def _types_config(groups_type: dict[str, Any]) -> ConnectorConfig:
    users = {"name": "people", "target": "inetOrgPerson", "mappings": [
        {"type": "expression", "target": "-dn-", "expression": 'Join("", "uid=", [login])'},
        {"type": "direct", "source": "login", "target": "uid"}]}  # fmt: skip
    dn = {"type": "expression", "target": "-dn-", "expression": 'Join("", "cn=", [name])'}
    groups_type = {**groups_type, "mappings": [dn, *groups_type.get("mappings", [])]}
    return ConnectorConfig.from_dict(
        {"connectivity": {"host": "ldap.contoso.lab", "security": "none", "binding": "anonymous"},
         "object_types": [users, {"name": "teams", "target": "groupOfNames", **groups_type}]}
    )  # fmt: skip


MEMBERSHIP = {"members_of": "people", "placeholder_member": "cn=nobody"}
NAME_MAPPING = [{"type": "direct", "source": "displayName", "target": "cn"}]


@pytest.mark.parametrize(
    ("keys", "groups_type", "problem"),
    [
        ({"groups": "nope"}, {"membership": MEMBERSHIP},
         "connectors[LDAP].groups: no object type 'nope' (configured: people, teams)"),
        ({"groups": "teams"}, {},
         "connectors[LDAP].groups: the object type 'teams' has no membership table"),
        ({"groups": "teams", "users": "teams"}, {"membership": MEMBERSHIP},
         "connectors[LDAP].users: the group type's members are 'people', not 'teams'"),
        ({}, {"membership": MEMBERSHIP}, "connectors[LDAP].users: required"),
    ],
)  # fmt: skip
def test_bad_group_endpoints_name_the_key(
    keys: dict[str, str], groups_type: dict[str, Any], problem: str, tmp_path: Path
) -> None:
    """A /Groups endpoint the connector configuration cannot serve is refused by key."""
    endpoint = EndpointSettings(name="LDAP", config=tmp_path / "c.toml", token_env="T", **keys)
    with pytest.raises(ConfigurationError) as raised:
        split_config(endpoint, _types_config(groups_type))
    assert problem in str(raised.value)


def test_groups_need_object_types_and_a_display_name_mapping(tmp_path: Path) -> None:
    """An [object_type] file has no group type; a group type needs displayName mapped."""
    endpoint = EndpointSettings(name="LDAP", config=tmp_path / "c.toml", token_env="T",
                                groups="teams")  # fmt: skip
    single = ConnectorConfig.from_dict(
        {"connectivity": {"host": "h", "security": "none", "binding": "anonymous"},
         "object_type": {"target": "inetOrgPerson"}}
    )  # fmt: skip
    with pytest.raises(ConfigurationError, match=r"groups: /Groups needs .*\[\[object_types\]\]"):
        split_config(endpoint, single)
    types = split_config(endpoint, _types_config({"membership": MEMBERSHIP}))
    assert types.users_name == "people"  # the group type's members_of
    assert types.groups is not None
    with pytest.raises(ConfigurationError, match='direct mapping from "displayName"'):
        build_group_view(types.groups)
    named = _types_config({"membership": MEMBERSHIP, "mappings": NAME_MAPPING})
    view = build_group_view(named.for_object_type("teams"))
    assert (view.display_name, view.external_id, view.members.attribute) == ("cn", None, "member")
