"""The bridge file: every problem named by its key; the token never shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldapconnector.anchors import Anchor, AnchorKind
from ldapconnector.errors import ConfigurationError
from ldapconnector.scim import BridgeMode, load_settings, settings_from_dict
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
