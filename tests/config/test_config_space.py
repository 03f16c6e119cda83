"""Tests for the ``[space]`` section: where the connector space is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ldapconnector.config import ConnectorConfig, SpaceConfig
from ldapconnector.errors import ConfigurationError


def _data(space: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"connectivity": {"host": "ldap.example.org", "binding": "anonymous"}}
    if space is not None:
        data["space"] = space
    return data


def test_absent_section_leaves_the_choice_to_the_caller() -> None:
    """Without ``[space]`` there is no path and the space is not in memory."""
    assert ConnectorConfig.from_dict(_data()).space == SpaceConfig()
    assert SpaceConfig().path is None
    assert SpaceConfig().in_memory is False


def test_relative_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    """``path`` is resolved like ``ca_file``, but the file need not exist yet."""
    config_file = tmp_path / "connector.toml"
    config_file.write_text(
        '[connectivity]\nhost = "ldap.example.org"\nbinding = "anonymous"\n\n'
        '[space]\npath = "state/links.sqlite"\n',
        encoding="utf-8",
    )
    config = ConnectorConfig.from_file(config_file)
    assert config.space.path == str(tmp_path / "state" / "links.sqlite")


def test_path_and_in_memory_together_are_refused(tmp_path: Path) -> None:
    """Asking for a file and for no file at once is a problem, reported by key."""
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict(_data({"path": "s.sqlite", "in_memory": True}), base_dir=tmp_path)
    assert info.value.problems == ("space.in_memory: give only one of path and in_memory = true",)


def test_unknown_space_key_is_reported() -> None:
    """A typo in ``[space]`` is an unknown key with a hint."""
    with pytest.raises(ConfigurationError) as info:
        ConnectorConfig.from_dict(_data({"pth": "s.sqlite"}))
    (problem,) = info.value.problems
    assert problem.startswith('space.pth: unknown key; did you mean "path"?')
